import t from 'tap'
import { efficiencyTable, emptySums, funnelRows, leaderboardFor, sortRows, type OperatorFacts, type OperatorSums } from '../../src/domain/kpi.js'
import { problemZones } from '../../src/domain/kpi-digest.js'
import { daysTouched, reportRange, splitSettledDays } from '../../src/domain/kpi-period.js'

const op = (operatorId: string, sums: Partial<OperatorSums> = {}, o: Partial<OperatorFacts> = {}): OperatorFacts =>
  ({ operatorId, name: operatorId.toUpperCase(), removed: false, sums: { ...emptySums(), ...sums }, qaScore: null, ...o })

t.test('turns an operator\'s sums into the table\'s numbers', async (t) => {
  const { rows } = efficiencyTable([op('ana', {
    answered: 8, missed: 2, answerMsSum: 40_000, answerCount: 8, talkMs: 600_000, leadsOwned: 10, leadsInSla: 7,
    responseMsSum: 3_000_000, respondedCount: 9, cohortDeals: 3, deals: 4, revenue: 1_000_000, refusalsByReason: { price: 2 }
  }, { qaScore: 81.26 })])
  t.same(rows[0], {
    operatorId: 'ana', name: 'ANA', offered: 10, answered: 8, missed: 2, missedPct: 20, avgAnswerMs: 5000, talkMs: 600_000,
    leadsOwned: 10, leadsInSla: 7, avgResponseMs: 333_333, deals: 4, conversionPct: 30, revenue: 1_000_000,
    refusalsByReason: { price: 2 }, avgQaScore: 81.3
  })
})

t.test('an operator with nothing gets zeros, not NaN, and a null QA score', async (t) => {
  const { rows } = efficiencyTable([op('ben')])
  t.match(rows[0], { offered: 0, missedPct: 0, avgAnswerMs: 0, avgResponseMs: 0, conversionPct: 0, avgQaScore: null })
})

t.test('totals weight averages by their counts and merge refusals; QA is the mean of known scores', async (t) => {
  const { totals } = efficiencyTable([
    op('ana', { answered: 9, missed: 1, answerMsSum: 9000, answerCount: 9, refusalsByReason: { price: 1 } }, { qaScore: 90 }),
    op('ben', { answered: 1, missed: 9, answerMsSum: 10_000, answerCount: 1, refusalsByReason: { price: 2, other: 1 } }, { qaScore: 70 }),
    op('cat')
  ])
  t.match(totals, { offered: 20, missed: 10, missedPct: 50, avgAnswerMs: 1900, refusalsByReason: { price: 3, other: 1 }, avgQaScore: 80 })
})

t.test('removed operators show only when the period has something of theirs', async (t) => {
  const { rows } = efficiencyTable([op('gone', {}, { removed: true }), op('left', { answered: 1 }, { removed: true }), op('here')])
  t.same(rows.map((r) => r.operatorId), ['left', 'here'])
})

t.test('sorts by any column, nulls last, ties by name', async (t) => {
  const { rows } = efficiencyTable([op('b', { deals: 2 }, { qaScore: 50 }), op('a', { deals: 2 }), op('c', { deals: 5 }, { qaScore: 90 })])
  t.same(sortRows(rows, 'deals', 'desc').map((r) => r.operatorId), ['c', 'a', 'b'])
  t.same(sortRows(rows, 'deals', 'asc').map((r) => r.operatorId), ['a', 'b', 'c'])
  t.same(sortRows(rows, 'avgQaScore', 'asc').map((r) => r.operatorId), ['b', 'c', 'a'])
  t.same(sortRows(rows, 'avgQaScore', 'desc').map((r) => r.operatorId), ['c', 'b', 'a'])
  t.same(sortRows(rows, 'name', 'asc').map((r) => r.operatorId), ['a', 'b', 'c'])
})

t.test('an operator sees their own row whole and only answered and deals of the others', async (t) => {
  const { rows } = efficiencyTable([op('ana', { answered: 3, missed: 1, deals: 1, revenue: 500 }), op('ben', { answered: 4, missed: 2, deals: 2, revenue: 900 })])
  const seen = leaderboardFor(rows, 'ana')
  t.match(seen[0], { operatorId: 'ana', missed: 1, revenue: 500 })
  t.match(seen[1], { operatorId: 'ben', answered: 4, deals: 2, missed: null, revenue: null, refusalsByReason: null })
})

t.test('funnel: merges calls and leads by key, names the empty key, and converts at each step', async (t) => {
  const rows = funnelRows([
    { key: 'ads', calls: 10, leads: 0, deals: 0, revenue: 0 },
    { key: 'ads', calls: 0, leads: 5, deals: 2, revenue: 3000 },
    { key: null, calls: 4, leads: 0, deals: 0, revenue: 0 },
    { key: 'site', calls: 0, leads: 3, deals: 0, revenue: 0 }
  ])
  t.same(rows, [
    { key: 'ads', calls: 10, leads: 5, deals: 2, revenue: 3000, callToLeadPct: 50, leadToDealPct: 40 },
    { key: '(none)', calls: 4, leads: 0, deals: 0, revenue: 0, callToLeadPct: 0, leadToDealPct: 0 },
    { key: 'site', calls: 0, leads: 3, deals: 0, revenue: 0, callToLeadPct: 0, leadToDealPct: 0 }
  ])
})

