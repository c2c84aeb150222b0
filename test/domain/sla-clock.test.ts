import t from 'tap'
import { DateTime } from 'luxon'
import { addWorkingTime, alwaysOpen, isWorkingTime, nextWorkingMoment, parseCalendar, workingTimeBetween } from '../../src/domain/sla-clock.js'

const cal = parseCalendar('Europe/Moscow', JSON.stringify({ 1: [['09:00', '18:00']], 2: [['09:00', '18:00']], 3: [['09:00', '18:00']], 4: [['09:00', '18:00']], 5: [['09:00', '18:00']], 6: [], 7: [] }))
const msk = (iso: string): number => DateTime.fromISO(iso, { zone: 'Europe/Moscow' }).toMillis()
const show = (ms: number): string => DateTime.fromMillis(ms, { zone: 'Europe/Moscow' }).toFormat("ccc yyyy-MM-dd HH:mm")

t.test('a deadline inside working hours is simply 40 minutes later', async (t) => {
  t.equal(show(addWorkingTime(cal, msk('2026-11-23T10:00'), 40 * 60_000)), 'Mon 2026-11-23 10:40')
})

t.test('the clock pauses at night: a lead at 17:50 is due at 09:30 the next morning', async (t) => {
  t.equal(show(addWorkingTime(cal, msk('2026-11-23T17:50'), 40 * 60_000)), 'Tue 2026-11-24 09:30')
})

t.test('the clock pauses over the weekend', async (t) => {
  t.equal(show(addWorkingTime(cal, msk('2026-11-27T17:30'), 40 * 60_000)), 'Mon 2026-11-30 09:10')
  t.equal(show(addWorkingTime(cal, msk('2026-11-28T12:00'), 40 * 60_000)), 'Mon 2026-11-30 09:40')
})

t.test('nobody is called outside working hours: the next working moment', async (t) => {
  t.equal(isWorkingTime(cal, msk('2026-11-23T03:00')), false)
  t.equal(show(nextWorkingMoment(cal, msk('2026-11-23T03:00'))), 'Mon 2026-11-23 09:00')
  t.equal(show(nextWorkingMoment(cal, msk('2026-11-23T12:34'))), 'Mon 2026-11-23 12:34')
})

t.test('counts working time between two moments', async (t) => {
  t.equal(workingTimeBetween(cal, msk('2026-11-23T17:00'), msk('2026-11-24T10:00')), 2 * 3_600_000)
})

t.test('working time that runs to midnight goes on at 00:00 of the next day, not a day later', async (t) => {
  const allDay = parseCalendar('UTC', JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]]))))
  const utc = (iso: string): number => DateTime.fromISO(iso, { zone: 'UTC' }).toMillis()
  const showUtc = (ms: number): string => DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm')
  t.equal(showUtc(addWorkingTime(allDay, utc('2026-12-02T23:30'), 40 * 60_000)), '2026-12-03 00:10')
  t.equal(showUtc(addWorkingTime(allDay, utc('2026-12-02T23:59'), 5 * 60_000)), '2026-12-03 00:04')
  t.equal(showUtc(addWorkingTime(allDay, utc('2026-12-02T22:00'), 26 * 3_600_000)), '2026-12-04 00:00')
  t.equal(showUtc(nextWorkingMoment(allDay, addWorkingTime(allDay, utc('2026-12-02T23:50'), 10 * 60_000))), '2026-12-03 00:00')
  // A late shift that runs to midnight, then the morning: Monday 22:00-24:00, Tuesday 00:00-02:00.
  const late = parseCalendar('Europe/Moscow', JSON.stringify({ 1: [['22:00', '24:00']], 2: [['00:00', '02:00']] }))
  t.equal(show(addWorkingTime(late, msk('2026-11-23T23:30'), 60 * 60_000)), 'Tue 2026-11-24 00:30')
})

t.test('an always-open calendar counts plain time', async (t) => {
  t.equal(addWorkingTime(alwaysOpen(), 1000, 5000), 6000)
})

t.test('bad working hours and time zones are refused with the entry named', async (t) => {
  t.throws(() => parseCalendar('Mars/Base', '{}'), /unknown time zone "Mars\/Base"/)
  t.throws(() => parseCalendar('UTC', '{"1":[["9am","18:00"]]}'), /day 1 #1: "9am" is not HH:MM/)
  t.throws(() => parseCalendar('UTC', '{"1":[["18:00","09:00"]]}'), /ends before it starts/)
})

t.test('a weekend with the clocks going back still starts Monday at 09:00 local', async (t) => {
  // Berlin leaves summer time on Sunday 25 October 2026: that day has 25 hours.
  const berlin = parseCalendar('Europe/Berlin', JSON.stringify({ 1: [['09:00', '18:00']], 5: [['09:00', '18:00']] }))
  const at = (iso: string): number => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis()
  const local = (ms: number): string => DateTime.fromMillis(ms, { zone: 'Europe/Berlin' }).toFormat('ccc yyyy-MM-dd HH:mm ZZ')
  t.equal(local(addWorkingTime(berlin, at('2026-10-23T17:30'), 60 * 60_000)), 'Mon 2026-10-26 09:30 +01:00')
  t.equal(local(nextWorkingMoment(berlin, at('2026-10-24T12:00'))), 'Mon 2026-10-26 09:00 +01:00')
  t.equal(workingTimeBetween(berlin, at('2026-10-23T17:00'), at('2026-10-26T10:00')), 2 * 3_600_000)
  // And back into summer time on Sunday 29 March 2026 (23 hours).
  t.equal(local(addWorkingTime(berlin, at('2026-03-27T17:30'), 60 * 60_000)), 'Mon 2026-03-30 09:30 +02:00')
})

t.test('answers do not depend on what was asked before (the per-calendar memo)', async (t) => {
  // The same hours in two calendar objects: one asked in a scrambled order first, one fresh per question.
  const hours = JSON.stringify({ 1: [['09:00', '13:00'], ['14:00', '18:00']], 2: [['09:00', '18:00']], 4: [['22:00', '24:00']], 5: [['00:00', '02:00'], ['10:00', '16:30']] })
  const warm = parseCalendar('America/New_York', hours)
  let seed = 42
  const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  const start = DateTime.fromISO('2026-01-01T00:00', { zone: 'America/New_York' }).toMillis()
  const questions = Array.from({ length: 300 }, () => ({
    at: start + Math.floor(random() * 365 * 96) * 900_000 + Math.floor(random() * 900_000),
    span: Math.floor(random() * 30 * 3_600_000)
  }))
  for (const q of [...questions].reverse()) addWorkingTime(warm, q.at, q.span)
  let differences = 0
  for (const q of questions) {
    const fresh = parseCalendar('America/New_York', hours)
    if (addWorkingTime(warm, q.at, q.span) !== addWorkingTime(fresh, q.at, q.span)) differences++
    if (nextWorkingMoment(warm, q.at) !== nextWorkingMoment(parseCalendar('America/New_York', hours), q.at)) differences++
    if (workingTimeBetween(warm, q.at, q.at + q.span) !== workingTimeBetween(parseCalendar('America/New_York', hours), q.at, q.at + q.span)) differences++
  }
  t.equal(differences, 0)
  // The walk adds up: the working time from a moment to its deadline is the span asked for.
  for (const q of questions.slice(0, 100)) t.equal(workingTimeBetween(warm, q.at, addWorkingTime(warm, q.at, q.span)), q.span, `from ${q.at}`)
})
