// The comparison over all rounds at a rate. One run's p99 is a handful of calls (the 3rd slowest
// of 300 at 5 calls/s, the 8th of 800 at 40), so two runs of the same contender differ by more
// than the 1 ms the target allows. Pooling the rounds' calls gives the p99 more calls to stand on,
// and a bootstrap interval says whether a difference between two contenders is larger than what
// resampling the same calls gives. The interval is over calls: it cannot see a slow stretch of the
// machine that hit one contender's round, which is why the rounds are interleaved.
import { fixed as n, percentiles, quantileDifference, signed } from '../stats.js'

export interface PooledRun {
  contender: string
  rate: number
  placed: number
  delaysMs: number[]
  nodeMsPerCall: number | null
}

export interface Pooled {
  /** Every round's calls' delays, in run order. */
  delaysMs: number[]
  calls: number
  p50: number
  p99: number
  /** Node CPU summed over the rounds ÷ calls summed; null when any round has none. */
  nodeMsPerCall: number | null
}

export function pooled (runs: PooledRun[]): Pooled {
  const delays = runs.flatMap((r) => r.delaysMs)
  const p = percentiles(delays)
  const placed = runs.reduce((a, r) => a + r.placed, 0)
  const cpu = runs.every((r) => r.nodeMsPerCall !== null) && placed > 0
    ? runs.reduce((a, r) => a + r.nodeMsPerCall! * r.placed, 0) / placed
    : null
  return { delaysMs: delays, calls: delays.length, p50: p.p50, p99: p.p99, nodeMsPerCall: cpu }
}

/**
 * One line per rate: each contender's pooled p50 / p99 and Node CPU a call, and ringlead's p99 and
 * CPU against the floor's. Empty when the runs hold no rate with both.
 */
export function pooledLines (runs: PooledRun[], rounds: number): Record<string, string> {
  const out: Record<string, string> = {}
  if (rounds < 2) return out
  const rates = [...new Set(runs.map((r) => r.rate))].sort((x, y) => x - y)
  for (const rate of rates) {
    const atRate = runs.filter((r) => r.rate === rate)
    const byContender = new Map([...new Set(atRate.map((r) => r.contender))]
      .map((c) => [c, pooled(atRate.filter((r) => r.contender === c))] as const))
    out[`pooled, ${rate} calls/s (${rounds} rounds): p50 / p99`] = [...byContender]
      .map(([c, p]) => `${c} ${n(p.p50)} / ${n(p.p99)} ms over ${p.calls} calls${p.nodeMsPerCall === null ? '' : `, Node ${n(p.nodeMsPerCall, 2)} ms a call`}`)
      .join(' · ')
    const pr = byContender.get('ringlead')
    const pf = byContender.get('floor')
    if (pr !== undefined && pf !== undefined) {
      const d = quantileDifference(pr.delaysMs, pf.delaysMs)
      const ratio = pr.nodeMsPerCall !== null && pf.nodeMsPerCall !== null ? `; Node CPU ${n(pr.nodeMsPerCall / pf.nodeMsPerCall, 2)}× the floor's` : ''
      out[`pooled, ${rate} calls/s: ringlead p99 − floor p99`] = `${signed(d.diff)} ms (95 % bootstrap interval ${signed(d.low)} … ${signed(d.high)} ms)${ratio}`
    }
  }
  return out
}
