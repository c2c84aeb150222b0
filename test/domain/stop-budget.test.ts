import t from 'tap'
import { stopBudget } from '../../src/domain/stop-budget.js'

t.test('a 30 s grace gives calls 25 s to end, 3 s to write hung-up outcomes and 2 s to close', async (t) => {
  t.same(stopBudget(30_000), { callsMs: 25_000, hangUpMs: 3_000, speechMs: 28_000, closeMs: 2_000 })
})

t.test('every part of a short grace period still fits inside it', async (t) => {
  for (const graceMs of [1_000, 5_000, 10_000, 120_000]) {
    const b = stopBudget(graceMs)
    t.equal(b.callsMs + b.hangUpMs + b.closeMs, graceMs, `${graceMs} ms: calls, hang-up and close add up to the grace`)
    t.ok(b.speechMs + b.closeMs <= graceMs && b.callsMs > 0 && b.hangUpMs > 0, `${graceMs} ms: every step has time`)
  }
})
