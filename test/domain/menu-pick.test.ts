// How a voice-menu pick of an operator or a group changes the routing plan.
import t from 'tap'
import { applyMenuPick, plan, type OperatorSnapshot, type RoutingPolicy } from '../../src/domain/routing.js'

const now = 1_800_000_000_000
const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true,
  ringAllStep: false, managerLast: true, maxAttempts: 6, efficiencyWeight: 0.5
}
const op = (operatorId: string, o: Partial<OperatorSnapshot> = {}): OperatorSnapshot => ({
  operatorId, endpoint: `PJSIP/${operatorId}`, isManager: false, skills: {}, state: 'available', stateReason: 'free',
  idleSinceMs: now - 60_000, today: { currentCalls: 0, answeredCalls: 0, talkMs: 0, deals: 0 }, ...o
})
const order = (p: ReturnType<typeof plan>): string[] => p.steps.map((s) => `${s.kind}:${s.targets.map((x) => x.operatorId).join('+')}`)
const ops = [op('ana'), op('ben', { idleSinceMs: now - 120_000 }), op('cat', { state: 'talking', stateReason: 'on a call' }), op('dir', { isManager: true })]
const usual = plan({ categoryId: null, stickyOperatorId: null, lastCallAtMs: null }, ops, policy, now)

t.test('the operator picked in the menu rings first and is not rung again later', async (t) => {
  t.same(order(usual), ['any:ben', 'any:ana', 'manager:dir'])
  const p = applyMenuPick(usual, { kind: 'operator', operatorId: 'ana' }, ops, 15)
  t.same(order(p), ['menu:ana', 'any:ben', 'manager:dir'])
  t.same(p.steps[0], { kind: 'menu', targets: [{ operatorId: 'ana', endpoint: 'PJSIP/ana' }], ringTimeoutSeconds: 15, reasons: ['chosen in the voice menu: ana'] })
  t.same(p.reasons, usual.reasons)
})

t.test('the free members of a picked group ring together; busy members are left out', async (t) => {
  const p = applyMenuPick(usual, { kind: 'group', operatorIds: ['cat', 'ana', 'dir'] }, ops, 20)
  t.same(order(p), ['menu:ana+dir', 'any:ben'], 'the manager\'s own step is gone: he rings with the group')
  t.same(p.steps[0]!.reasons, ['chosen in the voice menu: cat+ana+dir'])
})

t.test('when nobody picked is free the usual plan stands and says why first', async (t) => {
  const p = applyMenuPick(usual, { kind: 'operator', operatorId: 'cat' }, ops, 20)
  t.same(p.steps, usual.steps)
  t.equal(p.reasons[0], 'chosen in the voice menu: cat, but none of them is free: the usual plan')
  t.same(p.reasons.slice(1), usual.reasons)
})

t.test('an operator no longer on the board counts as not free', async (t) => {
  const p = applyMenuPick(usual, { kind: 'operator', operatorId: 'gone' }, ops, 20)
  t.same(order(p), order(usual))
  t.match(p.reasons[0], /gone, but none of them is free/)
})

t.test('the plan it was given is left as it was', async (t) => {
  const before = JSON.stringify(usual)
  applyMenuPick(usual, { kind: 'group', operatorIds: ['ana', 'ben'] }, ops, 20)
  t.equal(JSON.stringify(usual), before)
})
