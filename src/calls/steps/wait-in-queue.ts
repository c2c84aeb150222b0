// Step: waiting for an operator. Nobody free took the call: when someone who could is busy, the
// caller waits (music, their position now and then, a callback key) and the first such operator
// to become free is rung. Driven by events: an operator freed and rung, a key, the hang-up, and
// the call's timers (the next announcement, the longest wait).
import { expectedWaitMinutes, freeOperatorFor, shouldWait, type WaitingCall } from '../../domain/wait-queue.js'
import type { PlanStep, RoutingPlan, RoutingPolicy } from '../../domain/routing.js'
import type { CallContext, OperatorLeg, QueueOutcome } from '../call-context.js'
import type { CallQueue } from '../call-queue.js'
import { EventInbox } from '../event-inbox.js'
import type { PhoneMenu } from '../../asterisk/phone-menu.js'
import { ringStep } from './ring-step.js'

type WaitEvent =
  | { kind: 'answered'; operator: OperatorLeg }
  | { kind: 'not_answered'; operatorId: string }
  | { kind: 'key' }
  | { kind: 'gone' }
  | { kind: 'max_wait' }
  | { kind: 'announce' }

/** Returns the operator who answered, or null (the caller left, asked for a callback, or waited too long). */
export async function waitInQueue (ctx: CallContext, route: RoutingPlan): Promise<OperatorLeg | null> {
  const queue = ctx.deps.queue
  if (ctx.isOver || !queue || !ctx.deps.settings.queue.enabled) return null
  const { repo, board } = ctx.deps
  const facts = ctx.facts
  const now = ctx.now()
  const waiting: WaitingCall = {
    callId: ctx.callId, arrivedAtMs: facts.queuedAt ?? now, returning: facts.customer?.lastCallAt != null,
    categoryId: facts.categoryId, stickyOperatorId: facts.customer?.lastOperatorId ?? null,
    onlyOperatorIds: null, triedOperatorIds: new Set()
  }
  const policy = facts.policy!
  // Never answered into the line while someone who may take the call is free (freed since the
  // plan was made): they are rung first, each once.
  // Those this call rang already are not rung again here (the line may still offer it to them later).
  const rung = new Set(ctx.attempts.map((a) => a.operatorId))
  const probe: WaitingCall = { ...waiting, triedOperatorIds: rung }
  for (let free = freeOperatorFor(probe, board.snapshot(ctx.now()), policy); free !== null && !ctx.isOver; free = freeOperatorFor(probe, board.snapshot(ctx.now()), policy)) {
    const step: PlanStep = {
      kind: 'queue', targets: [{ operatorId: free.operatorId, endpoint: free.endpoint }], ringTimeoutSeconds: policy.ringTimeoutSeconds,
      reasons: [`${free.operatorId}: free when the caller would have been put in the waiting line`]
    }
    route.steps.push(step)
    rung.add(free.operatorId)
    const operator = await ringStep(ctx, step)
    if (operator) {
      repo.updateCall(ctx.callId, { plan: JSON.stringify(route) })
      return operator
    }
  }
  if (ctx.isOver) return null
  const verdict = shouldWait(waiting, board.snapshot(ctx.now()), policy)
  ctx.log.info({ wait: verdict.wait, reason: verdict.reason }, verdict.wait ? 'caller waits for an operator' : 'caller not kept waiting')
  route.reasons.push(verdict.wait ? `waiting: ${verdict.reason}` : `not waiting: ${verdict.reason}`)
  if (!verdict.wait) {
    repo.updateCall(ctx.callId, { plan: JSON.stringify(route) })
    return null
  }
  if (!await ctx.caller.answer()) return null
  facts.queuedAt = waiting.arrivedAtMs
  repo.updateCall(ctx.callId, { status: 'waiting', queuedAt: facts.queuedAt, plan: JSON.stringify(route) })
  queue.join(waiting, policy, facts.callerPhone)
  return await new QueueWait(ctx, queue, route, policy, facts.queuedAt).run()
}

/** One caller's wait, from joining the queue to leaving it. */
class QueueWait {
  private readonly inbox = new EventInbox<WaitEvent>()
  private readonly keys: PhoneMenu
  private readonly callbackKey: string
  private readonly cancels: Array<() => void> = []
  /** An announcement came due while an operator rang for this caller: it is played once they are done. */
  private announcementDue = false
  /** Set while an announcement plays: an operator's answer or the callback key cuts it short. */
  private cutAnnouncement: (() => void) | null = null

  constructor (private readonly ctx: CallContext, private readonly queue: CallQueue, private readonly route: RoutingPlan,
    private readonly policy: RoutingPolicy, private readonly queuedAt: number) {
    const q = ctx.deps.settings.queue
    this.keys = ctx.caller.keys()
    this.callbackKey = q.callbackKey !== '' && ctx.facts.callerPhone ? q.callbackKey : ''
  }

