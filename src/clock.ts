// The one source of time for decisions about time (ring timeouts, waits, announcements, SLA,
// retries). main passes the system clock down; tests pass a virtual one and move it by hand.

/** Cancels a timer; calling it after the timer fired does nothing. */
export type CancelTimer = () => void

export interface Clock {
  /** Milliseconds since the epoch. */
  now (): number
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  setTimeout (fn: () => void, ms: number): CancelTimer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout (fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms))
    return () => { clearTimeout(handle) }
  }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep (clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => { cancel(); signal?.removeEventListener('abort', done); resolve() }
    const cancel = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** `work` or, after `ms` on `clock`, `onTimeout()`: whichever comes first; the timer is always freed. */
export async function withDeadline<T> (clock: Clock, ms: number, work: Promise<T>, onTimeout: () => T | Promise<T>): Promise<T> {
  let cancel: CancelTimer = () => {}
  const late = new Promise<T>((resolve, reject) => {
    cancel = clock.setTimeout(() => { Promise.resolve().then(onTimeout).then(resolve, reject) }, ms)
  })
  try { return await Promise.race([work, late]) } finally { cancel() }
}
