// Step: the conversation. Answer the caller, bridge both, record, and wait until one of them hangs up.
import { AsteriskCommandFailed } from '../../asterisk/errors.js'
import type { CallContext, OperatorLeg } from '../call-context.js'
import { startLiveAlerts } from '../live-media.js'
import { callBridgeOf } from '../leg-names.js'

export async function talk (ctx: CallContext, operator: OperatorLeg): Promise<void> {
  if (ctx.isOver) {
    await operator.attempt.hangup()
    return
  }
  const { ari, repo } = ctx.deps
  ctx.answered = operator
  const answeredAt = ctx.now()
  ctx.answeredAt = answeredAt
  // The board counts the operator talking since they answered (ring-step's recordAttempt).
  repo.updateCall(ctx.callId, { status: 'talking', answeredBy: operator.operatorId, answeredAt, ringMs: answeredAt - ctx.startedAt })
  const bridgeId = callBridgeOf(ctx.callId)
  ctx.bridgeId = bridgeId
  try {
    await ctx.caller.stopMusic()
    await ctx.caller.answerOrThrow()
    await ari.createBridge(bridgeId)
    await ari.addToBridge(bridgeId, [ctx.caller.channelId, operator.attempt.channelId])
  } catch (err) {
    // The caller (or the operator) hung up between the answer and the bridge: not found, or (422/409)
    // no longer in the Stasis app, which a channel leaves only when it hangs up.
    if (err instanceof AsteriskCommandFailed && err.isGone) {
      if (!operator.attempt.isGone) ctx.caller.markGone()
      return
    }
    throw err
  }
  ctx.log.info({ operatorId: operator.operatorId, bridgeId }, 'talking')
  await ctx.recorder.recordCall(bridgeId, ctx.caller.channelId, operator.attempt.channelId)
  const live = startLiveAlerts(ctx.deps.live, ctx.callId, ctx.caller.channelId, operator.attempt.channelId, ctx.log)
  await Promise.race([ctx.caller.stopped, operator.attempt.ended])
  if (!ctx.isOver) ctx.hangupBy = 'operator'
  // Live audio ends with the conversation; the recordings go on to the end of the call.
  await (await live)?.stop()
}

