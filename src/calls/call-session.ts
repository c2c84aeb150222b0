// One inbound call, from StasisStart to call.ended. run() reads as the call; each step lives in
// steps/ and shares the call's context (legs, logger, clock, timers, facts).
import { performance } from 'node:perf_hooks'
import type { InboundChannel } from '../asterisk/ari-link.js'
import type { CallEnded } from '../domain/call-events.js'
import { CallContext, type CallSessionDeps } from './call-context.js'
import type { DialAttempt } from './dial-attempt.js'
import { markRinging, openCallRow } from './steps/call-row.js'
import { completeIdentity, identifyCaller } from './steps/identify-caller.js'
import { logRoute, planRoute, ringPlan } from './steps/ring-plan.js'
import { resumeAfterRestart } from './steps/resume-after-restart.js'
import { talk } from './steps/talk.js'
import { menuOf, walkMenu } from './steps/voice-menu.js'
import { waitInQueue } from './steps/wait-in-queue.js'
import { finish, handOver, outcomeOf, releaseEverything, type CallStatus } from './steps/wrap-up.js'

export type { CallSessionDeps, CallSessionSettings, MenuSource } from './call-context.js'

export class CallSession {
  private readonly ctx: CallContext
  private readonly createdAtPerf = performance.now()

  constructor (deps: CallSessionDeps, channel: InboundChannel) {
    this.ctx = new CallContext(deps, channel)
  }

  get callId (): string { return this.ctx.callId }
  get channelId (): string { return this.ctx.caller.channelId }
  get bridge (): string | null { return this.ctx.bridgeId }
  /** The operator talking on the call and their channel; null before the answer and once they left. */
  get talking (): { operatorId: string; channelId: string } | null {
    const a = this.ctx.answered
    return a === null || a.attempt.isGone || this.ctx.isOver ? null : { operatorId: a.operatorId, channelId: a.attempt.channelId }
  }

  /** Whether a channel Asterisk lists belongs to this call (caller, operator legs, snoops). */
  owns (channelId: string): boolean { return this.ctx.owns(channelId) }

  async run (): Promise<CallEnded> {
    const ctx = this.ctx
    let status: CallStatus = 'failed'
    let operatorKept = false
    try {
      identifyCaller(ctx)
      resumeAfterRestart(ctx)
      const menuId = ctx.facts.resumedFrom === null ? menuOf(ctx) : null
      if (menuId !== null) {
        completeIdentity(ctx)
        openCallRow(ctx, null, 'menu')
        await walkMenu(ctx, menuId)
      }
      if (ctx.facts.menuChoice?.kind === 'callback') {
        ctx.facts.callbackWhy = 'the caller chose a callback in the voice menu'
      } else if (!ctx.isOver) {
        const route = planRoute(ctx)
        // The first operator's phone rings before anything else is done for the call: its row,
        // the caller's ringback (music for a caller already answered) follow the originate.
        ctx.whenOpened(() => {
          logRoute(ctx, route)
          if (menuId === null) {
            completeIdentity(ctx)
            openCallRow(ctx, route, 'ringing')
          } else {
            markRinging(ctx, route)
          }
          if (ctx.caller.isAnswered) void ctx.caller.startMusic()
          else ctx.caller.startRingback()
        })
        let operator = await ringPlan(ctx, route)
        if (!operator) {
          ctx.open() // nobody was rung: the call opens here
          operator = await waitInQueue(ctx, route)
        }
        if (operator) await talk(ctx, operator)
      }
      ctx.open()
      if (ctx.facts.callbackWhy !== null && !ctx.caller.isGone) await ctx.caller.say(['sound:ringlead/callback-taken'])
      status = outcomeOf(ctx)
      if (status === 'missed') ctx.log.info('nobody answered')
    } catch (err) {
      ctx.problem = (err as Error).message
      ctx.log.error({ err }, 'call failed')
      status = 'failed'
    } finally {
      ctx.open() // a call that failed before its first ring still gets its row
      operatorKept = await releaseEverything(ctx)
    }
    const disposition = operatorKept ? handOver(ctx) : null
    const [ended] = await Promise.all([finish(ctx, status), disposition])
    return ended
  }

  /** After a WebSocket outage: settle whatever Asterisk no longer has. */
  reconcile (liveChannelIds: ReadonlySet<string>, listedAtPerf: number): void {
    const ctx = this.ctx
    // Only what existed when Asterisk was asked can be missing from its answer.
    if (this.createdAtPerf < listedAtPerf && !liveChannelIds.has(ctx.caller.channelId)) {
      ctx.log.warn('caller channel gone while events were not received')
      ctx.caller.markGone()
    }
    const missing = (a: DialAttempt): boolean => a.createdAtPerf < listedAtPerf && !liveChannelIds.has(a.channelId)
    for (const entry of ctx.ringing.values()) if (missing(entry.attempt)) entry.attempt.vanished()
    if (ctx.answered && !ctx.answered.attempt.isGone && missing(ctx.answered.attempt)) ctx.answered.attempt.vanished()
  }
}
