// A voice menu on one channel: plays prompts over ARI and collects DTMF digits. Follows the
// channel's events alongside whoever else does (the call on a caller's leg).
import type { Logger } from 'pino'
import { type CancelTimer, sleep } from '../clock.js'
import type { AriLink } from './ari-link.js'
import { ignoreChannelGone } from './expected-errors.js'

const maxPromptMs = 60_000

export class PhoneMenu {
  private readonly keys: string[] = []
  /** Everyone waiting for a key or the hang-up; each checks for itself. */
  private readonly waiters = new Set<() => void>()
  private isGone = false
  private disposed = false
  private readonly unwatch: () => void
  readonly ended: Promise<void>
  private endedResolve!: () => void

  /** `pressed`: keys the person pressed before the menu took the channel over. */
  constructor (private readonly ari: AriLink, readonly channelId: string, private readonly lang: string, private readonly log: Logger, pressed: readonly string[] = []) {
    this.keys.push(...pressed)
    this.ended = new Promise((resolve) => { this.endedResolve = resolve })
    this.unwatch = ari.watchLeg(channelId, (e) => {
      if (e.kind === 'dtmf') {
        this.keys.push(e.digit)
        this.wake()
      } else if (e.kind === 'left' || e.kind === 'destroyed' || e.kind === 'hangup_requested' || e.kind === 'malformed') {
        this.isGone = true
        this.endedResolve()
        this.wake()
      }
    })
  }

  get gone (): boolean { return this.isGone }

  private wake (): void {
    for (const w of [...this.waiters]) w()
  }

  /** Plays the prompt; a key pressed during it counts. */
  say (media: string[]): Promise<void> { return this.speak(media) }

  /**
   * What still plays on the channel is stopped first: Asterisk would queue this prompt behind it.
   * `skip` aborted before the prompt starts: it is not played at all.
   */
  private async speak (media: string[], skip?: AbortSignal): Promise<void> {
    if (this.isGone || media.length === 0) return
    await this.ari.stopPlaybacks(this.channelId)
    if (this.isGone || skip?.aborted) return
    // A prompt whose end Asterisk never reports (link lost) must not hold the line forever.
    const capped = new AbortController()
    const cap = sleep(this.ari.clock, maxPromptMs, capped.signal)
    await Promise.race([this.ari.play(this.channelId, media, this.lang).catch((err: Error) => { this.log.warn({ err: err.message }, 'prompt not played') }), this.ended, cap])
    capped.abort()
  }

  /** Keys are taken in the order pressed: one pressed right after the previous answer belongs to the next question. */
  private pick (digits: string): string | null {
    const i = this.keys.findIndex((k) => digits.includes(k))
    if (i < 0) return null
    const key = this.keys[i]!
    this.keys.splice(0, i + 1)
    return key
  }

  private has (digits: string): boolean { return this.keys.some((k) => digits.includes(k)) }

  /**
   * Plays the prompt and waits for one of `digits`, up to `timeoutMs` after the prompt ends.
   * Other keys are dropped. Null: no valid key in time, or the person hung up.
   */
  async ask (media: string[], digits: string, timeoutMs: number): Promise<string | null> {
    if (!this.has(digits)) {
      const key = this.until(digits, Infinity)
      const pressed = new AbortController()
      await Promise.race([this.speak(media, pressed.signal), key.done])
      key.cancel()
      if (this.has(digits) && !this.over) {
        // Asterisk plays on after a key: stop the prompt so the answer takes effect now.
        pressed.abort()
        await this.ari.stopPlaybacks(this.channelId)
      }
    }
    if (!this.has(digits) && !this.over) await this.until(digits, timeoutMs).done
    return this.pick(digits)
  }

  /**
   * Like ask, but also tells a wrong key from silence: `{ key }` for one of `digits`, `{ wrong }`
   * for any other key, null for silence or a hang-up.
   */
  async choose (media: string[], digits: string, timeoutMs: number): Promise<{ key: string } | { wrong: string } | null> {
    const any = '0123456789*#ABCD'
    const key = await this.ask(media, any, timeoutMs)
    if (key === null) return null
    return digits.includes(key) ? { key } : { wrong: key }
  }

  /** Resolves with the first of `digits` pressed from now on (or already waiting), null on hang-up. */
  async nextKey (digits: string): Promise<string | null> {
    await this.until(digits, Infinity).done
    return this.pick(digits)
  }

  private get over (): boolean { return this.isGone || this.disposed }

  /** Settles when one of `digits` is waiting, the person is gone, or `timeoutMs` passed; cancel() lets go early. */
  private until (digits: string, timeoutMs: number): { done: Promise<void>; cancel: () => void } {
    let finish = (): void => {}
    const done = new Promise<void>((resolve) => {
      let cancelTimer: CancelTimer = () => {}
      finish = (): void => {
        this.waiters.delete(check)
        cancelTimer()
        resolve()
      }
      const check = (): void => { if (this.has(digits) || this.over) finish() }
      this.waiters.add(check)
      if (Number.isFinite(timeoutMs)) cancelTimer = this.ari.clock.setTimeout(finish, timeoutMs)
      check()
    })
    return { done, cancel: () => { finish() } }
  }

  async hangup (): Promise<void> {
    this.dispose()
    if (!this.isGone) await this.ari.hangup(this.channelId).catch(ignoreChannelGone(this.log, 'phone menu hangup', { channelId: this.channelId }))
  }

  /** Stops following the channel; anyone still waiting is released. */
  dispose (): void {
    this.unwatch()
    this.disposed = true
    this.wake()
  }
}
