// Pure: the operators' efficiency table and the funnels, from rows the database has already summed.
// Definitions (docs/reports.md says the same in words):
// - offered: attempts that rang the operator and ended answered or missed; `cancelled` (the caller
//   hung up, or another operator took a ring-all call), `interrupted` (restart) and live rings are
//   not offered;
// - missed: offered and not answered (no_answer, busy, unreachable, congestion, failed);
// - avgAnswerMs: mean ring time of the answered attempts; talkMs: talk time of calls they answered;
// - leadsOwned: leads the operator owns that were created in the period (the cohort);
// - leadsInSla: of those, answered by their first response deadline;
// - avgResponseMs: mean of first response − creation over the cohort's answered leads;
// - deals / revenue: leads of the operator that became deals in the period (deal time), whenever created;
// - conversionPct: share of the cohort that has become a deal by now;
// - refusalsByReason: the operator's leads refused in the period (a lead counts once, at its latest refusal), by reason.

/** Attempt results that count as a missed ring for the operator rung. */
export const missedAttemptResults = ['no_answer', 'busy', 'unreachable', 'congestion', 'failed'] as const

/** What the reader sums per operator from calls and attempts. Counts, or sums in ms. */
export interface CallSums {
  answered: number
  missed: number
  /** Sum and count of ring times of answered attempts that have one. */
  answerMsSum: number
  answerCount: number
  talkMs: number
}

/** What the reader sums per operator from leads. Counts, or sums in ms and minor units. */
export interface LeadSums {
  leadsOwned: number
  leadsInSla: number
  responseMsSum: number
  respondedCount: number
  /** Cohort leads that are deals by now. */
  cohortDeals: number
  deals: number
  revenue: number
  refusalsByReason: Record<string, number>
}

export type OperatorSums = CallSums & LeadSums

export const emptyCallSums = (): CallSums => ({ answered: 0, missed: 0, answerMsSum: 0, answerCount: 0, talkMs: 0 })

/** Call sums of several pieces of a period (e.g. settled days and today), added up. */
export function addCallSums (a: CallSums, b: CallSums): CallSums {
  return {
    answered: a.answered + b.answered, missed: a.missed + b.missed, answerMsSum: a.answerMsSum + b.answerMsSum,
    answerCount: a.answerCount + b.answerCount, talkMs: a.talkMs + b.talkMs
  }
}

export interface OperatorFacts { operatorId: string; name: string; removed: boolean; sums: OperatorSums; qaScore: number | null }

export interface EfficiencyNumbers {
  offered: number
  answered: number
  missed: number
  missedPct: number
  avgAnswerMs: number
  talkMs: number
  leadsOwned: number
  leadsInSla: number
  avgResponseMs: number
  deals: number
  conversionPct: number
  revenue: number
  refusalsByReason: Record<string, number>
  avgQaScore: number | null
}
export interface EfficiencyRow extends EfficiencyNumbers { operatorId: string; name: string }
export interface EfficiencyTable { rows: EfficiencyRow[]; totals: EfficiencyNumbers }

export const emptySums = (): OperatorSums => ({
  answered: 0, missed: 0, answerMsSum: 0, answerCount: 0, talkMs: 0, leadsOwned: 0, leadsInSla: 0,
  responseMsSum: 0, respondedCount: 0, cohortDeals: 0, deals: 0, revenue: 0, refusalsByReason: {}
})

/** Percent with one decimal; 0 when there is nothing to divide by (the API's numbers are never null). */
export const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0)
const mean = (sum: number, count: number): number => (count > 0 ? Math.round(sum / count) : 0)

function addSums (a: OperatorSums, b: OperatorSums): OperatorSums {
  const refusals = { ...a.refusalsByReason }
  for (const [reason, n] of Object.entries(b.refusalsByReason)) refusals[reason] = (refusals[reason] ?? 0) + n
  return {
    answered: a.answered + b.answered, missed: a.missed + b.missed, answerMsSum: a.answerMsSum + b.answerMsSum,
    answerCount: a.answerCount + b.answerCount, talkMs: a.talkMs + b.talkMs, leadsOwned: a.leadsOwned + b.leadsOwned,
    leadsInSla: a.leadsInSla + b.leadsInSla, responseMsSum: a.responseMsSum + b.responseMsSum,
    respondedCount: a.respondedCount + b.respondedCount, cohortDeals: a.cohortDeals + b.cohortDeals,
    deals: a.deals + b.deals, revenue: a.revenue + b.revenue, refusalsByReason: refusals
  }
}

