import t from 'tap'
import { chooseEscalationCallee, type LadderPerson } from '../../src/domain/escalation-callee.js'

const person = (operatorId: string, o: Partial<LadderPerson> = {}): LadderPerson =>
  ({ operatorId, endpoint: `PJSIP/${operatorId}`, mobile: null, state: 'available', ...o })
const mobiles = 'PJSIP/{number}@carrier'

t.test('the owner call rings the owner on their phone', async (t) => {
  t.same(chooseEscalationCallee('owner_call', person('ana', { state: 'talking' }), [person('boss')], mobiles),
    { kind: 'call', operatorId: 'ana', dialString: 'PJSIP/ana', reasons: ['ana: owns the lead'] })
})

t.test('a lead without an owner is skipped, with the problem named', async (t) => {
  t.match(chooseEscalationCallee('owner_call', undefined, [person('boss')], mobiles), { kind: 'skip', problem: 'the lead has no owner' })
})

t.test('the manager call rings the first free manager and says why the others were passed over', async (t) => {
  const d = chooseEscalationCallee('manager_call', undefined, [person('m1', { state: 'talking' }), person('m2'), person('m3')], mobiles)
  t.same(d, { kind: 'call', operatorId: 'm2', dialString: 'PJSIP/m2', reasons: ['m1: talking', 'm2: free manager'] })
})

t.test('with no manager free, the first manager is rung', async (t) => {
  const d = chooseEscalationCallee('manager_call', undefined, [person('m1', { state: 'paused' }), person('m2', { state: undefined })], mobiles)
  t.same(d, { kind: 'call', operatorId: 'm1', dialString: 'PJSIP/m1', reasons: ['m1: paused', 'm2: not on the board', 'm1: no manager free, the first one'] })
})

t.test('no manager configured: skipped', async (t) => {
  t.match(chooseEscalationCallee('manager_call', person('ana'), [], mobiles), { kind: 'skip', problem: 'no manager configured' })
})

t.test('an unregistered phone is reached on the mobile through the trunk, without the plus', async (t) => {
  const d = chooseEscalationCallee('owner_call', person('ana', { state: 'unregistered', mobile: '+79161234567' }), [], mobiles)
  t.match(d, { kind: 'call', operatorId: 'ana', dialString: 'PJSIP/79161234567@carrier' })
  t.match(d.reasons, ['ana: owns the lead', 'ana: phone not registered, calling the mobile'])
})

t.test('the SIP phone stays the choice without a mobile, without a mobile dial string, or when registered', async (t) => {
  t.match(chooseEscalationCallee('owner_call', person('ana', { state: 'unregistered' }), [], mobiles), { dialString: 'PJSIP/ana' })
  t.match(chooseEscalationCallee('owner_call', person('ana', { state: 'unregistered', mobile: '+7916' }), [], ''), { dialString: 'PJSIP/ana' })
  t.match(chooseEscalationCallee('owner_call', person('ana', { state: 'talking', mobile: '+7916' }), [], mobiles), { dialString: 'PJSIP/ana' })
})
