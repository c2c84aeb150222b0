// Pure: which instants a report covers, in the shop's time zone.
import { DateTime } from 'luxon'

export type PeriodName = 'day' | 'week' | 'month'
export interface ReportRange { fromMs: number; toMs: number }
export type RangeDecision = { ok: true; range: ReportRange } | { ok: false; field: string; problem: string }

/** The longest range a report reads at once. */
export const maxRangeDays = 400

/**
 * `from`/`to` (epoch ms, `to` exclusive) win; else `period` counts from the start of the current
 * day, ISO week (Monday) or month in `timeZone` up to now; neither means today so far.
 */
export function reportRange (q: { from?: number; to?: number; period?: PeriodName }, nowMs: number, timeZone: string): RangeDecision {
  if (q.from !== undefined || q.to !== undefined) {
    if (q.period !== undefined) return { ok: false, field: 'period', problem: 'give either from and to, or period, not both' }
    if (q.from === undefined || q.to === undefined) return { ok: false, field: q.from === undefined ? 'from' : 'to', problem: 'from and to go together (epoch milliseconds)' }
    if (q.to <= q.from) return { ok: false, field: 'to', problem: `must be after from (${q.from}), got ${q.to}` }
    if (q.to - q.from > maxRangeDays * 86_400_000) return { ok: false, field: 'to', problem: `a report covers at most ${maxRangeDays} days` }
    return { ok: true, range: { fromMs: q.from, toMs: q.to } }
  }
  const unit = q.period ?? 'day'
  const start = DateTime.fromMillis(nowMs, { zone: timeZone }).startOf(unit)
  return { ok: true, range: { fromMs: start.toMillis(), toMs: nowMs } }
}

/** Calendar days in `timeZone` the range touches (a partial day counts as one). */
export function daysTouched (range: ReportRange, timeZone: string): number {
  const first = DateTime.fromMillis(range.fromMs, { zone: timeZone }).startOf('day')
  const last = DateTime.fromMillis(Math.max(range.fromMs, range.toMs - 1), { zone: timeZone }).startOf('day')
  return Math.round(last.diff(first, 'days').days) + 1
}

/** Whether two instants fall on the same calendar day in `timeZone`. */
export function isSameLocalDay (aMs: number, bMs: number, timeZone: string): boolean {
  return DateTime.fromMillis(aMs, { zone: timeZone }).hasSame(DateTime.fromMillis(bMs, { zone: timeZone }), 'day')
}

const quarterMs = 15 * 60_000

/**
 * ms → the local calendar day's number in `timeZone`, for many instants at once. Asking the zone
 * for every instant costs microseconds each; zone offsets change only on quarter-hour boundaries, so
 * the offset is looked up once per quarter hour and remembered.
 */
export function localDayOf (timeZone: string): (ms: number) => number {
  const offsets = new Map<number, number>()
  return (ms) => {
    const quarter = Math.floor(ms / quarterMs)
    let offsetMs = offsets.get(quarter)
    if (offsetMs === undefined) {
      offsetMs = DateTime.fromMillis(quarter * quarterMs, { zone: timeZone }).offset * 60_000
      offsets.set(quarter, offsetMs)
    }
    return Math.floor((ms + offsetMs) / 86_400_000)
  }
}

/**
 * Splits a range into the whole local days in it that ended at least `settleMs` before now (their
 * calls are over and will not change) and the pieces left over (a partial first or last day, days
 * too recent). Together they cover the range exactly once.
 */
export function splitSettledDays (range: ReportRange, nowMs: number, timeZone: string, settleMs: number): { days: ReportRange[]; rest: ReportRange[] } {
  const days: ReportRange[] = []
  const rest: ReportRange[] = []
  let cursor = range.fromMs
  let day = DateTime.fromMillis(range.fromMs, { zone: timeZone }).startOf('day')
  while (cursor < range.toMs) {
    const next = day.plus({ days: 1 })
    const dayStart = day.toMillis()
    const dayEnd = Math.min(next.toMillis(), range.toMs)
    const whole = dayStart === cursor && dayEnd === next.toMillis()
    const piece = { fromMs: cursor, toMs: dayEnd }
    if (whole && dayEnd + settleMs <= nowMs) days.push(piece)
    else {
      const last = rest.at(-1)
      if (last !== undefined && last.toMs === piece.fromMs) last.toMs = piece.toMs
      else rest.push(piece)
    }
    cursor = dayEnd
    day = next
  }
  return { days, rest }
}
