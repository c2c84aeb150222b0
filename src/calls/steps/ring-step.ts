// One ring step: every target of it rings at once; the first to answer gets the call and the rest
// stop ringing. Each attempt is written down with its result.
//
// The originates go out first: everything else about the ring (the call's row when it is the
// first, the attempt rows, the board, call.offered, logs) runs on the next turn of the event loop,
// after the requests have been handed to their sockets.
import { sipCallerId } from '../../domain/caller-id.js'
import type { PlanStep } from '../../domain/routing.js'
import type { CallContext, OperatorLeg } from '../call-context.js'
import { DialAttempt, type AttemptOutcome } from '../dial-attempt.js'

/** Resolves on the event loop's next check phase: after this turn's requests have been flushed. */
const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

export async function ringStep (ctx: CallContext, step: PlanStep): Promise<OperatorLeg | null> {
  const { ari, repo, board, bus, newId, settings } = ctx.deps
  const stepIndex = ctx.stepCount++
  const started: OperatorLeg[] = []
  const callerId = displayedCallerId(ctx)
  const sent = (atPerf: number): void => { ctx.originateSent(atPerf) }
  for (const target of step.targets) {
    const attempt = new DialAttempt(ari, {
      endpoint: target.endpoint, callerId, timeoutSeconds: step.ringTimeoutSeconds,
      appArgs: `dialed,${ctx.callId}`, guardMs: settings.attemptGuardMs, sent
    }, ctx.clock)
    const entry = { attempt, operatorId: target.operatorId, attemptId: newId('att'), startedAt: ctx.now() }
    ctx.ringing.set(attempt.channelId, entry)
    started.push(entry)
    void attempt.start()
    // At once in the routing snapshot: no other call (of this same turn too) may pick this operator.
    board.legRinging(target.operatorId, true)
  }
  await nextTurn()
  board.announce()
  ctx.open()
  for (const entry of started) {
    repo.insertAttempt({
      attemptId: entry.attemptId, callId: ctx.callId, stepIndex, stepKind: step.kind, operatorId: entry.operatorId,
      endpoint: entry.attempt.endpoint, channelId: entry.attempt.channelId, startedAt: entry.startedAt, result: 'ringing'
    })
    bus.emit('call.offered', { callId: ctx.callId, operatorId: entry.operatorId, customerId: ctx.facts.customer?.customerId ?? null, direction: 'inbound' })
    ctx.log.info({ operatorId: entry.operatorId, endpoint: entry.attempt.endpoint, step: step.kind }, 'ringing operator')
  }

  let winner: OperatorLeg | null = null
  const pending = new Set(started)
  await new Promise<void>((resolve) => {
    void ctx.caller.stopped.then(() => {
      for (const e of pending) void e.attempt.cancel()
    })
    for (const entry of started) {
      void entry.attempt.outcome.then((outcome) => {
        pending.delete(entry)
        const wins = outcome.result === 'answered' && winner === null && !ctx.isOver
        recordAttempt(ctx, entry, outcome, wins)
        if (wins) {
          winner = entry
          for (const other of pending) void other.attempt.cancel()
        } else if (outcome.result === 'answered') {
          void entry.attempt.hangup()
        }
        if (pending.size === 0) resolve()
      })
    }
  })
  return winner
}

/** `wins`: this operator takes the call; the board counts them talking from now on (see talk()). */
export function recordAttempt (ctx: CallContext, entry: OperatorLeg, o: AttemptOutcome, wins = false): void {
  const now = ctx.now()
  ctx.ringing.delete(entry.attempt.channelId)
  if (wins) {
    // One step from ringing to talking: released first, the operator would look free to the
    // waiting line until the conversation began.
    ctx.deps.board.ringAnswered(entry.operatorId)
    ctx.talkingOnBoard = entry.operatorId
  } else {
    ctx.deps.board.legStoppedRinging(entry.operatorId)
  }
  ctx.deps.repo.updateAttempt(entry.attemptId, {
    result: o.result, cause: o.cause, causeText: o.causeText || null, endedAt: now, ringMs: now - entry.startedAt,
    ...(o.result === 'answered' ? { answeredAt: now } : {})
  })
  ctx.attempts.push({ operatorId: entry.operatorId, result: o.result })
  ctx.log.info({ operatorId: entry.operatorId, result: o.result, cause: o.cause }, o.result === 'answered' ? 'operator answered' : 'operator did not answer')
  if (o.result !== 'answered') entry.attempt.dispose()
}

/** What the operator's phone shows: who calls, how well we know them (earlier calls, deals), what about. */
function displayedCallerId (ctx: CallContext): string {
  const { callerPhone, customer: c, categoryId } = ctx.facts
  const number = callerPhone ?? (ctx.channel.callerNumber || 'unknown')
  const name = c?.name ?? ctx.channel.callerName
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
  const history = c === null ? null : c.earlierCalls === 0 ? 'new' : [plural(c.earlierCalls, 'call'), c.deals > 0 ? plural(c.deals, 'deal') : ''].filter(Boolean).join(' ')
  const label = [name, history, categoryId].filter(Boolean).join(' · ')
  return sipCallerId(label, number, 60)
}
