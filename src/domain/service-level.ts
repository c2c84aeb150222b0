// Pure: the wallboard's service level (share of today's inbound calls answered within a number of
// seconds), kept as running counts overall and per category, the longest current wait, and the
// grade a figure gets against its warning and alarm thresholds.

import { emptyRecord } from './empty-record.js'

/** Running counts: calls that reached an outcome (answered, missed or abandoned) and those answered in time. */
export interface ServiceLevelCounts { offered: number; inTime: number }

export interface ServiceLevelTotals { all: ServiceLevelCounts; byCategory: Map<string, ServiceLevelCounts> }

export const noServiceLevel = (): ServiceLevelTotals => ({ all: { offered: 0, inTime: 0 }, byCategory: new Map() })

export interface EndedForServiceLevel {
  direction: string
  status: string
  startedAt: number
  answeredAt: number | null
  categoryId: string | null
}

/**
 * What one ended call adds. Abandoned and missed calls count as offered and not in time (as
 * QueueMetrics' default SL does); calls that went out, started before today, or ended otherwise
 * (callback, failed) count nowhere.
 */
export function addToServiceLevel (t: ServiceLevelTotals, call: EndedForServiceLevel, dayStartMs: number, withinMs: number): void {
  if (call.direction !== 'inbound' || call.startedAt < dayStartMs) return
  const answered = call.status === 'answered'
  if (!answered && call.status !== 'missed' && call.status !== 'abandoned') return
  const inTime = answered && call.answeredAt !== null && call.answeredAt - call.startedAt <= withinMs ? 1 : 0
  t.all.offered++
  t.all.inTime += inTime
  if (call.categoryId === null) return
  const c = t.byCategory.get(call.categoryId) ?? { offered: 0, inTime: 0 }
  c.offered++
  c.inTime += inTime
  t.byCategory.set(call.categoryId, c)
}

/** Percentage with one decimal; null when no call reached an outcome yet. */
export function serviceLevelPct (c: ServiceLevelCounts): number | null {
  return c.offered === 0 ? null : Math.round((c.inTime / c.offered) * 1000) / 10
}

/** The service level as the wallboard carries it: overall and per category. */
export interface ServiceLevelView { pct: number | null; offered: number; byCategory: Record<string, { pct: number | null; offered: number }> }

export function serviceLevelView (t: ServiceLevelTotals): ServiceLevelView {
  const byCategory: ServiceLevelView['byCategory'] = emptyRecord()
  for (const [categoryId, c] of t.byCategory) byCategory[categoryId] = { pct: serviceLevelPct(c), offered: c.offered }
  return { pct: serviceLevelPct(t.all), offered: t.all.offered, byCategory }
}

/** How long the caller who has waited longest has waited at `nowMs` (only those for `categoryId` when given); null: nobody waits. */
export function longestWaitMs (line: ReadonlyArray<{ arrivedAt: number; categoryId: string | null }>, nowMs: number, categoryId?: string): number | null {
  let oldest: number | null = null
  for (const c of line) {
    if (categoryId !== undefined && c.categoryId !== categoryId) continue
    if (oldest === null || c.arrivedAt < oldest) oldest = c.arrivedAt
  }
  return oldest === null ? null : Math.max(0, nowMs - oldest)
}

export type Grade = 'ok' | 'warn' | 'alarm'

/**
 * A figure against its thresholds. `higherIsWorse`: waits and waiting callers are bad above their
 * thresholds; the service level is bad below them. An unknown figure (null) is ok.
 */
export function grade (value: number | null, t: { warn: number; alarm: number }, higherIsWorse: boolean): Grade {
  if (value === null) return 'ok'
  if (higherIsWorse) return value > t.alarm ? 'alarm' : value > t.warn ? 'warn' : 'ok'
  return value < t.alarm ? 'alarm' : value < t.warn ? 'warn' : 'ok'
}

/** Totals from counts grouped by category (the database's aggregation at start and at midnight; null: calls without one). */
export function serviceLevelFromGroups (groups: ReadonlyArray<{ categoryId: string | null; offered: number; inTime: number }>): ServiceLevelTotals {
  const t = noServiceLevel()
  for (const g of groups) {
    t.all.offered += g.offered
    t.all.inTime += g.inTime
    if (g.categoryId !== null) t.byCategory.set(g.categoryId, { offered: g.offered, inTime: g.inTime })
  }
  return t
}
