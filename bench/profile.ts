// The daemon's own process under the V8 sampling profiler: the profile written to a file and
// summed up by function (self time) and by package or source file (time on the stack).
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ProfileSummary {
  path: string
  /** Self time by function, % of non-idle samples. */
  top: Array<{ name: string; pct: number }>
  /** Inclusive time by package or ringlead source file: % of non-idle samples with it on the stack. */
  inclusive: Array<{ name: string; pct: number }>
  /** Share of the sampled time the thread was idle. */
  idlePct: number
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }

function groupOf (url: string): string | null {
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (nm) return `pkg ${nm[1]}`
  const src = /\/(src\/.+)$/.exec(url.replace(/^file:\/\//, ''))
  if (src) return src[1]!
  return null
}

function summariseProfile (profile: { nodes: ProfileNode[] }): Omit<ProfileSummary, 'path'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parentOf = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  let idle = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') { idle += hits; continue }
    total += hits
    const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')
    const key = url ? `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}` : `${functionName || '(anonymous)'} (native)`
    self.set(key, (self.get(key) ?? 0) + hits)
    const onStack = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const g = groupOf(byId.get(id)?.callFrame.url ?? '')
      if (g) onStack.add(g)
    }
    for (const g of onStack) inclusive.set(g, (inclusive.get(g) ?? 0) + hits)
  }
  const rank = (m: Map<string, number>, n: number): Array<{ name: string; pct: number }> =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, hits]) => ({ name, pct: 100 * hits / Math.max(1, total) }))
  return { top: rank(self, 15), inclusive: rank(inclusive, 16), idlePct: 100 * idle / Math.max(1, total + idle) }
}

/** Runs fn under the V8 sampling profiler of this (the daemon's) process. */
export async function profiled<T> (fn: () => Promise<T>): Promise<{ result: T; profile: ProfileSummary }> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 500 })
    await session.post('Profiler.start')
    const result = await fn()
    const { profile } = await session.post('Profiler.stop')
    const path = join(tmpdir(), `ringlead-bench-daemon-${Date.now()}.cpuprofile`)
    writeFileSync(path, JSON.stringify(profile))
    return { result, profile: { path, ...summariseProfile(profile as unknown as { nodes: ProfileNode[] }) } }
  } finally {
    session.disconnect()
  }
}
