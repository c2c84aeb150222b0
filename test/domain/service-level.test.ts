// Service level, longest wait and threshold grades as pure arithmetic on given times.
import t from 'tap'
import { addToServiceLevel, grade, longestWaitMs, noServiceLevel, serviceLevelFromGroups, serviceLevelView } from '../../src/domain/service-level.js'

const day = Date.UTC(2026, 0, 5, 21, 0, 0) // midnight in Moscow
const within = 20_000
const call = (o: { status?: string; startedAt?: number; answerAfterMs?: number | null; categoryId?: string | null; direction?: string }) => {
  const startedAt = o.startedAt ?? day + 3_600_000
  const answerAfter = o.answerAfterMs === undefined ? 5_000 : o.answerAfterMs
  return { direction: o.direction ?? 'inbound', status: o.status ?? 'answered', startedAt, answeredAt: answerAfter === null ? null : startedAt + answerAfter, categoryId: o.categoryId ?? null }
}

t.test('the share of today\'s inbound calls answered within the seconds set, overall and per category', async (t) => {
  const sl = noServiceLevel()
  t.same(serviceLevelView(sl), { pct: null, offered: 0, byCategory: {} }, 'no call yet: no figure, not 0 % or 100 %')
  addToServiceLevel(sl, call({ answerAfterMs: 5_000, categoryId: 'ovens' }), day, within)
  addToServiceLevel(sl, call({ answerAfterMs: 20_000, categoryId: 'ovens' }), day, within) // exactly at the limit counts
  addToServiceLevel(sl, call({ answerAfterMs: 20_001, categoryId: 'ovens' }), day, within)
  addToServiceLevel(sl, call({ status: 'abandoned', answerAfterMs: null, categoryId: 'fridges' }), day, within)
  addToServiceLevel(sl, call({ status: 'missed', answerAfterMs: null }), day, within)
  addToServiceLevel(sl, call({ answerAfterMs: 1_000 }), day, within)
  addToServiceLevel(sl, call({ startedAt: day - 1, answerAfterMs: 1_000 }), day, within) // yesterday
  addToServiceLevel(sl, call({ direction: 'outbound', answerAfterMs: 1_000 }), day, within)
  addToServiceLevel(sl, call({ status: 'callback', answerAfterMs: null }), day, within)
  addToServiceLevel(sl, call({ answerAfterMs: null }), day, within) // answered, no answer time: not in time
  t.same(serviceLevelView(sl), {
    pct: 42.9, // 3 of 7
    offered: 7,
    byCategory: { ovens: { pct: 66.7, offered: 3 }, fridges: { pct: 0, offered: 1 } }
  })
})

t.test('the database\'s groups give the same totals as the events', async (t) => {
  const sl = serviceLevelFromGroups([{ categoryId: 'ovens', offered: 3, inTime: 2 }, { categoryId: null, offered: 2, inTime: 1 }])
  t.same(serviceLevelView(sl), { pct: 60, offered: 5, byCategory: { ovens: { pct: 66.7, offered: 3 } } })
})

t.test('the longest current wait grows with the clock and follows the line, per category too', async (t) => {
  let now = day + 10_000
  const line = [{ arrivedAt: day + 4_000, categoryId: 'ovens' }, { arrivedAt: day + 1_000, categoryId: 'fridges' }, { arrivedAt: day + 8_000, categoryId: 'ovens' }]
  t.equal(longestWaitMs([], now), null, 'nobody waits')
  t.equal(longestWaitMs(line, now), 9_000, 'the fridge caller came first, though not first in line')
  t.equal(longestWaitMs(line, now, 'ovens'), 6_000)
  t.equal(longestWaitMs(line, now, 'kettles'), null)
  now += 60_000
  t.equal(longestWaitMs(line, now), 69_000, 'a minute later')
  t.equal(longestWaitMs(line.slice(2), now), 62_000, 'the first two were answered')
  t.equal(longestWaitMs(line, day), 0, 'a clock behind an arrival never shows a negative wait')
})

t.test('a figure is graded against its warning and alarm thresholds, in the direction that is bad', async (t) => {
  const sl = { warn: 80, alarm: 60 }
  t.equal(grade(85, sl, false), 'ok')
  t.equal(grade(80, sl, false), 'ok', 'at the warning: still fine')
  t.equal(grade(79.9, sl, false), 'warn')
  t.equal(grade(59, sl, false), 'alarm')
  t.equal(grade(null, sl, false), 'ok', 'no calls yet: nothing to colour')
  const wait = { warn: 60_000, alarm: 120_000 }
  t.equal(grade(60_000, wait, true), 'ok')
  t.equal(grade(60_001, wait, true), 'warn')
  t.equal(grade(120_001, wait, true), 'alarm')
})