t.test('a period counts from the start of the local day, week or month until now', async (t) => {
  const now = Date.parse('2026-11-25T08:30:00Z') // Wednesday, 11:30 in Moscow
  const zone = 'Europe/Moscow'
  t.same(reportRange({ period: 'day' }, now, zone), { ok: true, range: { fromMs: Date.parse('2026-11-24T21:00:00Z'), toMs: now } })
  t.same(reportRange({ period: 'week' }, now, zone), { ok: true, range: { fromMs: Date.parse('2026-11-22T21:00:00Z'), toMs: now } })
  t.same(reportRange({ period: 'month' }, now, zone), { ok: true, range: { fromMs: Date.parse('2026-10-31T21:00:00Z'), toMs: now } })
  t.same(reportRange({}, now, zone), reportRange({ period: 'day' }, now, zone))
  t.same(reportRange({ from: 1, to: 5 }, now, zone), { ok: true, range: { fromMs: 1, toMs: 5 } })
})

t.test('a range is refused when from/to are half given, reversed, mixed with period or too long', async (t) => {
  t.match(reportRange({ from: 5 }, 0, 'UTC'), { ok: false, field: 'to' })
  t.match(reportRange({ from: 5, to: 5 }, 0, 'UTC'), { ok: false, field: 'to' })
  t.match(reportRange({ from: 1, to: 5, period: 'day' }, 0, 'UTC'), { ok: false, field: 'period' })
  t.match(reportRange({ from: 0, to: 401 * 86_400_000 }, 0, 'UTC'), { ok: false, problem: /at most/ })
})

t.test('counts the local calendar days a range touches', async (t) => {
  const d = Date.parse('2026-11-01T00:00:00Z')
  t.equal(daysTouched({ fromMs: d, toMs: d + 86_400_000 }, 'UTC'), 1)
  t.equal(daysTouched({ fromMs: d, toMs: d + 86_400_000 + 1 }, 'UTC'), 2)
  t.equal(daysTouched({ fromMs: d, toMs: Date.parse('2026-12-01T00:00:00Z') }, 'UTC'), 30)
  t.equal(daysTouched({ fromMs: d, toMs: d + 3_600_000 }, 'Europe/Moscow'), 1)
})

t.test('digest problem zones name misses, overdue leads, low QA and silent sources', async (t) => {
  const { rows } = efficiencyTable([
    op('ana', { answered: 2, missed: 5 }, { qaScore: 40 }),
    op('ben', { answered: 20, missed: 3 }, { qaScore: 95 })
  ])
  const problems = problemZones({
    rows,
    overdue: new Map([['ben', 2], [null, 1]]),
    sources: [{ source: 'yandex', recent: 0, before: 30 }, { source: 'site', recent: 4, before: 30 }, { source: 'rare', recent: 0, before: 2 }]
  }, { missedAlertCount: 3, missedAlertPct: 20, qaAlertScore: 60, silentSourceMinCalls: 7, silentSourceHours: 24 })
  t.same(problems.map((p) => [p.kind, p.subject]), [
    ['misses', 'ANA'], ['overdue', 'BEN'], ['overdue', 'nobody'], ['low_qa', 'ANA'], ['silent_source', 'yandex']
  ])
  t.match(problems[0]!.text, 'ANA missed 5 of 7 calls offered (71.4%)')
})

t.test('a range splits into settled whole local days and the rest, covering it exactly once', async (t) => {
  const zone = 'Europe/Moscow'
  const at = (iso: string): number => Date.parse(iso)
  const range = { fromMs: at('2026-11-01T09:00:00+03:00'), toMs: at('2026-11-05T12:00:00+03:00') }
  const now = range.toMs
  const day = (d: number) => ({ fromMs: at(`2026-11-0${d}T00:00:00+03:00`), toMs: at(`2026-11-0${d + 1}T00:00:00+03:00`) })
  // 4 November ended 12 hours before now: settled when calls settle within 6 hours, not within 13.
  t.same(splitSettledDays(range, now, zone, 6 * 3_600_000), {
    days: [day(2), day(3), day(4)],
    rest: [{ fromMs: range.fromMs, toMs: day(2).fromMs }, { fromMs: day(5).fromMs, toMs: range.toMs }]
  })
  t.same(splitSettledDays(range, now, zone, 13 * 3_600_000), {
    days: [day(2), day(3)],
    rest: [{ fromMs: range.fromMs, toMs: day(2).fromMs }, { fromMs: day(4).fromMs, toMs: range.toMs }]
  })
  const inside = { fromMs: at('2026-11-03T10:00:00+03:00'), toMs: at('2026-11-03T11:00:00+03:00') }
  t.same(splitSettledDays(inside, now, zone, 0), { days: [], rest: [inside] })
})
