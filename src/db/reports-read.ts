// Reads what the reports need, summed by the database: one operator at a time over covering indexes
// (operator, time, …), so no sort of the period's rows is needed. Plain SQL that PostgreSQL also runs.
import type { Statement } from 'better-sqlite3'
import { missedAttemptResults, type CallSums, type FunnelSums, type LeadSums } from '../domain/kpi.js'
import type { CohortDeal } from '../domain/kpi-motivation.js'
import type { ReportRange } from '../domain/kpi-period.js'
import type { Db } from './open.js'

export interface ReportOperator { operatorId: string; name: string; removed: boolean; role: string }
export type FunnelBy = 'source' | 'category'

const missedList = missedAttemptResults.map((r) => `'${r}'`).join(', ')
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

export class ReportsReader {
  private readonly q: Record<string, Statement>

  constructor (private readonly db: Db) {
    const p = (text: string): Statement => db.$client.prepare(text)
    this.q = {
      operators: p('SELECT operator_id AS operatorId, name, removed_at AS removedAt, role FROM operators ORDER BY name, operator_id'),
      // One index range per result (operator, result, time): cheaper than a CASE per row.
      attempts: p(`SELECT result, COUNT(*) AS n, SUM(ring_ms) AS ringMs, COUNT(ring_ms) AS rung FROM call_attempts
        WHERE operator_id = ? AND result IN ('answered', ${missedList}) AND started_at >= ? AND started_at < ? GROUP BY result`),
      // The sum alone: a row object per operator and day took a hidden class of its own (domain/empty-record.ts).
      talk: p('SELECT SUM(talk_ms) FROM calls WHERE answered_by = ? AND started_at >= ? AND started_at < ?').pluck(),
      // COUNT(x) skips nulls: responded, dealt and in-SLA leads are counted without a CASE per row.
      cohort: p(`SELECT COUNT(*) AS leadsOwned, COUNT(responded_at) AS respondedCount, SUM(responded_at - created_at) AS responseMsSum,
          COUNT(deal_at) AS cohortDeals, COUNT(CASE WHEN responded_at <= COALESCE(sla_due_at, responded_at) THEN 1 END) AS leadsInSla
        FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?`),
      deals: p('SELECT COUNT(*) AS deals, SUM(deal_amount) AS revenue FROM leads WHERE owner_id = ? AND deal_at >= ? AND deal_at < ?'),
      refusals: p(`SELECT COALESCE(refusal_reason, 'unknown') AS reason, COUNT(*) AS n FROM leads
        WHERE owner_id = ? AND refused_at >= ? AND refused_at < ? GROUP BY COALESCE(refusal_reason, 'unknown')`),
      cohortCount: p('SELECT COUNT(*) AS n FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?'),
      cohortDeals: p('SELECT created_at AS createdAt, deal_at AS dealAt, deal_amount AS dealAmount FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ? AND deal_at IS NOT NULL'),
      funnelCallsSource: p(`SELECT source AS key, COUNT(*) AS calls FROM calls WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' GROUP BY source`),
      funnelCallsCategory: p(`SELECT category_id AS key, COUNT(*) AS calls FROM calls WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' GROUP BY category_id`),
      funnelLeadsSource: p(`SELECT source AS key, COUNT(*) AS leads, SUM(CASE WHEN deal_at IS NOT NULL THEN 1 ELSE 0 END) AS deals, SUM(deal_amount) AS revenue
        FROM leads WHERE created_at >= ? AND created_at < ? GROUP BY source`),
      funnelLeadsCategory: p(`SELECT category_id AS key, COUNT(*) AS leads, SUM(CASE WHEN deal_at IS NOT NULL THEN 1 ELSE 0 END) AS deals, SUM(deal_amount) AS revenue
        FROM leads WHERE created_at >= ? AND created_at < ? GROUP BY category_id`),
      overdue: p('SELECT owner_id AS operatorId, COUNT(*) AS n FROM leads WHERE closed_at IS NULL AND deadline_at IS NOT NULL AND deadline_at < ? GROUP BY owner_id'),
      sourceCalls: p(`SELECT source, SUM(CASE WHEN started_at >= ? THEN 1 ELSE 0 END) AS recent, SUM(CASE WHEN started_at < ? THEN 1 ELSE 0 END) AS before
        FROM calls WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' AND source IS NOT NULL GROUP BY source`)
    }
  }

