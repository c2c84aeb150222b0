import t from 'tap'
import { stopBudget } from '../../src/domain/stop-budget.js'

t.test('a 30 s grace gives calls 22 s to end, 5 s to write hung-up outcomes, 2 s to close and 1 s to exit', async (t) => {
  t.same(stopBudget(30_000), { callsMs: 22_000, hangUpMs: 5_000, speechMs: 27_000, closeMs: 2_000, exitMs: 1_000 })
})

t.test('every part of a short grace period still fits inside it', async (t) => {
  for (const graceMs of [1_000, 5_000, 10_000, 120_000]) {
    const b = stopBudget(graceMs)
    t.equal(b.callsMs + b.hangUpMs + b.closeMs + b.exitMs, graceMs, `${graceMs} ms: calls, hang-up, close and exit add up to the grace`)
    t.ok(b.speechMs + b.closeMs + b.exitMs <= graceMs && b.callsMs > 0 && b.hangUpMs > 0, `${graceMs} ms: every step has time`)
  }
})

t.test('the synthetic calls of the demo are hung up at once, within the same grace period', async (t) => {
  const b = stopBudget(30_000, true)
  t.same(b, { callsMs: 0, hangUpMs: 5_000, speechMs: 5_000, closeMs: 2_000, exitMs: 1_000 })
  t.ok(b.hangUpMs + b.closeMs + b.exitMs <= 30_000)
})
