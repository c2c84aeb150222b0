// Reads what the reports need, summed by the database: one operator at a time over covering indexes
// (operator, time, …), so no sort of the period's rows is needed. Plain SQL that PostgreSQL also runs.
import type { Statement } from 'better-sqlite3'
import { emptySums, missedAttemptResults, type FunnelSums, type OperatorSums } from '../domain/kpi.js'
import type { CohortLead } from '../domain/kpi-motivation.js'
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
      attempts: p(`SELECT
          SUM(CASE WHEN result = 'answered' THEN 1 ELSE 0 END) AS answered,
          SUM(CASE WHEN result IN (${missedList}) THEN 1 ELSE 0 END) AS missed,
          SUM(CASE WHEN result = 'answered' AND ring_ms IS NOT NULL THEN ring_ms ELSE 0 END) AS answerMsSum,
          SUM(CASE WHEN result = 'answered' AND ring_ms IS NOT NULL THEN 1 ELSE 0 END) AS answerCount
        FROM call_attempts WHERE operator_id = ? AND started_at >= ? AND started_at < ?`),
      talk: p('SELECT SUM(talk_ms) AS talkMs FROM calls WHERE answered_by = ? AND started_at >= ? AND started_at < ?'),
      cohort: p(`SELECT COUNT(*) AS leadsOwned,
          SUM(CASE WHEN responded_at IS NOT NULL AND (sla_due_at IS NULL OR responded_at <= sla_due_at) THEN 1 ELSE 0 END) AS leadsInSla,
          SUM(CASE WHEN responded_at IS NOT NULL THEN responded_at - created_at ELSE 0 END) AS responseMsSum,
          SUM(CASE WHEN responded_at IS NOT NULL THEN 1 ELSE 0 END) AS respondedCount,
          SUM(CASE WHEN deal_at IS NOT NULL THEN 1 ELSE 0 END) AS cohortDeals
        FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?`),
      deals: p('SELECT COUNT(*) AS deals, SUM(deal_amount) AS revenue FROM leads WHERE owner_id = ? AND deal_at >= ? AND deal_at < ?'),
      refusals: p(`SELECT l.owner_id AS operatorId, COALESCE(e.reason, 'unknown') AS reason, COUNT(*) AS n
        FROM lead_events e JOIN leads l ON l.lead_id = e.lead_id
        WHERE e.to_status = 'refused' AND e.at >= ? AND e.at < ? AND l.owner_id IS NOT NULL
        GROUP BY l.owner_id, COALESCE(e.reason, 'unknown')`),
      cohortLeads: p('SELECT created_at AS createdAt, deal_at AS dealAt, deal_amount AS dealAmount FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?'),
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

  /** Every operator's sums for the period. */
  operatorSums (range: ReportRange): Map<string, OperatorSums> {
    const { fromMs, toMs } = range
    const out = new Map<string, OperatorSums>()
    for (const { operatorId } of this.operators()) {
      const a = this.q.attempts!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      const t = this.q.talk!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      const c = this.q.cohort!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      const d = this.q.deals!.get(operatorId, fromMs, toMs) as Record<string, unknown>
      out.set(operatorId, {
        ...emptySums(),
        answered: num(a.answered), missed: num(a.missed), answerMsSum: num(a.answerMsSum), answerCount: num(a.answerCount),
        talkMs: num(t.talkMs),
        leadsOwned: num(c.leadsOwned), leadsInSla: num(c.leadsInSla), responseMsSum: num(c.responseMsSum),
        respondedCount: num(c.respondedCount), cohortDeals: num(c.cohortDeals),
        deals: num(d.deals), revenue: num(d.revenue)
      })
    }
    for (const r of this.q.refusals!.all(fromMs, toMs) as Array<{ operatorId: string; reason: string; n: number }>) {
      const sums = out.get(r.operatorId)
      if (sums) sums.refusalsByReason[r.reason] = num(r.n)
    }
    return out
  }

  /** The operator's leads created in the period, for the motivation report. */
  cohortLeads (operatorId: string, range: ReportRange): CohortLead[] {
    return this.q.cohortLeads!.all(operatorId, range.fromMs, range.toMs) as CohortLead[]
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