  async run (): Promise<OperatorLeg | null> {
    const { ctx, queue, inbox } = this
    const q = ctx.deps.settings.queue
    let outcome: QueueOutcome = 'abandoned'
    let winner: OperatorLeg | null = null
    try {
      // A hang-up also ends nextKey (with null): that is the caller leaving, which `gone` reports.
      if (this.callbackKey) void this.keys.nextKey(this.callbackKey).then((k) => { if (k !== null) this.urgent({ kind: 'key' }) })
      void ctx.caller.stopped.then(() => { inbox.push({ kind: 'gone' }) })
      await ctx.caller.startMusic()
      this.cancels.push(ctx.after(q.maxWaitMs - (ctx.now() - this.queuedAt), () => { inbox.push({ kind: 'max_wait' }) }))
      this.readyForNextOperator()
      // The first announcement at once, but after the queue's dispatch of this offer (also on the
      // next turn): an operator rung straight away holds it back.
      setImmediate(() => { inbox.push({ kind: 'announce' }) })
      let closing: 'key' | 'max_wait' | null = null
      for (;;) {
        const event = await inbox.next()
        if (event.kind === 'gone') break
        if (event.kind === 'answered') { winner = event.operator; outcome = 'connected'; break }
        if (event.kind === 'not_answered') {
          queue.notAnswered(ctx.callId, event.operatorId)
          if (closing !== null) { outcome = this.letGo(closing); break }
          this.readyForNextOperator()
          if (this.announcementDue) await this.announce()
          continue
        }
        if (closing !== null) continue
        if (event.kind === 'announce') {
          await this.announce()
          continue
        }
        // A key or the longest wait: an operator already ringing for this caller gets the chance to answer first.
        closing = event.kind
        if (queue.ringingFor(ctx.callId) === null) { outcome = this.letGo(closing); break }
      }
    } finally {
      queue.leave(ctx.callId)
      this.keys.dispose()
      for (const cancel of this.cancels) cancel()
      if (outcome === 'abandoned' && !ctx.caller.isGone) outcome = ctx.caller.isBroken ? 'nobody_left' : outcome
      ctx.facts.queueOutcome = outcome
      const waitMs = ctx.now() - this.queuedAt
      ctx.deps.repo.updateCall(ctx.callId, { waitMs, queueOutcome: outcome })
      ctx.log.info({ outcome, waitMs }, 'wait over')
    }
    return winner
  }

  /** An event that must not wait for an announcement in progress to end. */
  private urgent (event: WaitEvent): void {
    this.inbox.push(event)
    this.cutAnnouncement?.()
  }

  /** The next operator free for this caller (now or later) is rung; the result comes back as an event. */
  private readyForNextOperator (): void {
    const { ctx, route, policy, inbox } = this
    this.queue.ready(ctx.callId, (op) => {
      const step: PlanStep = {
        kind: 'queue', targets: [{ operatorId: op.operatorId, endpoint: op.endpoint }], ringTimeoutSeconds: policy.ringTimeoutSeconds,
        reasons: [`${op.operatorId}: free again, first waiting caller they can take`]
      }
      route.steps.push(step)
      ctx.deps.repo.updateCall(ctx.callId, { plan: JSON.stringify(route) })
      void ringStep(ctx, step).then((operator) => {
        if (operator) this.urgent({ kind: 'answered', operator })
        else inbox.push({ kind: 'not_answered', operatorId: op.operatorId })
      })
    })
  }

  /** No operator for this caller: a callback when their number is known, else they are let go. */
  private letGo (why: 'key' | 'max_wait'): QueueOutcome {
    const ctx = this.ctx
    if (!ctx.facts.callerPhone) return 'nobody_left'
    const byKey = why === 'key'
    ctx.facts.callbackWhy = byKey
      ? `the caller pressed ${this.callbackKey} for a callback while waiting`
      : `no operator within ${Math.round(ctx.deps.settings.queue.maxWaitMs / 1000)} s of waiting: callback offered`
    return byKey ? 'callback_key' : 'callback_timeout'
  }

  /**
   * "You are number N in the queue; about M minutes" (and the callback key), then the next one
   * `announceEveryMs` after it ends. Held back while an operator rings for this caller.
   */
  private async announce (): Promise<void> {
    const { ctx, queue } = this
    if (queue.ringingFor(ctx.callId) !== null) {
      this.announcementDue = true
      return
    }
    this.announcementDue = false
    const position = queue.position(ctx.callId)
    if (position > 0) {
      const handle = queue.averageTalkMs() ?? ctx.deps.settings.queue.defaultHandleMs
      const minutes = expectedWaitMinutes(position, handle, queue.servingCount(ctx.callId))
      const said = ctx.caller.say([
        'sound:ringlead/queue-position', `number:${position}`, 'sound:ringlead/queue-wait-minutes', `number:${minutes}`,
        ...(this.callbackKey === '1' ? ['sound:ringlead/queue-press-1'] : [])
      ])
      const cut = new Promise<true>((resolve) => { this.cutAnnouncement = () => { resolve(true) } })
      const cutShort = await Promise.race([said.then(() => false), cut])
      this.cutAnnouncement = null
      // Asterisk keeps a playing channel out of a bridge until the prompt ends: stop it first.
      if (cutShort) await ctx.deps.ari.stopPlaybacks(ctx.channel.channelId)
      await said
    }
    this.cancels.push(ctx.after(ctx.deps.settings.queue.announceEveryMs, () => { this.inbox.push({ kind: 'announce' }) }))
  }
}
