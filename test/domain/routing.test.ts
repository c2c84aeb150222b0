import t from 'tap'
import { plan, mergePolicy, operatorLoad, type OperatorSnapshot, type RoutingPolicy, type CallFacts } from '../../src/domain/routing.js'

const now = 1_800_000_000_000
const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true,
  ringAllStep: false, managerLast: true, maxAttempts: 6, efficiencyWeight: 0.5
}
const op = (operatorId: string, o: Partial<OperatorSnapshot> = {}): OperatorSnapshot => ({
  operatorId, endpoint: `PJSIP/${operatorId}`, isManager: false, skills: {}, state: 'available', stateReason: 'free',
  idleSinceMs: now - 60_000, today: { currentCalls: 0, answeredCalls: 0, talkMs: 0, deals: 0 }, ...o
})
const call = (o: Partial<CallFacts> = {}): CallFacts => ({ categoryId: null, stickyOperatorId: null, lastCallAtMs: null, ...o })
const order = (p: ReturnType<typeof plan>): string[] => p.steps.map((s) => `${s.kind}:${s.targets.map((x) => x.operatorId).join('+')}`)

t.test('rings the returning customer\'s operator first, then specialists, then anyone, then the manager', async (t) => {
  const ops = [
    op('ana', { skills: { dishwashers: 3 } }),
    op('ben', { skills: { dishwashers: 5 } }),
    op('cat'),
    op('dir', { isManager: true })
  ]
  const p = plan(call({ categoryId: 'dishwashers', stickyOperatorId: 'cat', lastCallAtMs: now - 3 * 86_400_000 }), ops, policy, now)
  t.same(order(p), ['sticky:cat', 'specialist:ben', 'specialist:ana', 'manager:dir'])
  t.match(p.steps[0]!.reasons[0], /cat: served this customer 3 days ago/)
  t.match(p.steps[1]!.reasons[0], /specialist for dishwashers \(level 5\)/)
  t.equal(p.steps[0]!.ringTimeoutSeconds, 20)
})

t.test('skips busy, paused, ringing, wrap-up and unregistered operators and says why', async (t) => {
  const ops = [
    op('ana', { state: 'talking', stateReason: 'on a call' }),
    op('ben', { state: 'paused', stateReason: 'paused' }),
    op('cat', { state: 'ringing', stateReason: 'ringing' }),
    op('dan', { state: 'wrap_up', stateReason: 'in wrap-up for 5 s more' }),
    op('eve', { state: 'unregistered', stateReason: 'phone not registered' }),
    op('fay')
  ]
  const p = plan(call(), ops, policy, now)
  t.same(order(p), ['any:fay'])
  t.same(p.skipped, [
    { reason: 'on a call', operatorIds: ['ana'] }, { reason: 'paused', operatorIds: ['ben'] },
    { reason: 'ringing', operatorIds: ['cat'] }, { reason: 'in wrap-up for 5 s more', operatorIds: ['dan'] },
    { reason: 'phone not registered', operatorIds: ['eve'] }
  ])
  t.ok(p.reasons.includes('no manager configured'))
})

t.test('does not prefer a last operator who is busy, or one from too long ago', async (t) => {
  const busy = plan(call({ stickyOperatorId: 'ana', lastCallAtMs: now - 1000 }), [op('ana', { state: 'talking', stateReason: 'on a call' }), op('ben')], policy, now)
  t.same(order(busy), ['any:ben'])
  t.ok(busy.reasons.includes('last operator ana not rung first: on a call'))
  const old = plan(call({ stickyOperatorId: 'ana', lastCallAtMs: now - 91 * 86_400_000 }), [op('ana'), op('ben', { idleSinceMs: now - 10 })], policy, now)
  t.same(order(old), ['any:ana', 'any:ben'])
  t.match(old.reasons[0], /over 90 days ago/)
})

t.test('sends the call to the least loaded operator, counting talk time and conversion', async (t) => {
  const ops = [
    op('ana', { today: { currentCalls: 0, answeredCalls: 4, talkMs: 0, deals: 0 } }),
    op('ben', { today: { currentCalls: 0, answeredCalls: 2, talkMs: 12 * 60_000, deals: 0 } }), // load 2 + 4 = 6
    op('cat', { today: { currentCalls: 0, answeredCalls: 3, talkMs: 0, deals: 3 } }) // 3 + 0.5*1*10 = 8
  ]
  t.same(order(plan(call(), ops, policy, now)), ['any:ana', 'any:ben', 'any:cat'])
  t.same(order(plan(call(), ops, { ...policy, efficiencyWeight: 0 }, now)), ['any:cat', 'any:ana', 'any:ben'])
  t.equal(operatorLoad(ops[2]!, 0.5), 8)
})

t.test('breaks ties deterministically, longest idle first, then by id', async (t) => {
  const ops = [op('b', { idleSinceMs: now - 10_000 }), op('a', { idleSinceMs: now - 10_000 }), op('c', { idleSinceMs: now - 90_000 })]
  const first = order(plan(call(), ops, policy, now))
  t.same(first, ['any:c', 'any:a', 'any:b'])
  t.same(order(plan(call(), [...ops].reverse(), policy, now)), first)
})

t.test('adds a ring-all step of every free operator before the manager when the policy asks', async (t) => {
  const ops = [op('a'), op('b'), op('m', { isManager: true })]
  const p = plan(call(), ops, { ...policy, ringAllStep: true, anyOperatorStep: false }, now)
  t.same(order(p), ['ring_all:a+b', 'manager:m'])
})

t.test('keeps within the attempt budget, reserving the last step for the manager', async (t) => {
  const ops = [...Array.from({ length: 10 }, (_, i) => op(`o${i}`, { idleSinceMs: now - i })), op('m', { isManager: true })]
  const p = plan(call(), ops, { ...policy, maxAttempts: 3 }, now)
  t.equal(p.steps.length, 3)
  t.equal(p.steps[2]!.kind, 'manager')
  t.ok(p.reasons.some((r) => r.startsWith('8 more free operators not planned')))
})

t.test('says nobody is free when nobody is', async (t) => {
  const p = plan(call(), [op('m', { isManager: true, state: 'talking', stateReason: 'on a call' })], policy, now)
  t.same(p.steps, [])
  t.ok(p.reasons.includes('no manager free'))
  t.ok(p.reasons.includes('nobody free to ring'))
})

t.test('does not ring a manager twice when the manager is also the customer\'s operator', async (t) => {
  const p = plan(call({ stickyOperatorId: 'm', lastCallAtMs: now }), [op('m', { isManager: true }), op('a')], policy, now)
  t.same(order(p), ['sticky:m', 'any:a'])
})

t.test('overlays per-number and per-category policies on the defaults', async (t) => {
  t.same(mergePolicy(policy, null, { ringTimeoutSeconds: 10 }, { ringAllStep: true }), { ...policy, ringTimeoutSeconds: 10, ringAllStep: true })
})
