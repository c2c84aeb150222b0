// What a link to Asterisk (ARI or AMI) is doing and, when it is down, why: for /api/health.
import type { Clock } from '../clock.js'

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'stopped'

export interface LinkStatus {
  state: LinkState
  /** When the link entered this state (ms since the epoch). */
  sinceMs: number
  /** The last reason it failed or dropped, kept after it recovers; null if it never failed. */
  lastError: string | null
  lastErrorAtMs: number | null
  /** When the next connection attempt starts; null unless waiting to retry. */
  nextRetryAtMs: number | null
  /** Failed attempts since it was last connected. */
  failedAttempts: number
}

export class LinkHealth {
  private status: LinkStatus

  constructor (private readonly clock: Clock) {
    this.status = { state: 'disconnected', sinceMs: clock.now(), lastError: null, lastErrorAtMs: null, nextRetryAtMs: null, failedAttempts: 0 }
  }

  view (): LinkStatus { return { ...this.status } }

  connecting (): void { this.enter('connecting', { nextRetryAtMs: null }) }

  connected (): void { this.enter('connected', { nextRetryAtMs: null, failedAttempts: 0 }) }

  /** An attempt failed; the next one starts in `retryInMs`. */
  failed (reason: string, retryInMs: number): void {
    const now = this.clock.now()
    this.enter('disconnected', { lastError: reason, lastErrorAtMs: now, nextRetryAtMs: now + retryInMs, failedAttempts: this.status.failedAttempts + 1 })
  }

  /** A connected link dropped; it reconnects at once. */
  dropped (reason: string): void {
    this.enter('disconnected', { lastError: reason, lastErrorAtMs: this.clock.now(), nextRetryAtMs: null })
  }

  stopped (): void { this.enter('stopped', { nextRetryAtMs: null }) }

  private enter (state: LinkState, change: Partial<LinkStatus>): void {
    const sinceMs = state === this.status.state ? this.status.sinceMs : this.clock.now()
    this.status = { ...this.status, ...change, state, sinceMs }
  }
}

/** The status as /api/health shows it: times as ISO strings. */
export function linkStatusView (s: LinkStatus): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())
  return { state: s.state, since: iso(s.sinceMs), lastError: s.lastError, lastErrorAt: iso(s.lastErrorAtMs), nextRetryAt: iso(s.nextRetryAtMs), failedAttempts: s.failedAttempts }
}
