// An operator who knows a phone must not learn another operator's lead through intake or
// click-to-call: they get the lead only when it is theirs, otherwise what the public web form gets.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { createUser } from '../../src/accounts/user-service.js'
import { browser, logIn } from '../console/helpers.js'
import { anaId, bearer, leadsTestApp } from '../http/leads-helpers.js'

const password = 'Tundra-orange-4412-quill'
const benPhone = '+79991234567'

async function world (t: Test) {
  const w = await leadsTestApp()
  t.teardown(() => w.close())
  const benId = w.addOperator({ name: 'Ben' }, 'op_ben')
  // Ben's customer: a lead Ben owns, with a name and a message Ana must not read.
  const benLead = w.leads.intake({ channel: 'api', phone: benPhone, name: 'Secret Customer', message: 'wants a quote for 3 ovens', ownerId: benId, ownerReasons: ['test'] }, 'test').lead
  return { w, benId, benLead, ana: bearer(w.tokenFor('operator', anaId)), ben: bearer(w.tokenFor('operator', benId)) }
}

t.test('an operator token sending another operator\'s customer\'s phone gets a receipt, not the lead', async (t) => {
  const { w, benLead, ana, ben } = await world(t)
  const res = await w.app.inject({ method: 'POST', url: '/api/leads', headers: ana, payload: { phone: benPhone, message: 'hello' } })
  t.equal(res.statusCode, 202)
  t.same(res.json(), { accepted: true, message: 'request taken; its lead is not this operator\'s, so it is not shown' })
  t.notMatch(res.body, /Secret Customer|ovens|op_ben|lead_/, 'no name, message, owner or lead id')
  t.match(w.repo.get(benLead.leadId)!.message, /hello/, 'the request still reached the lead')
  // With an Idempotency-Key, the replay answers the same way.
  const keyed = { ...ana, 'idempotency-key': 'k1' }
  const first = await w.app.inject({ method: 'POST', url: '/api/leads', headers: keyed, payload: { phone: benPhone } })
  const replay = await w.app.inject({ method: 'POST', url: '/api/leads', headers: keyed, payload: { phone: benPhone } })
  t.same([first.statusCode, replay.statusCode], [202, 202])
  t.notMatch(replay.body, /Secret Customer/)
  // The owner, a supervisor and an admin see the lead.
  const own = await w.app.inject({ method: 'POST', url: '/api/leads', headers: ben, payload: { phone: benPhone } })
  t.equal(own.statusCode, 200)
  t.equal(own.json().lead.name, 'Secret Customer')
  const sup = await w.app.inject({ method: 'POST', url: '/api/leads', headers: bearer(w.tokenFor('supervisor')), payload: { phone: benPhone } })
  t.equal(sup.json().lead.leadId, benLead.leadId)
})

t.test('a new lead given to another operator is not shown to the operator who sent it either; their own is', async (t) => {
  const { w, ana, ben } = await world(t)
  // Every new lead goes to Ana in these tests.
  const toAna = await w.app.inject({ method: 'POST', url: '/api/leads', headers: ana, payload: { phone: '+79990000001', name: 'New' } })
  t.equal(toAna.statusCode, 201)
  t.equal(toAna.json().lead.ownerId, anaId)
  const fromBen = await w.app.inject({ method: 'POST', url: '/api/leads', headers: ben, payload: { phone: '+79990000002', name: 'Other' } })
  t.equal(fromBen.statusCode, 202, 'created for Ana: Ben gets the receipt, which does not say whether it was new')
  t.notMatch(fromBen.body, /Other|op_ana/)
})

t.test('the same holds for an operator\'s console session', async (t) => {
  const { w } = await world(t)
  await createUser(w.db, { username: 'ana', password, role: 'operator', operatorId: anaId }, w.clock.ms)
  const b = browser(w.app as unknown as FastifyInstance)
  t.equal((await logIn(b, 'ana', password)).status, 302)
  const res = await b.api('POST', '/api/leads', { phone: benPhone })
  t.equal(res.status, 202)
  t.notMatch(JSON.stringify(res.json), /Secret Customer/)
})

t.test('click-to-call about another operator\'s lead or customer is refused for an operator', async (t) => {
  const { w, benLead, ana, ben } = await world(t)
  const call = (headers: Record<string, string>, payload: object) => w.app.inject({ method: 'POST', url: '/api/calls/outbound', headers, payload })
  const byLead = await call(ana, { phone: benPhone, leadId: benLead.leadId })
  t.equal(byLead.statusCode, 403)
  t.match(byLead.json().message, /lead .* needs role supervisor or admin/)
  const byCustomer = await call(ana, { phone: benPhone, customerId: benLead.customerId })
  t.equal(byCustomer.statusCode, 403)
  t.match(byCustomer.json().message, /customer .* needs role supervisor or admin/)
  t.equal((await call(ana, { phone: benPhone, customerId: 'cus_nobody' })).statusCode, 404)
  // Past the ownership checks, this app has no call center: 503 means the request was allowed.
  t.equal((await call(ben, { phone: benPhone, leadId: benLead.leadId, customerId: benLead.customerId })).statusCode, 503, 'the owner may')
  t.equal((await call(bearer(w.tokenFor('supervisor')), { phone: benPhone, leadId: benLead.leadId, operatorId: anaId })).statusCode, 503, 'a supervisor may')
})
