// The wallboard's grades as the feed carries them: each figure overall and per category, and the
// longest wait as the grades it takes on as time passes.
import t from 'tap'
import { boardGrades, gradeAt, waitGradeSteps } from '../../src/domain/board-grades.js'
import { grade } from '../../src/domain/service-level.js'

const thresholds = { serviceLevel: { warn: 80, alarm: 60 }, longestWaitMs: { warn: 60_000, alarm: 120_000 }, waiting: { warn: 1, alarm: 2 } }

t.test('the longest wait turns amber just past the warning and red just past the alarm, as grade() says at every moment', async (t) => {
  const steps = waitGradeSteps(10_000, thresholds.longestWaitMs)
  t.same(steps, [{ fromMs: 10_000, grade: 'ok' }, { fromMs: 70_001, grade: 'warn' }, { fromMs: 130_001, grade: 'alarm' }])
  for (const nowMs of [0, 10_000, 70_000, 70_001, 100_000, 130_000, 130_001, 500_000]) {
    t.equal(gradeAt(steps, nowMs), grade(Math.max(0, nowMs - 10_000), thresholds.longestWaitMs, true), `at ${nowMs}`)
  }
  t.same(waitGradeSteps(null, thresholds.longestWaitMs), [{ fromMs: 0, grade: 'ok' }], 'nobody waits: always ok')
  t.same(waitGradeSteps(0, { warn: 5000, alarm: 5000 }), [{ fromMs: 0, grade: 'ok' }, { fromMs: 5001, grade: 'alarm' }], 'warning and alarm at once')
})

t.test('grades overall, per category with figures, and for a quiet category', async (t) => {
  const line = [{ arrivedAt: 1000, categoryId: 'ovens' }, { arrivedAt: 2000, categoryId: 'ovens' }, { arrivedAt: 500, categoryId: null }]
  const g = boardGrades(line, { pct: 70, offered: 10, byCategory: { ovens: { pct: 90, offered: 5 }, sinks: { pct: 50, offered: 2 } } }, thresholds)
  t.match(g.all, { serviceLevel: 'warn', waiting: 'alarm' })
  t.equal(g.all.longestWait[0]!.fromMs, 500, 'the oldest caller of all')
  t.match(g.byCategory.ovens, { serviceLevel: 'ok', waiting: 'warn' })
  t.equal(g.byCategory.ovens!.longestWait[0]!.fromMs, 1000, 'the oldest oven caller')
  t.match(g.byCategory.sinks, { serviceLevel: 'alarm', waiting: 'ok', longestWait: [{ fromMs: 0, grade: 'ok' }] })
  t.same(Object.keys(g.byCategory), ['ovens', 'sinks'])
  t.same(g.quiet, { serviceLevel: 'ok', waiting: 'ok', longestWait: [{ fromMs: 0, grade: 'ok' }] })
})
