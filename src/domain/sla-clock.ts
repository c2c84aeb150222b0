// Pure: the SLA clock. Deadlines count working time only, in the shop's time zone: the clock
// pauses at night and on days off, so nobody is called at 3 a.m.
import { DateTime, IANAZone } from 'luxon'

/** Weekday 1 (Monday) … 7 → working intervals in minutes from local midnight, sorted. */
export interface WorkingCalendar {
  timeZone: string
  days: Readonly<Record<number, ReadonlyArray<readonly [number, number]>>>
}

/** Parses {"1":[["09:00","18:00"]], …}; throws naming the bad entry. */
export function parseCalendar (timeZone: string, json: string): WorkingCalendar {
  if (!IANAZone.isValidZone(timeZone)) throw new Error(`unknown time zone "${timeZone}"`)
  const raw = JSON.parse(json) as Record<string, Array<[string, string]>>
  const days: Record<number, Array<[number, number]>> = {}
  const minutes = (hhmm: string, where: string): number => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm)
    if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`working hours ${where}: "${hhmm}" is not HH:MM`)
    return Number(m[1]) * 60 + Number(m[2])
  }
  for (let d = 1; d <= 7; d++) {
    const intervals = raw[String(d)] ?? []
    days[d] = intervals.map(([a, b], i) => {
      const start = minutes(a, `day ${d} #${i + 1}`)
      const end = minutes(b, `day ${d} #${i + 1}`)
      if (end <= start) throw new Error(`working hours day ${d} #${i + 1}: ends before it starts`)
      return [start, end] as [number, number]
    }).sort((x, y) => x[0] - y[0])
  }
  return { timeZone, days }
}

export const alwaysOpen = (timeZone = 'UTC'): WorkingCalendar =>
  ({ timeZone, days: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [[0, 1440]]])) })

/** A local day of the calendar: its working intervals (epoch ms) and where the next day starts. */
interface LocalDay { intervals: Array<[number, number]>; next: number }

/**
 * The local day containing `ms`. Memoised per calendar by 15-minute slot (no time zone offset
 * splits one): every lead's deadline and ladder walk the same few days, and each walk asks for
 * a day's start and the next one's, which luxon computes anew through the zone's offsets.
 */
const dayCache = new WeakMap<WorkingCalendar, Map<number, LocalDay>>()
function localDay (cal: WorkingCalendar, ms: number): LocalDay {
  let cache = dayCache.get(cal)
  if (!cache) dayCache.set(cal, cache = new Map())
  const slot = Math.floor(ms / 900_000)
  const hit = cache.get(slot)
  if (hit) return hit
  const day = DateTime.fromMillis(ms, { zone: cal.timeZone }).startOf('day')
  const intervals = (cal.days[day.weekday] ?? []).map(([a, b]) => [day.plus({ minutes: a }).toMillis(), day.plus({ minutes: b }).toMillis()] as [number, number])
  const found = { intervals, next: day.plus({ days: 1 }).toMillis() }
  if (cache.size > 5000) cache.clear()
  cache.set(slot, found)
  return found
}

const hasAnyHours = (cal: WorkingCalendar): boolean => Object.values(cal.days).some((d) => d.length > 0)

export function isWorkingTime (cal: WorkingCalendar, ms: number): boolean {
  return localDay(cal, ms).intervals.some(([a, b]) => ms >= a && ms < b)
}

/** `durationMs` of working time after `startMs`: the deadline. */
export function addWorkingTime (cal: WorkingCalendar, startMs: number, durationMs: number): number {
  if (!hasAnyHours(cal)) return startMs + durationMs
  let left = durationMs
  let cursor = startMs
  for (let guard = 0; guard < 400; guard++) {
    // The next day counts from the day being walked: an interval ending at 24:00 leaves the cursor
    // on the next midnight, whose own day must not be skipped.
    const day = localDay(cal, cursor)
    for (const [a, b] of day.intervals) {
      if (b <= cursor) continue
      const from = Math.max(a, cursor)
      if (from + left <= b) return from + left
      left -= b - from
      cursor = b
    }
    cursor = day.next
  }
  return startMs + durationMs
}

/** Working time between two moments (how much of the SLA has been used). */
export function workingTimeBetween (cal: WorkingCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0
  if (!hasAnyHours(cal)) return toMs - fromMs
  let total = 0
  let cursor = fromMs
  for (let guard = 0; guard < 400 && cursor < toMs; guard++) {
    const day = localDay(cal, cursor)
    for (const [a, b] of day.intervals) {
      const lo = Math.max(a, cursor)
      const hi = Math.min(b, toMs)
      if (hi > lo) total += hi - lo
    }
    cursor = day.next
  }
  return total
}

/** The first working moment at or after `ms` (calls to people wait for it). */
export function nextWorkingMoment (cal: WorkingCalendar, ms: number): number {
  return addWorkingTime(cal, ms, 0) === ms && isWorkingTime(cal, ms) ? ms : firstOpening(cal, ms)
}

function firstOpening (cal: WorkingCalendar, ms: number): number {
  if (!hasAnyHours(cal)) return ms
  let cursor = ms
  for (let guard = 0; guard < 400; guard++) {
    const day = localDay(cal, cursor)
    for (const [a, b] of day.intervals) {
      if (b > cursor) return Math.max(a, cursor)
    }
    cursor = day.next
  }
  return ms
}
