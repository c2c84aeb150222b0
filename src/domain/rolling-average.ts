// The average of the values seen within a sliding window of time (a waiting caller's expected
// handling time: the talk of the calls answered in the last 24 hours). Kept in memory and updated
// as values come, so reading it costs the same on the first day as after a year of calls.

interface Bucket { sum: number; count: number }

/**
 * Values summed in buckets of `bucketMs` by the moment they belong to: memory is bounded by the
 * window's buckets (1,440 for a day in minutes), not by how many values come. The window's edge
 * moves a bucket at a time, so a value leaves it up to one bucket late.
 */
export class RollingAverage {
  private readonly buckets = new Map<number, Bucket>()
  private sum = 0
  private n = 0
  /** The first bucket still in the window, as of the last read. */
  private firstKept = -Infinity

  constructor (readonly windowMs: number, readonly bucketMs = 60_000) {
    if (!(windowMs > 0) || !(bucketMs > 0)) throw new Error(`RollingAverage needs a positive window and bucket in ms, got ${windowMs} and ${bucketMs}`)
  }

  get count (): number { return this.n }

  /** A value belonging to the moment `atMs`; values may come in any order. */
  add (atMs: number, value: number): void {
    if (!Number.isFinite(atMs) || !Number.isFinite(value)) return
    const key = Math.floor(atMs / this.bucketMs)
    if (key < this.firstKept) return // already out of the window
    let bucket = this.buckets.get(key)
    if (bucket === undefined) this.buckets.set(key, bucket = { sum: 0, count: 0 })
    bucket.sum += value
    bucket.count++
    this.sum += value
    this.n++
  }

  /** The average of the values belonging to the window that ends at `nowMs` (and any later); null when none. */
  average (nowMs: number): number | null {
    const first = Math.floor((nowMs - this.windowMs) / this.bucketMs)
    if (first > this.firstKept) {
      this.firstKept = first
      for (const [key, bucket] of this.buckets) {
        if (key >= first) continue
        this.buckets.delete(key)
        this.sum -= bucket.sum
        this.n -= bucket.count
      }
      if (this.n === 0) this.sum = 0 // no rounding left over from subtracting
    }
    return this.n === 0 ? null : this.sum / this.n
  }
}
