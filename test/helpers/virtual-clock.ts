// A clock for tests: time moves only when the test moves it, so timing decisions are checked
// exactly and do not depend on how busy the machine is.
import type { CancelTimer, Clock } from '../../src/clock.js'

interface Pending { at: number; seq: number; fn: () => void }

export class VirtualClock implements Clock {
  private nowMs: number
  private seq = 0
  private readonly pending: Pending[] = []

  constructor (startMs = Date.UTC(2026, 0, 5, 9, 0, 0)) { this.nowMs = startMs }

  now (): number { return this.nowMs }

  setTimeout (fn: () => void, ms: number): CancelTimer {
    const p: Pending = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn }
    this.pending.push(p)
    return () => {
      const i = this.pending.indexOf(p)
      if (i >= 0) this.pending.splice(i, 1)
    }
  }

  /** Timers not yet fired. */
  get timers (): number { return this.pending.length }

  /** How far ahead each pending timer is due, soonest first: a test sees a timer being set. */
  dueIn (): number[] { return this.pending.map((p) => p.at - this.nowMs).sort((x, y) => x - y) }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance (ms: number): Promise<void> {
    const target = this.nowMs + ms
    for (;;) {
      await settle()
      const next = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!next) break
      this.pending.splice(this.pending.indexOf(next), 1)
      this.nowMs = next.at
      next.fn()
    }
    this.nowMs = target
    await settle()
  }
}

/** Lets pending promise callbacks and immediate I/O callbacks run. */
async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => { setImmediate(resolve) })
}
