// Small helpers shared by the benchmarks.

/** The q-quantile of samples sorted ascending: the value below which a share q of them lie. */
export function quantileOfSorted (sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

/** A figure to print, or 'n/a' when there is none. */
export function fixed (v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits)
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

export function printFigures (title: string, figures: Record<string, string>): void {
  console.log(`\n== ${title}`)
  const width = Math.max(...Object.keys(figures).map((k) => k.length))
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${v}`)
}
