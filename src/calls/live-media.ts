// The Asterisk side of a party's live audio: a snoop channel hearing what the party says, bridged
// with an external media channel that sends it as RTP to our receiver. Closing hangs both up and
// destroys the bridge, so nothing of it outlives the call.
import type { AriLink, LegEvent } from '../asterisk/ari-link.js'
import { withDeadline, type Clock } from '../clock.js'
import type { Logger } from 'pino'
import type { LiveMediaOpener } from '../speech/live-monitor.js'
import type { LiveAlerts } from './call-context.js'
import { liveMediaOf, liveSnoopOf } from './leg-names.js'

/** Live alerts for a bridged conversation, when they are on; a failure leaves the call as it is. */
export async function startLiveAlerts (live: LiveAlerts | undefined, callId: string, callerChannelId: string, operatorChannelId: string, log: Logger): Promise<{ stop (): Promise<void> } | null> {
  if (live === undefined) return null
  try {
    return await live.start(callId, [{ speaker: 'caller', channelId: callerChannelId }, { speaker: 'operator', channelId: operatorChannelId }], log)
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'live alerts not started')
    return null
  }
}

export class AriLiveMedia implements LiveMediaOpener {
  constructor (private readonly ari: AriLink, private readonly clock: Clock, private readonly enterWaitMs = 5000) {}

  /** Watches the channel from before it is made; `inApp()` resolves once it is in our app, or fails after the wait. */
  private entered (channelId: string): { inApp: () => Promise<void>; unwatch: () => void } {
    let done!: () => void
    const entered = new Promise<void>((resolve) => { done = resolve })
    const unwatch = this.ari.watchLeg(channelId, (e: LegEvent) => { if (e.kind === 'entered') done() })
    return {
      inApp: () => withDeadline(this.clock, this.enterWaitMs, entered, () => { throw new Error(`${channelId} did not enter the app within ${this.enterWaitMs} ms`) }),
      unwatch
    }
  }

  async open (o: Parameters<LiveMediaOpener['open']>[0]): ReturnType<LiveMediaOpener['open']> {
    const snoopId = liveSnoopOf(o.channelId)
    const rtpId = liveMediaOf(o.channelId)
    const bridgeId = `rl-live-${o.callId}-${o.speaker}`
    const snoop = this.entered(snoopId)
    const rtp = this.entered(rtpId)
    let bridged = false
    const close = async (): Promise<void> => {
      snoop.unwatch()
      rtp.unwatch()
      await Promise.all([this.ari.hangup(snoopId).catch(() => false), this.ari.hangup(rtpId).catch(() => false)])
      if (bridged) await this.ari.destroyBridge(bridgeId).catch(() => false)
    }
    try {
      // The first Stasis argument marks both as legs of a call (an orphan after a restart is hung up).
      await this.ari.snoop(o.channelId, snoopId, `snoop,${o.callId}`)
      await snoop.inApp()
      const media = await this.ari.externalMedia({ channelId: rtpId, externalHost: o.externalHost, format: o.format, data: `snoop,${o.callId}` })
      await rtp.inApp()
      bridged = true
      await this.ari.createBridge(bridgeId)
      await this.ari.addToBridge(bridgeId, [snoopId, rtpId])
      return { sourcePort: media.localPort, close }
    } catch (err) {
      await close()
      throw err
    }
  }
}
