// Settled days are read once and remembered; the open day is always read live.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { callAttempts, calls } from '../../src/db/schema.js'
import { ReportService, reportSettingsFrom } from '../../src/reports/report-service.js'
import { testBase } from '../http/helpers.js'

t.test('the month\'s table is the same from remembered days as from the database, and today stays live', async (t) => {
  const { db, bus, now, newId } = testBase()
  t.teardown(() => db.$client.close())
  createOperator({ db, bus, now, newId }, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_ana')
  let n = 0
  const call = (at: number, result: 'answered' | 'no_answer'): void => {
    const callId = `c${++n}`
    db.insert(calls).values({ callId, direction: 'inbound', status: result === 'answered' ? 'answered' : 'missed', channelId: callId, callerRaw: '1', did: '2', answeredBy: result === 'answered' ? 'op_ana' : null, startedAt: at, talkMs: result === 'answered' ? 10_000 : null }).run()
    db.insert(callAttempts).values({ attemptId: callId, callId, stepIndex: 0, stepKind: 'any', operatorId: 'op_ana', endpoint: 'PJSIP/101', startedAt: at, result, ringMs: 5000 }).run()
  }
  const day = 86_400_000
  const month = { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-12-01T00:00:00Z') }
  const nowMs = Date.parse('2026-11-20T12:00:00Z')
  for (let d = 0; d < 20; d++) { call(month.fromMs + d * day + 3_600_000, 'answered'); call(month.fromMs + d * day + 7_200_000, 'no_answer') }
  const settings = reportSettingsFrom(loadConfig({}, { leads: { timeZone: 'UTC' } }))
  const reports = new ReportService(db, settings)
  const first = reports.operators(month, nowMs).rows[0]
  t.match(first, { answered: 20, missed: 20, talkMs: 200_000, avgAnswerMs: 5000 })
  t.same(reports.operators(month, nowMs), new ReportService(db, settings).operators(month, nowMs), 'remembered days give the same table')
  call(nowMs - 60_000, 'answered') // today: read live
  t.match(reports.operators(month, nowMs).rows[0], { answered: 21, missed: 20 })
  t.match(reports.operators({ fromMs: month.fromMs + day / 2, toMs: month.fromMs + 2 * day }, nowMs).rows[0], { answered: 1, missed: 1 }, 'a partial first day is read live')
})

t.test('warming reads the settled days ahead, newest first, and the table is the same', async (t) => {
  const { db, bus, now, newId } = testBase()
  t.teardown(() => db.$client.close())
  createOperator({ db, bus, now, newId }, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_ana')
  db.insert(calls).values({ callId: 'c1', direction: 'inbound', status: 'answered', channelId: 'c1', callerRaw: '1', did: '2', answeredBy: 'op_ana', startedAt: Date.parse('2026-11-10T10:00:00Z'), talkMs: 1000 }).run()
  const settings = reportSettingsFrom(loadConfig({}, { leads: { timeZone: 'UTC' } }))
  const nowMs = Date.parse('2026-11-20T12:00:00Z')
  const reports = new ReportService(db, settings)
  const step = reports.warmStep(nowMs, 3)
  let steps = 0
  while (step()) steps++
  t.equal(steps, 3, 'three settled days: 17, 18 and 19 November')
  const month = { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: nowMs }
  t.same(reports.operators(month, nowMs), new ReportService(db, settings).operators(month, nowMs))
  t.match(reports.operators(month, nowMs).rows[0], { answered: 0, talkMs: 1000 })
})

t.test('warming reads a slice of the operators per step, so no step holds the event loop for a whole day of them', async (t) => {
  const { db, bus, now, newId } = testBase()
  t.teardown(() => db.$client.close())
  for (const [i, name] of ['Ana', 'Boris', 'Vera', 'Gleb', 'Dina'].entries()) createOperator({ db, bus, now, newId }, { name, endpoint: `PJSIP/10${i}` }, `op_${i}`)
  db.insert(calls).values({ callId: 'c1', direction: 'inbound', status: 'answered', channelId: 'c1', callerRaw: '1', did: '2', answeredBy: 'op_3', startedAt: Date.parse('2026-11-18T10:00:00Z'), talkMs: 1000 }).run()
  const settings = reportSettingsFrom(loadConfig({}, { leads: { timeZone: 'UTC' } }))
  const nowMs = Date.parse('2026-11-20T12:00:00Z')
  const reports = new ReportService(db, settings)
  const read: number[] = []
  const callSums = reports.reader.callSums.bind(reports.reader)
  reports.reader.callSums = (range, ids) => { read.push(ids.length); return callSums(range, ids) }
  const step = reports.warmStep(nowMs, 2, 2)
  let steps = 0
  while (step()) steps++
  t.equal(steps, 6, 'two settled days, five operators two at a time: three steps a day')
  t.same(read, [2, 2, 1, 2, 2, 1])
  read.length = 0
  const month = { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: nowMs }
  t.same(reports.operators(month, nowMs), new ReportService(db, settings).operators(month, nowMs), 'the same table')
  t.match(reports.operators(month, nowMs).rows.find((r) => r.operatorId === 'op_3'), { talkMs: 1000 })
})
