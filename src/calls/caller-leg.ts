// The caller's channel as the call uses it: ringback, answer, music on hold, prompts, and the
// signal that the caller is gone (or the call cannot go on).
import type { Logger } from 'pino'
import type { AriLink, InboundChannel, LegEvent } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import { PhoneMenu } from '../asterisk/phone-menu.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'

export interface CallerLegDeps { ari: AriLink; log: Logger; mohClass: string; lang: string }

export interface CallerLegListeners {
  /** The caller hung up (or Asterisk lost them). Runs once, before `stopped` settles. */
  onGone: () => void
  /** An event the call cannot follow: ringlead ends the call. */
  onBroken: (problem: string) => void
}

export class CallerLeg {
  readonly channelId: string
  /** Settles when the caller is gone or the call must end: stops ringing, waiting and talking. */
  readonly stopped: Promise<void>
  private stop!: () => void
  private gone = false
  private broken = false
  /** Answered: in a menu, waiting, or picked up again after a restart. */
  private answered: boolean
  private mohOn = false
  private ringback: Promise<void> = Promise.resolve()
  private readonly unwatch: () => void

  constructor (private readonly deps: CallerLegDeps, channel: InboundChannel, private readonly on: CallerLegListeners) {
    this.channelId = channel.channelId
    this.answered = channel.state === 'Up'
    this.stopped = new Promise((resolve) => { this.stop = resolve })
    this.unwatch = deps.ari.watchLeg(channel.channelId, (e) => { this.onEvent(e) })
  }

  get isGone (): boolean { return this.gone }
  get isBroken (): boolean { return this.broken }
  get isAnswered (): boolean { return this.answered }

  /** A new PhoneMenu on this leg: the caller's keys and prompts. The taker disposes it. */
  keys (): PhoneMenu { return new PhoneMenu(this.deps.ari, this.channelId, this.deps.lang, this.deps.log) }

  /** Ringback goes out while the call plans and dials: no need to wait for Asterisk's answer first. */
  startRingback (): void {
    this.ringback = this.ring()
  }

  private async ring (): Promise<void> {
    try {
      await this.deps.ari.ring(this.channelId)
    } catch (err) {
      // Gone already: the caller hung up before we could start ringback.
      if (err instanceof AsteriskCommandFailed && err.isGone) return this.markGone()
      // No ringback is not a reason to drop the call: route it anyway.
      this.deps.log.warn({ err: (err as Error).message }, 'ringback not started')
    }
  }

  /** Answers once; false when the caller is gone. */
  async answer (): Promise<boolean> {
    try {
      await this.answerOrThrow()
      return true
    } catch (err) {
      if (err instanceof AsteriskCommandFailed && err.isGone) {
        this.markGone()
        return false
      }
      throw err
    }
  }

  /** Answers once; a caller already gone is an AsteriskCommandFailed (not found) for the caller to judge. */
  async answerOrThrow (): Promise<void> {
    if (this.answered) return
    await this.ringback
    await this.deps.ari.answer(this.channelId)
    this.answered = true
  }

  async startMusic (): Promise<void> {
    if (this.mohOn || this.gone) return
    try {
      await this.deps.ari.startMoh(this.channelId, this.deps.mohClass)
      this.mohOn = true
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'music on hold not started')
    }
  }

  async stopMusic (): Promise<void> {
    if (!this.mohOn) return
    this.mohOn = false
    await this.deps.ari.stopMoh(this.channelId).catch(ignoreChannelGone(this.deps.log, 'music on hold stop'))
  }

  /** A prompt over the music, which resumes after it when it was on. */
  async say (media: string[]): Promise<void> {
    if (this.gone) return
    const music = this.mohOn
    await this.stopMusic()
    const voice = this.keys()
    try { await voice.say(media) } finally { voice.dispose() }
    if (music) await this.startMusic()
  }

  /**
   * Hangs the caller up. An unanswered call ends with cause 19: Asterisk answers the carrier 480,
   * not 603 Decline (which tells a carrier not to try other routes).
   */
  async hangup (unanswered: boolean): Promise<void> {
    await this.deps.ari.hangup(this.channelId, unanswered ? 'no_answer' : undefined).catch(ignoreChannelGone(this.deps.log, 'caller hangup'))
  }

  markGone (): void {
    if (this.gone) return
    this.gone = true
    this.on.onGone()
    this.deps.log.info('caller hung up')
    this.stop()
  }

  private onEvent (e: LegEvent): void {
    if (e.kind === 'hangup_requested' || e.kind === 'left' || e.kind === 'destroyed') this.markGone()
    else if (e.kind === 'malformed') {
      this.on.onBroken(e.problem)
      this.broken = true
      this.deps.log.error({ problem: e.problem }, 'ending the call: malformed event')
      this.stop()
    }
  }

  dispose (): void { this.unwatch() }
}