function numbers (s: OperatorSums, qaScore: number | null): EfficiencyNumbers {
  const offered = s.answered + s.missed
  return {
    offered, answered: s.answered, missed: s.missed, missedPct: pct(s.missed, offered),
    avgAnswerMs: mean(s.answerMsSum, s.answerCount), talkMs: s.talkMs,
    leadsOwned: s.leadsOwned, leadsInSla: s.leadsInSla, avgResponseMs: mean(s.responseMsSum, s.respondedCount),
    deals: s.deals, conversionPct: pct(s.cohortDeals, s.leadsOwned), revenue: s.revenue,
    refusalsByReason: s.refusalsByReason, avgQaScore: qaScore === null ? null : Math.round(qaScore * 10) / 10
  }
}

const isIdle = (s: OperatorSums): boolean =>
  s.answered + s.missed + s.talkMs + s.leadsOwned + s.deals + Object.keys(s.refusalsByReason).length === 0

/**
 * One row per operator: every current operator, and removed ones only when the period has
 * something of theirs. Totals are the team's sums; their averages are weighted by the counts
 * behind them, and the QA average is the mean of the operators' averages that are known.
 */
export function efficiencyTable (operators: readonly OperatorFacts[]): EfficiencyTable {
  const shown = operators.filter((o) => !o.removed || !isIdle(o.sums))
  const rows = shown.map((o) => ({ operatorId: o.operatorId, name: o.name, ...numbers(o.sums, o.qaScore) }))
  const total = shown.reduce((acc, o) => addSums(acc, o.sums), emptySums())
  const scores = shown.map((o) => o.qaScore).filter((q): q is number => q !== null)
  const qa = scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null
  return { rows, totals: numbers(total, qa) }
}

export const sortableColumns = [
  'operatorId', 'name', 'offered', 'answered', 'missed', 'missedPct', 'avgAnswerMs', 'talkMs', 'leadsOwned',
  'leadsInSla', 'avgResponseMs', 'deals', 'conversionPct', 'revenue', 'avgQaScore'
] as const
export type SortColumn = typeof sortableColumns[number]

/** Sorted by one column; nulls last whichever the order; ties by name, so the order is stable. */
export function sortRows<R extends { name: string } & Partial<Record<SortColumn, unknown>>> (rows: readonly R[], column: SortColumn, order: 'asc' | 'desc'): R[] {
  const sign = order === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const x = a[column] ?? null
    const y = b[column] ?? null
    if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1
    const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : (x as number) - (y as number)
    return c !== 0 ? sign * c : a.name.localeCompare(b.name)
  })
}

/** What an operator sees of a colleague on the leaderboard; the rest is null. */
export const leaderboardColumns = ['operatorId', 'name', 'answered', 'deals'] as const
export type ReducedRow = { [K in keyof EfficiencyRow]: K extends typeof leaderboardColumns[number] ? EfficiencyRow[K] : EfficiencyRow[K] | null }

/** The table as an operator sees it: their own row whole, the others' answered and deals only. */
export function leaderboardFor (rows: readonly EfficiencyRow[], viewerOperatorId: string | null): ReducedRow[] {
  return rows.map((r) => {
    if (r.operatorId === viewerOperatorId) return r
    return {
      operatorId: r.operatorId, name: r.name, answered: r.answered, deals: r.deals,
      offered: null, missed: null, missedPct: null, avgAnswerMs: null, talkMs: null, leadsOwned: null, leadsInSla: null,
      avgResponseMs: null, conversionPct: null, revenue: null, refusalsByReason: null, avgQaScore: null
    }
  })
}

// ---- funnels ----

export interface FunnelSums { key: string | null; calls: number; leads: number; deals: number; revenue: number }
export interface FunnelRow { key: string; calls: number; leads: number; deals: number; revenue: number; callToLeadPct: number; leadToDealPct: number }

/** Label of the rows with no source or category. */
export const noKey = '(none)'

/**
 * calls → leads → deals → revenue per key. Calls: inbound calls started in the period; leads: leads
 * created in the period (any channel, so forms can push callToLeadPct over 100); deals and revenue:
 * those leads that have become deals by now. Rows with the same key (after null → "(none)") are merged.
 */
export function funnelRows (sums: readonly FunnelSums[]): FunnelRow[] {
  const byKey = new Map<string, FunnelSums>()
  for (const s of sums) {
    const key = s.key ?? noKey
    const acc = byKey.get(key) ?? { key, calls: 0, leads: 0, deals: 0, revenue: 0 }
    acc.calls += s.calls; acc.leads += s.leads; acc.deals += s.deals; acc.revenue += s.revenue
    byKey.set(key, acc)
  }
  return [...byKey.values()]
    .map((s) => ({ key: s.key!, calls: s.calls, leads: s.leads, deals: s.deals, revenue: s.revenue, callToLeadPct: pct(s.leads, s.calls), leadToDealPct: pct(s.deals, s.leads) }))
    .sort((a, b) => b.calls - a.calls || b.leads - a.leads || a.key.localeCompare(b.key))
}
