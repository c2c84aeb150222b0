import t from 'tap'
import type { OperatorSnapshot, RoutingPolicy } from '../../src/domain/routing.js'
import { expectedWaitMinutes, fits, freeOperatorFor, insertionIndex, pickCallFor, positionOf, servedBefore, shouldWait, type WaitingCall } from '../../src/domain/wait-queue.js'

const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true, ringAllStep: false,
  managerLast: true, maxAttempts: 6, efficiencyWeight: 0
}
const specialistsOnly: RoutingPolicy = { ...policy, anyOperatorStep: false }
const op = (operatorId: string, o: Partial<OperatorSnapshot> = {}): OperatorSnapshot => ({
  operatorId, endpoint: `PJSIP/${operatorId}`, isManager: false, skills: {}, state: 'available', stateReason: 'free',
  idleSinceMs: 0, today: { currentCalls: 0, answeredCalls: 0, talkMs: 0, deals: 0 }, ...o
})
const call = (callId: string, arrivedAtMs: number, o: Partial<WaitingCall> = {}): WaitingCall => ({
  callId, arrivedAtMs, returning: false, categoryId: null, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set(), ...o
})
const inOrder = (calls: WaitingCall[], priorityReturning: boolean): string[] => {
  const ordered: WaitingCall[] = []
  for (const c of calls) ordered.splice(insertionIndex(ordered, c, { priorityReturning }), 0, c)
  return ordered.map((c) => c.callId)
}

t.test('first come, first served; returning customers first only when the policy says so', async (t) => {
  const calls = [call('c3', 300), call('c1', 100, { returning: false }), call('c4', 400, { returning: true }), call('c2', 200)]
  t.same(inOrder(calls, false), ['c1', 'c2', 'c3', 'c4'])
  t.same(inOrder(calls, true), ['c4', 'c1', 'c2', 'c3'])
  t.ok(servedBefore(call('a', 5), call('b', 5), { priorityReturning: false }), 'same moment: by id, so the order is stable')
})

t.test('an operator fits a waiting call when the call\'s plan would have rung them', async (t) => {
  const ovens = call('c', 0, { categoryId: 'ovens' })
  t.ok(fits(ovens, op('any'), policy), 'anyone, when plans have an "anyone" step')
  t.notOk(fits(ovens, op('any'), specialistsOnly), 'specialists only: not a generalist')
  t.ok(fits(ovens, op('spec', { skills: { ovens: 2 } }), specialistsOnly))
  t.ok(fits(call('c', 0, { categoryId: 'ovens', stickyOperatorId: 'own' }), op('own'), specialistsOnly), 'the customer\'s own operator always fits')
  t.ok(fits(ovens, op('boss', { isManager: true }), policy), 'the manager, when plans end with the manager')
  t.notOk(fits(ovens, op('boss', { isManager: true }), { ...policy, managerLast: false }))
  t.notOk(fits(call('c', 0, { triedOperatorIds: new Set(['any']) }), op('any'), policy), 'not one who already let it ring out')
  t.notOk(fits(call('c', 0, { onlyOperatorIds: ['ana'] }), op('ben'), policy), 'a caller who asked for Ana waits for Ana')
  t.ok(fits(call('c', 0, { onlyOperatorIds: ['ana'] }), op('ana'), specialistsOnly))
})

t.test('a freed operator takes the first waiting call they fit, skipping calls already being offered', async (t) => {
  const ordered = [call('c1', 1, { categoryId: 'ovens' }), call('c2', 2, { categoryId: 'fridges' }), call('c3', 3, { categoryId: 'fridges' })]
  const fridgeMan = op('f', { skills: { fridges: 1 } })
  t.equal(pickCallFor(fridgeMan, ordered, () => specialistsOnly, () => true)?.callId, 'c2')
  t.equal(pickCallFor(fridgeMan, ordered, () => specialistsOnly, (c) => c.callId !== 'c2')?.callId, 'c3')
  t.equal(pickCallFor(op('g'), ordered, () => policy, () => true)?.callId, 'c1')
  t.equal(pickCallFor(op('g', { state: 'wrap_up' }), ordered, () => policy, () => true), null, 'only a free operator')
  t.equal(pickCallFor(op('x', { skills: { kettles: 1 } }), ordered, () => specialistsOnly, () => true), null)
})

t.test('a caller waits only when someone who can take the call is busy, not when everyone is away', async (t) => {
  const c = call('c', 0, { categoryId: 'ovens' })
  t.same(shouldWait(c, [op('a', { state: 'talking' }), op('b', { state: 'paused' })], policy), { wait: true, reason: '1 operator who can take the call is busy' })
  t.same(shouldWait(c, [op('a', { state: 'wrap_up' }), op('b', { state: 'ringing' })], policy), { wait: true, reason: '2 operators who can take the call are busy' })
  t.same(shouldWait(c, [op('a', { state: 'paused' }), op('b', { state: 'unregistered' })], policy), { wait: false, reason: 'nobody who can take the call is at work' })
  t.same(shouldWait(c, [op('a', { state: 'talking', skills: { fridges: 1 } })], specialistsOnly), { wait: false, reason: 'nobody who can take the call is at work' }, 'the busy one could not take it anyway')
})

t.test('position and expected wait', async (t) => {
  t.equal(positionOf([call('a', 1), call('b', 2)], 'b'), 2)
  t.equal(positionOf([call('a', 1)], 'zz'), 0)
  t.equal(expectedWaitMinutes(1, 180_000, 3), 1)
  t.equal(expectedWaitMinutes(4, 180_000, 2), 6)
  t.equal(expectedWaitMinutes(2, 180_000, 0), 6, 'nobody serving counts as one')
})

t.test('an operator free now who may take the caller is found (idle longest first), so the caller is rung through, not put in the line', async (t) => {
  t.equal(freeOperatorFor(call('c1', 0), [op('a', { state: 'talking' }), op('b', { idleSinceMs: 500 }), op('c', { idleSinceMs: 100 })], policy)?.operatorId, 'c')
  t.equal(freeOperatorFor(call('c1', 0), [op('a', { state: 'talking' }), op('b', { state: 'wrap_up' })], policy), null)
  t.equal(freeOperatorFor(call('c1', 0, { triedOperatorIds: new Set(['c']) }), [op('c')], policy), null, 'not one already rung')
})
