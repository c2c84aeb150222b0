import t from 'tap'
import { checkStatusMatrix, decideTransition, defaultStatusMatrix as m, isOverdueInStatus } from '../../src/domain/lead-status.js'

t.test('allows the moves of the matrix and says which are a response and which close the lead', async (t) => {
  t.same(decideTransition(m, 'new', 'in_progress', {}), { ok: true, isResponse: true, closes: false })
  t.same(decideTransition(m, 'in_progress', 'deal', {}), { ok: true, isResponse: true, closes: true })
  t.same(decideTransition(m, 'deal', 'closed', {}), { ok: true, isResponse: false, closes: true })
})

t.test('refuses a move the matrix does not allow, naming both statuses', async (t) => {
  t.same(decideTransition(m, 'closed', 'new', {}), { ok: false, problem: 'lead cannot go from closed to new' })
  t.same(decideTransition(m, 'deal', 'in_progress', {}), { ok: false, problem: 'lead cannot go from deal to in_progress (allowed: closed)' })
  t.match(decideTransition(m, 'new', 'lost', {}), { ok: false, problem: /unknown status "lost"/ })
})

t.test('a refusal needs a known reason and a call-back needs a date', async (t) => {
  t.same(decideTransition(m, 'new', 'refused', {}), { ok: false, problem: 'status refused needs a reason' })
  t.match(decideTransition(m, 'new', 'refused', { reason: 'weather', refusalReasons: ['price'] }), { ok: false, problem: /"weather" is not one of price/ })
  t.match(decideTransition(m, 'new', 'refused', { reason: 'price', refusalReasons: ['price'] }), { ok: true })
  t.same(decideTransition(m, 'new', 'callback_scheduled', {}), { ok: false, problem: 'status callback_scheduled needs a follow-up date' })
})

t.test('flags a lead that sat in its status over the limit', async (t) => {
  t.equal(isOverdueInStatus(m, 'new', 0, 41 * 60_000), true)
  t.equal(isOverdueInStatus(m, 'new', 0, 39 * 60_000), false)
  t.equal(isOverdueInStatus(m, 'deal', 0, 1e12), false)
})

t.test('checks a configured matrix for unknown statuses', async (t) => {
  t.same(checkStatusMatrix(m), [])
  t.same(checkStatusMatrix({ initial: 'x', statuses: { a: { open: true } }, transitions: { a: ['b'] } }),
    ['initial status "x" is not a status', 'transition a → unknown status "b"', 'no closed status'])
})
