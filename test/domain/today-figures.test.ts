import t from 'tap'
import { addEndedCall, noCalls, OpenLeads, shopDay, statsOf } from '../../src/domain/today-figures.js'

t.test('counts a lead as overdue once its deadline has passed, and not once it closed or got a later deadline', async (t) => {
  const open = new OpenLeads()
  open.set('a', 100)
  open.set('b', 200)
  open.set('c', null)
  t.equal(open.overdueAt(100), 0, 'a deadline is passed only after it')
  t.equal(open.overdueAt(150), 1)
  open.set('a', 300)
  t.equal(open.overdueAt(250), 1, 'a has a new deadline; b has passed')
  open.close('b')
  t.equal(open.overdueAt(250), 0)
  t.equal(open.overdueAt(301), 1)
  t.equal(open.open, 2)
})

t.test('today counts inbound calls started since midnight: missed and abandoned together, the average answer time rounded', async (t) => {
  const totals = noCalls()
  const day = 1000
  addEndedCall(totals, { direction: 'inbound', status: 'answered', startedAt: 1000, answeredAt: 1003 }, day)
  addEndedCall(totals, { direction: 'inbound', status: 'answered', startedAt: 1000, answeredAt: 1004 }, day)
  addEndedCall(totals, { direction: 'inbound', status: 'abandoned', startedAt: 1500, answeredAt: null }, day)
  addEndedCall(totals, { direction: 'inbound', status: 'answered', startedAt: 999, answeredAt: 1010 }, day)
  addEndedCall(totals, { direction: 'outbound', status: 'answered', startedAt: 2000, answeredAt: 2001 }, day)
  t.same(statsOf(totals, { open: 1, overdue: 0, deals: 2 }, { pct: null, offered: 0, byCategory: {} }), { answered: 2, missed: 1, missedPct: 33.3, avgAnswerMs: 4, openLeads: 1, overdueLeads: 0, deals: 2, serviceLevel: { pct: null, offered: 0, byCategory: {} } })
})

t.test('the shop\'s day runs from its own midnight, 23 hours long when the clocks go forward', async (t) => {
  const d = shopDay(Date.UTC(2026, 2, 29, 12, 0, 0), 'Europe/Berlin')
  t.equal(d.startMs, Date.UTC(2026, 2, 28, 23, 0, 0))
  t.equal(d.nextStartMs - d.startMs, 23 * 3_600_000)
})