  operators (): ReportOperator[] {
    return (this.q.operators!.all() as Array<{ operatorId: string; name: string; removedAt: number | null; role: string }>)
      .map((o) => ({ operatorId: o.operatorId, name: o.name, removed: o.removedAt !== null, role: o.role }))
  }

  /** Every operator's call sums (attempts and talk time) for calls started in the range. */
  callSums (range: ReportRange, operatorIds: readonly string[]): Map<string, CallSums> {
    const { fromMs, toMs } = range
    const out = new Map<string, CallSums>()
    for (const operatorId of operatorIds) {
      const attempts = this.q.attempts!.all(operatorId, fromMs, toMs) as Array<{ result: string; n: number; ringMs: number | null; rung: number }>
      const answered = attempts.find((r) => r.result === 'answered')
      const talkMs = this.q.talk!.get(operatorId, fromMs, toMs)
      out.set(operatorId, {
        answered: num(answered?.n), missed: attempts.reduce((sum, r) => sum + (r.result === 'answered' ? 0 : num(r.n)), 0),
        answerMsSum: num(answered?.ringMs), answerCount: num(answered?.rung), talkMs: num(talkMs)
      })
    }
    return out
  }

  /** Every operator's lead sums: the cohort created in the range, deals and refusals made in it. */
  leadSums (range: ReportRange, operatorIds: readonly string[]): Map<string, LeadSums> {
    const { fromMs, toMs } = range
    const out = new Map<string, LeadSums>()
    for (const operatorId of operatorIds) {
      const c = this.q.cohort!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      const d = this.q.deals!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      const refusals = this.q.refusals!.all(operatorId, fromMs, toMs) as Array<{ reason: string; n: number }>
      out.set(operatorId, {
        leadsOwned: num(c.leadsOwned), leadsInSla: num(c.leadsInSla), responseMsSum: num(c.responseMsSum),
        respondedCount: num(c.respondedCount), cohortDeals: num(c.cohortDeals),
        deals: num(d.deals), revenue: num(d.revenue),
        refusalsByReason: Object.fromEntries(refusals.map((r) => [r.reason, num(r.n)]))
      })
    }
    return out
  }

  /** How many leads the operator owns that were created in the period, and those of them that are deals. */
  cohort (operatorId: string, range: ReportRange): { leadCount: number; deals: CohortDeal[] } {
    const { n } = this.q.cohortCount!.get(operatorId, range.fromMs, range.toMs) as { n: number }
    return { leadCount: num(n), deals: this.q.cohortDeals!.all(operatorId, range.fromMs, range.toMs) as CohortDeal[] }
  }

  funnel (by: FunnelBy, range: ReportRange): FunnelSums[] {
    const calls = (by === 'source' ? this.q.funnelCallsSource! : this.q.funnelCallsCategory!).all(range.fromMs, range.toMs) as Array<{ key: string | null; calls: number }>
    const leads = (by === 'source' ? this.q.funnelLeadsSource! : this.q.funnelLeadsCategory!).all(range.fromMs, range.toMs) as Array<{ key: string | null; leads: number; deals: number; revenue: number | null }>
    return [
      ...calls.map((c) => ({ key: c.key, calls: num(c.calls), leads: 0, deals: 0, revenue: 0 })),
      ...leads.map((l) => ({ key: l.key, calls: 0, leads: num(l.leads), deals: num(l.deals), revenue: num(l.revenue) }))
    ]
  }

  /** Open leads past their response deadline, per owner (null: nobody owns them). */
  overdueLeads (nowMs: number): Map<string | null, number> {
    return new Map((this.q.overdue!.all(nowMs) as Array<{ operatorId: string | null; n: number }>).map((r) => [r.operatorId, num(r.n)]))
  }

  /** Inbound calls per source: since `recentFromMs` and in the window before it. */
  sourceCalls (windowFromMs: number, recentFromMs: number, nowMs: number): Array<{ source: string; recent: number; before: number }> {
    return (this.q.sourceCalls!.all(recentFromMs, recentFromMs, windowFromMs, nowMs) as Array<{ source: string; recent: number; before: number }>)
      .map((r) => ({ source: r.source, recent: num(r.recent), before: num(r.before) }))
  }
}
