// Pure: the problem zones a digest names, from the day's table and a few counts.
import type { EfficiencyRow } from './kpi.js'

export interface DigestThresholds {
  missedAlertCount: number
  missedAlertPct: number
  qaAlertScore: number
  silentSourceMinCalls: number
  silentSourceHours: number
}

export type ProblemKind = 'misses' | 'overdue' | 'low_qa' | 'silent_source'
export interface Problem { kind: ProblemKind; subject: string; text: string }

export interface ProblemFacts {
  rows: readonly EfficiencyRow[]
  /** Overdue open leads per owner (null: nobody owns them). */
  overdue: ReadonlyMap<string | null, number>
  /** Inbound calls per source in the recent window and in the 7 days before it. */
  sources: ReadonlyArray<{ source: string; recent: number; before: number }>
}

/**
 * Named problems, worst first within each kind: operators with many misses, overdue leads by
 * owner, low QA scores (only where known), and sources that brought calls before and none lately.
 */
export function problemZones (f: ProblemFacts, t: DigestThresholds): Problem[] {
  const out: Problem[] = []
  const nameOf = new Map(f.rows.map((r) => [r.operatorId, r.name]))
  for (const r of [...f.rows].sort((a, b) => b.missed - a.missed)) {
    if (r.missed >= t.missedAlertCount && r.missedPct >= t.missedAlertPct) {
      out.push({ kind: 'misses', subject: r.name, text: `${r.name} missed ${r.missed} of ${r.offered} calls offered (${r.missedPct}%)` })
    }
  }
  for (const [operatorId, n] of [...f.overdue.entries()].sort((a, b) => b[1] - a[1])) {
    if (n <= 0) continue
    const who = operatorId === null ? 'nobody' : nameOf.get(operatorId) ?? operatorId
    out.push({ kind: 'overdue', subject: who, text: operatorId === null ? `${n} overdue lead(s) have no owner` : `${who} has ${n} overdue lead(s)` })
  }
  for (const r of f.rows) {
    if (r.avgQaScore !== null && r.avgQaScore < t.qaAlertScore) {
      out.push({ kind: 'low_qa', subject: r.name, text: `${r.name}: average QA score ${r.avgQaScore} (below ${t.qaAlertScore})` })
    }
  }
  for (const s of [...f.sources].sort((a, b) => b.before - a.before)) {
    if (s.recent === 0 && s.before >= t.silentSourceMinCalls) {
      out.push({ kind: 'silent_source', subject: s.source, text: `source ${s.source} brought no calls in the last ${t.silentSourceHours} h (${s.before} in the 7 days before)` })
    }
  }
  return out
}
