// Today's wallboard figures from the database. The live figures read them once at start and at each
// turn of the day (`WallboardStatsReader`, statements prepared once); `todayStats` aggregates them
// afresh and is the yardstick the live figures are checked against.
import type { Statement } from 'better-sqlite3'
import { serviceLevelFromGroups, serviceLevelView, type ServiceLevelTotals } from '../domain/service-level.js'
import type { CallTotals, TodayStats } from '../domain/today-figures.js'
import type { Db } from './open.js'

export type { TodayStats }

const callTotalsSql = `SELECT
    count(CASE WHEN status = 'answered' THEN 1 END) AS answered,
    count(CASE WHEN status IN ('missed', 'abandoned') THEN 1 END) AS missed,
    total(CASE WHEN status = 'answered' THEN answered_at - started_at END) AS answerMsSum,
    count(CASE WHEN status = 'answered' THEN answered_at END) AS answerTimed
  FROM calls WHERE direction = 'inbound' AND started_at >= ?`

const serviceLevelSql = `SELECT category_id AS categoryId, count(*) AS offered,
    count(CASE WHEN status = 'answered' AND answered_at IS NOT NULL AND answered_at - started_at <= ? THEN 1 END) AS inTime
  FROM calls WHERE direction = 'inbound' AND started_at >= ? AND status IN ('answered', 'missed', 'abandoned')
  GROUP BY category_id`

/** The base the live figures start from: statements prepared once, run once a day. */
export class WallboardStatsReader {
  private readonly callTotalsStmt: Statement<[number], CallTotals>
  private readonly openLeadsStmt: Statement<[], { leadId: string; deadlineAt: number | null }>
  private readonly dealsStmt: Statement<[number], { leadId: string }>
  private readonly serviceLevelStmt: Statement<[number, number], { categoryId: string | null; offered: number; inTime: number }>

  constructor (db: Db) {
    this.callTotalsStmt = db.$client.prepare(callTotalsSql)
    this.serviceLevelStmt = db.$client.prepare(serviceLevelSql)
    this.openLeadsStmt = db.$client.prepare('SELECT lead_id AS leadId, deadline_at AS deadlineAt FROM leads WHERE closed_at IS NULL')
    this.dealsStmt = db.$client.prepare("SELECT lead_id AS leadId FROM leads WHERE status = 'deal' AND status_since >= ?")
  }

  /** Inbound calls started since `dayStartMs` that have an outcome (missed = missed or abandoned). */
  callTotals (dayStartMs: number): CallTotals { return this.callTotalsStmt.get(dayStartMs)! }

  /** Inbound calls since `dayStartMs` with an outcome, and those answered within `withinMs`, per category. */
  serviceLevel (dayStartMs: number, withinMs: number): ServiceLevelTotals { return serviceLevelFromGroups(this.serviceLevelStmt.all(withinMs, dayStartMs)) }

  openLeads (): Array<{ leadId: string; deadlineAt: number | null }> { return this.openLeadsStmt.all() }

  /** Leads that became deals since `dayStartMs` and still are. */
  dealsSince (dayStartMs: number): string[] { return this.dealsStmt.all(dayStartMs).map((r) => r.leadId) }
}

/** Inbound calls since `dayStartMs` (missed = missed or abandoned), open/overdue leads now, deals since then: aggregated afresh. */
export function todayStats (db: Db, dayStartMs: number, nowMs: number, serviceLevelMs = 20_000): TodayStats {
  const c = db.$client.prepare(`SELECT
      sum(status = 'answered') AS answered,
      sum(status IN ('missed', 'abandoned')) AS missed,
      avg(CASE WHEN status = 'answered' THEN answered_at - started_at END) AS avg_answer
    FROM calls WHERE direction = 'inbound' AND started_at >= ?`).get(dayStartMs) as { answered: number | null; missed: number | null; avg_answer: number | null }
  const l = db.$client.prepare(`SELECT
      sum(closed_at IS NULL) AS open,
      sum(closed_at IS NULL AND deadline_at IS NOT NULL AND deadline_at < ?) AS overdue
    FROM leads WHERE closed_at IS NULL`).get(nowMs) as { open: number | null; overdue: number | null }
  const d = db.$client.prepare("SELECT count(*) AS deals FROM leads WHERE status = 'deal' AND status_since >= ?").get(dayStartMs) as { deals: number }
  const answered = c.answered ?? 0
  const missed = c.missed ?? 0
  return {
    answered,
    missed,
    missedPct: answered + missed === 0 ? null : Math.round((missed / (answered + missed)) * 1000) / 10,
    avgAnswerMs: c.avg_answer === null ? null : Math.round(c.avg_answer),
    openLeads: l.open ?? 0,
    overdueLeads: l.overdue ?? 0,
    deals: d.deals,
    serviceLevel: serviceLevelView(serviceLevelFromGroups(db.$client.prepare(serviceLevelSql).all(serviceLevelMs, dayStartMs) as Array<{ categoryId: string | null; offered: number; inTime: number }>))
  }
}
