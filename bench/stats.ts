// Small helpers shared by the benchmarks.

/** The q-quantile of samples sorted ascending: the value below which a share q of them lie. */
export function quantileOfSorted (sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

/** A figure to print, or 'n/a' when there is none. */
export function fixed (v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits)
}

/** A difference with its sign (− for negatives), or 'n/a' when there is none. */
export function signed (v: number, digits = 1): string {
  return Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}` : 'n/a'
}

export function percentiles (samples: number[]): { p50: number; p90: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => quantileOfSorted(s, q)
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.at(-1) ?? NaN, n: s.length }
}

/** Deterministic random numbers, so runs are comparable. */
export function seeded (seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x = (x + 0x6d2b79f5) >>> 0
    let t = x
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function resample (from: number[], rng: () => number, into: Float64Array): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] = from[Math.floor(rng() * from.length)]!
  return into.sort()
}

export interface Difference { diff: number; low: number; high: number; iterations: number }

/**
 * a's q-quantile minus b's, with a percentile-bootstrap interval (both samples resampled with
 * replacement `iterations` times; the interval holds the middle `level` of the differences).
 * Seeded, so the same calls always give the same interval.
 */
export function quantileDifference (a: number[], b: number[], q = 0.99, iterations = 2000, level = 0.95, seed = 16): Difference {
  if (a.length === 0 || b.length === 0) return { diff: NaN, low: NaN, high: NaN, iterations: 0 }
  const sa = Float64Array.from(a).sort()
  const sb = Float64Array.from(b).sort()
  const rng = seeded(seed)
  const ba = new Float64Array(a.length)
  const bb = new Float64Array(b.length)
  const diffs = new Float64Array(iterations)
  for (let i = 0; i < iterations; i++) diffs[i] = quantileOfSorted(resample(a, rng, ba), q) - quantileOfSorted(resample(b, rng, bb), q)
  diffs.sort()
  const tail = (1 - level) / 2
  return {
    diff: quantileOfSorted(sa, q) - quantileOfSorted(sb, q),
    low: diffs[Math.floor(tail * iterations)]!,
    high: diffs[Math.min(iterations - 1, Math.ceil((1 - tail) * iterations) - 1)]!,
    iterations
  }
}

export function printFigures (title: string, figures: Record<string, string>): void {
  console.log(`\n== ${title}`)
  const width = Math.max(...Object.keys(figures).map((k) => k.length))
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${v}`)
}
