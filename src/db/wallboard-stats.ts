// Today's figures for the wallboard: a few indexed aggregates, cheap enough to run after every call.
import type { Db } from './open.js'

export interface TodayStats {
  answered: number
  missed: number
  missedPct: number | null
  avgAnswerMs: number | null
  openLeads: number
  overdueLeads: number
  deals: number
}

/** Inbound calls since `dayStartMs` (missed = missed or abandoned), open/overdue leads now, deals since then. */
export function todayStats (db: Db, dayStartMs: number, nowMs: number): TodayStats {
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
    deals: d.deals
  }
}

