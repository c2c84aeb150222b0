// A voice menu on one channel: plays prompts over ARI and collects DTMF digits. Owns the channel's
// events while it runs.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'

const maxPromptMs = 60_000

export class PhoneMenu {
  private readonly keys: string[] = []
  private waiter: (() => void) | null = null
  private isGone = false
  private readonly unwatch: () => void
  readonly ended: Promise<void>
  private endedResolve!: () => void

  /** `pressed`: keys the person pressed before the menu took the channel over. */
  constructor (private readonly ari: AriLink, readonly channelId: string, private readonly lang: string, private readonly log: Logger, pressed: readonly string[] = []) {
    this.keys.push(...pressed)
    this.ended = new Promise((resolve) => { this.endedResolve = resolve })
    this.unwatch = ari.watchLeg(channelId, (e) => {
      if (e.kind === 'dtmf') { this.keys.push(e.digit); this.waiter?.() } else if (e.kind === 'left' || e.kind === 'destroyed' || e.kind === 'hangup_requested' || e.kind === 'malformed') {
        this.isGone = true
        this.endedResolve()
        this.waiter?.()
      }
    })
  }

  get gone (): boolean { return this.isGone }

  /** Plays the prompt; a key pressed during it counts. */
  async say (media: string[]): Promise<void> {
    if (this.isGone) return
    let timer: NodeJS.Timeout | undefined
    // A prompt whose end Asterisk never reports (link lost) must not hold the line forever.
    const cap = new Promise<void>((resolve) => { timer = setTimeout(resolve, maxPromptMs) })
    await Promise.race([this.ari.play(this.channelId, media, this.lang).catch((err: Error) => { this.log.warn({ err: err.message }, 'prompt not played') }), this.ended, cap])
    clearTimeout(timer)
  }

  /**
   * Plays the prompt and waits for one of `digits`, up to `timeoutMs` after the prompt ends.
   * Other keys are ignored. Null: no valid key in time, or the person hung up.
   */
  async ask (media: string[], digits: string, timeoutMs: number): Promise<string | null> {
    // Keys are taken in the order pressed: one pressed quickly after the previous answer belongs
    // to this question, not to the bin.
    const pick = (): string | null => {
      const i = this.keys.findIndex((k) => digits.includes(k))
      if (i < 0) return null
      const key = this.keys[i]!
      this.keys.splice(0, i + 1)
      return key
    }
    const peek = (): boolean => this.keys.some((k) => digits.includes(k))
    if (!peek()) await Promise.race([this.say(media), this.keyIn(digits)])
    if (peek() || this.isGone) return pick()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.waiter = null; resolve() }, timeoutMs)
      this.waiter = () => {
        if (peek() || this.isGone) { clearTimeout(timer); this.waiter = null; resolve() }
      }
    })
    return pick()
  }

  private keyIn (digits: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => { if (this.keys.some((k) => digits.includes(k)) || this.isGone) { this.waiter = null; resolve() } }
      this.waiter = check
    })
  }

  async hangup (): Promise<void> {
    this.unwatch()
    if (!this.isGone) await this.ari.hangup(this.channelId).catch(() => false)
  }

  dispose (): void { this.unwatch() }
}
