// What ringlead says about itself over a run (GET /metrics, read before and after it): the time from a
// StasisStart's arrival on the socket to its originate's send, and the event loop's lag. Set beside the
// wire's INVITE-in → INVITE-out, it tells how much of the set-up is spent inside the process.

export interface MetricsSnapshot {
  /** Cumulative counts of ringlead_routing_latency_seconds by upper bound (seconds), +Inf last. */
  routing: Array<{ le: number; count: number }>
  /** Event-loop lag since the previous scrape, seconds, by quantile ("0.5", "0.99", "1"). */
  lag: Record<string, number>
}

export function parseMetrics (text: string): MetricsSnapshot {
  const routing: MetricsSnapshot['routing'] = []
  const lag: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const bucket = /^ringlead_routing_latency_seconds_bucket\{le="([^"]+)"\} (\S+)$/.exec(line)
    if (bucket) routing.push({ le: bucket[1] === '+Inf' ? Infinity : Number(bucket[1]), count: Number(bucket[2]) })
    const loop = /^ringlead_event_loop_lag_seconds\{quantile="([^"]+)"\} (\S+)$/.exec(line)
    if (loop) lag[loop[1]!] = Number(loop[2])
  }
  routing.sort((a, b) => a.le - b.le)
  return { routing, lag }
}

/** The q-quantile (0..1) in ms of the routings between two snapshots, linear within its bucket; null without any. */
export function routingQuantileMs (before: MetricsSnapshot, after: MetricsSnapshot, q: number): number | null {
  const counts = after.routing.map((b, i) => ({ le: b.le, count: b.count - (before.routing[i]?.count ?? 0) }))
  const total = counts.at(-1)?.count ?? 0
  if (total === 0) return null
  const rank = q * total
  let lower = 0
  let below = 0
  for (const b of counts) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower * 1000 // past the last bound: its lower edge
      const inBucket = b.count - below
      return 1000 * (lower + (inBucket === 0 ? 0 : (b.le - lower) * (rank - below) / inBucket))
    }
    lower = Number.isFinite(b.le) ? b.le : lower
    below = b.count
  }
  return null
}

export async function readMetrics (base: string, timeoutMs = 5000): Promise<MetricsSnapshot | null> {
  try {
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })
    return res.ok ? parseMetrics(await res.text()) : null
  } catch {
    return null
  }
}
