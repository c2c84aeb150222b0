// One ring of one operator's phone: originate, then follow the leg until it answers or fails.
import { performance } from 'node:perf_hooks'
import type { AriLink, LegEvent } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'
import type { CancelTimer, Clock } from '../clock.js'
import { attemptResultOfCause, type AttemptResult } from '../domain/hangup-cause.js'

export interface AttemptOutcome { result: AttemptResult; cause: number | null; causeText: string }

export interface DialAttemptOptions {
  endpoint: string
  callerId: string
  timeoutSeconds: number
  appArgs: string
  /** Extra time past the ring timeout before we stop waiting for Asterisk. */
  guardMs: number
  /** Told (performance.now()) when the originate has left for Asterisk. */
  sent?: (atPerf: number) => void
}

export class DialAttempt {
  readonly channelId: string
  /**
   * Monotonic time Asterisk answered the originate, from when the channel surely exists; Infinity
   * before. A channel list asked for earlier, or while the originate was in flight (Asterisk serves
   * requests on different connections in any order), may not show it: it is not gone for that.
   */
  createdAtPerf = Infinity
  readonly outcome: Promise<AttemptOutcome>
  /** Settles once the answered leg has left. */
  readonly ended: Promise<{ cause: number | null }>
  private settle!: (o: AttemptOutcome) => void
  private finish!: (e: { cause: number | null }) => void
  private answered = false
  private done = false
  private gone = false
  private cancelled = false
  private lastCause: number | null = null
  private dialStatus = ''
  private rang = false
  private guard: CancelTimer | null = null
  private readonly unwatch: () => void
  /** Keys pressed on the answered leg that nobody has taken yet (they can arrive in the same tick as the answer). */
  private pressed: string[] = []
  /** A hang-up of a leg already gone is expected; anything else is logged and counted. */
  private readonly hangupFailed: (err: unknown) => false

  constructor (private readonly ari: AriLink, private readonly opts: DialAttemptOptions, private readonly clock: Clock) {
    this.channelId = ari.newChannelId()
    this.hangupFailed = ignoreChannelGone(ari.log, 'dial attempt hangup', { channelId: this.channelId })
    this.outcome = new Promise((resolve) => { this.settle = resolve })
    this.ended = new Promise((resolve) => { this.finish = resolve })
    this.unwatch = ari.watchLeg(this.channelId, (e) => { this.onEvent(e) })
  }

  get endpoint (): string { return this.opts.endpoint }
  get isAnswered (): boolean { return this.answered }
  get isGone (): boolean { return this.gone }

  async start (): Promise<void> {
    this.guard = this.clock.setTimeout(() => {
      if (this.done) return
      this.resolve({ result: 'no_answer', cause: null, causeText: 'no answer reported by Asterisk in time' })
      void this.ari.hangup(this.channelId).catch(this.hangupFailed)
    }, this.opts.timeoutSeconds * 1000 + this.opts.guardMs)
    try {
      await this.ari.originate({
        channelId: this.channelId,
        endpoint: this.opts.endpoint,
        callerId: this.opts.callerId,
        timeoutSeconds: this.opts.timeoutSeconds,
        appArgs: this.opts.appArgs,
        sent: this.opts.sent
      })
      this.createdAtPerf = performance.now()
    } catch (err) {
      const message = err instanceof AsteriskCommandFailed ? err.asteriskMessage : (err as Error).message
      // Asterisk answers "Allocation failed" for an endpoint it cannot dial at all.
      const result: AttemptResult = /allocation failed|endpoint/i.test(message) ? 'unreachable' : 'failed'
      this.resolve({ result, cause: null, causeText: `originate refused: ${message}` })
      this.markGone(null)
    }
  }

  private onEvent (e: LegEvent): void {
    switch (e.kind) {
      case 'entered':
        if (this.done) {
          // Answered after we gave up on it (cancel or guard): nobody is waiting for this leg.
          void this.ari.hangup(this.channelId).catch(this.hangupFailed)
          return
        }
        this.answered = true
        this.resolve({ result: 'answered', cause: null, causeText: '' })
        return
      case 'dial':
        this.dialStatus = e.status
        if (e.status === 'RINGING') this.rang = true
        return
      case 'ringing': this.rang = true; return
      case 'dtmf': if (this.answered) this.pressed.push(e.digit); return
      case 'hangup_requested': if (e.cause !== null) this.lastCause = e.cause; return
      case 'left': if (this.answered) this.markGone(this.lastCause); return
      case 'destroyed':
        this.lastCause = e.cause
        if (!this.answered) {
          let result = this.cancelled ? 'cancelled' : attemptResultOfCause(e.cause, this.dialStatus)
          // A timeout on a phone that never even rang: it did not answer the INVITE at all.
          if (result === 'no_answer' && !this.rang) result = 'unreachable'
          this.resolve({ result, cause: e.cause, causeText: e.causeText })
        }
        this.markGone(e.cause)
        return
      case 'malformed':
        if (!this.answered) this.resolve({ result: 'failed', cause: null, causeText: e.problem })
        void this.ari.hangup(this.channelId).catch(this.hangupFailed)
        this.markGone(null)
        return
      default:
    }
  }

  private resolve (o: AttemptOutcome): void {
    if (this.done) return
    this.done = true
    this.guard?.()
    this.settle(o)
  }

  private markGone (cause: number | null): void {
    if (this.gone) return
    this.gone = true
    this.unwatch()
    this.finish({ cause })
  }

  /** Stop ringing: the caller left or someone else answered. */
  async cancel (): Promise<void> {
    if (this.done) return
    await this.end('ringing stopped by ringlead')
  }

  /** Hang up the leg (answered or not). */
  async hangup (): Promise<void> {
    if (this.gone) return
    await this.end('hung up by ringlead')
  }

  private async end (why: string): Promise<void> {
    if (!this.done) this.cancelled = true
    this.resolve({ result: 'cancelled', cause: null, causeText: why })
    const existed = await this.ari.hangup(this.channelId).catch(this.hangupFailed)
    if (!existed) this.markGone(null)
  }

  /** The leg is known to be gone (Asterisk no longer lists it): settle as Asterisk would have. */
  vanished (): void {
    this.resolve({ result: this.cancelled ? 'cancelled' : 'no_answer', cause: null, causeText: 'channel gone while events were not received' })
    this.markGone(null)
  }

  /** Hands the keys pressed so far to whoever takes the leg over, and forgets them. */
  takeKeys (): string[] {
    const keys = this.pressed
    this.pressed = []
    return keys
  }

  dispose (): void {
    this.guard?.()
    this.unwatch()
  }
}
