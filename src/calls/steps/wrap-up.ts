// Step: the end of the call. Everything the call holds is freed in one place; the operator stays on
// the line for the disposition menu when the customer hung up first; the outcome is written and
// announced (call.ended).
import type { CallEnded } from '../../domain/call-events.js'
import type { CallContext } from '../call-context.js'
import { recordAttempt } from './ring-step.js'
import { ignoreChannelGone } from '../../asterisk/expected-errors.js'

export type CallStatus = CallEnded['status']

/** How the call came out, from what happened to it. */
export function outcomeOf (ctx: CallContext): CallStatus {
  if (ctx.caller.isBroken) return 'failed'
  if (ctx.answered) return 'answered'
  if (ctx.facts.callbackWhy !== null) return 'callback'
  return ctx.caller.isGone ? 'abandoned' : 'missed'
}

/** Every leg, bridge, timer, watcher and ringing mark the call holds, freed in one place. Returns whether the operator is kept for the disposition menu. */
export async function releaseEverything (ctx: CallContext): Promise<boolean> {
  ctx.releaseTimers()
  for (const entry of ctx.ringing.values()) {
    await entry.attempt.cancel()
    recordAttempt(ctx, entry, { result: 'cancelled', cause: null, causeText: 'call ended' })
  }
  ctx.ringing.clear()
  const hangups: Array<Promise<unknown>> = []
  const keepOperator = keepsOperator(ctx)
  if (ctx.answered && !keepOperator) {
    hangups.push(ctx.answered.attempt.hangup()) // never rejects: a failed hang-up is logged and counted there
  }
  if (!ctx.caller.isGone) {
    if (ctx.hangupBy === null) ctx.hangupBy = 'system'
    hangups.push(ctx.caller.hangup(!ctx.answered && !ctx.caller.isAnswered))
  }
  await Promise.all(hangups)
  await ctx.recorder.hangupSnoops()
  if (ctx.bridgeId) await ctx.deps.ari.destroyBridge(ctx.bridgeId).catch(ignoreChannelGone(ctx.log, 'call bridge destroy', { bridgeId: ctx.bridgeId }))
  if (!keepOperator) ctx.answered?.attempt.dispose()
  ctx.caller.dispose()
  return keepOperator
}

/** The operator stays on the line for the disposition menu when the customer hung up first. */
function keepsOperator (ctx: CallContext): boolean {
  return ctx.deps.afterCall !== undefined && ctx.answered !== null && ctx.hangupBy === 'caller' && !ctx.caller.isBroken && !ctx.answered.attempt.isGone
}

/** The disposition menu on the operator's leg, which it then owns. */
export async function handOver (ctx: CallContext): Promise<void> {
  const operator = ctx.answered
  const afterCall = ctx.deps.afterCall
  if (!operator || !afterCall) return
  const { board, ari } = ctx.deps
  operator.attempt.dispose()
  board.dispositionStarted(operator.operatorId)
  try {
    await afterCall({ callId: ctx.callId, operatorId: operator.operatorId, channelId: operator.attempt.channelId, pressed: operator.attempt.takeKeys() })
  } catch (err) {
    ctx.log.error({ err }, 'after-call menu failed')
    await ari.hangup(operator.attempt.channelId).catch(ignoreChannelGone(ctx.log, 'after-call menu hangup'))
  } finally {
    board.dispositionEnded(operator.operatorId)
  }
}

/** The call's row, the customer's last call, the recordings, and call.ended. */
export async function finish (ctx: CallContext, status: CallStatus): Promise<CallEnded> {
  const { repo, board, bus } = ctx.deps
  const f = ctx.facts
  const endedAt = ctx.now()
  const talkMs = ctx.answeredAt === null ? 0 : endedAt - ctx.answeredAt
  const operatorId = ctx.answered?.operatorId ?? null
  const endReason = ctx.problem ?? endReasonOf(ctx, status)
  if (operatorId) board.talkEnded(operatorId, talkMs)
  else if (ctx.talkingOnBoard !== null) board.talkAborted(ctx.talkingOnBoard)
  // Landed at the end of this turn, or with the outcome's transaction when call.ended goes out in
  // this turn (nothing to wait for: no recording): one commit for the whole end of the call.
  repo.updateCall(ctx.callId, {
    status, endedAt, talkMs, ringMs: (ctx.answeredAt ?? endedAt) - ctx.startedAt, hangupBy: ctx.hangupBy, endReason
  })
  if (f.customer) repo.rememberCustomerCall(f.customer.customerId, operatorId, endedAt)
  ctx.log.info({ status, talkMs, hangupBy: ctx.hangupBy }, 'call ended')
  const recordings = ctx.answered ? await ctx.recorder.settle() : []
  const event: CallEnded = {
    callId: ctx.callId, direction: 'inbound', status, callerPhone: f.callerPhone, callerRaw: ctx.channel.callerNumber,
    customerId: f.customer?.customerId ?? null, did: ctx.channel.did, source: ctx.source,
    categoryId: f.categoryId, campaign: f.visit?.campaign ?? null, utm: f.visit?.utm ?? null,
    answeredBy: operatorId, attempts: ctx.attempts,
    startedAt: ctx.startedAt, answeredAt: ctx.answeredAt, endedAt, ringMs: (ctx.answeredAt ?? endedAt) - ctx.startedAt,
    talkMs, hangupBy: ctx.hangupBy, recordings, menuPath: f.menuPath,
    waitMs: f.queuedAt === null ? null : (ctx.answeredAt ?? endedAt) - f.queuedAt, endReason
  }
  bus.emit('call.ended', event)
  return event
}

function endReasonOf (ctx: CallContext, status: CallStatus): string | null {
  const f = ctx.facts
  switch (status) {
    case 'missed': return f.queueOutcome === 'nobody_left' ? 'nobody answered while the caller waited' : 'nobody answered'
    case 'abandoned':
      if (f.queueOutcome === 'abandoned') return 'caller hung up while waiting for an operator'
      return f.menuEntered && f.menuChoice === null ? 'caller hung up in the voice menu' : 'caller hung up while ringing'
    case 'callback': return f.callbackWhy
    default: return null
  }
}
