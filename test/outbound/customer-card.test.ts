import t from 'tap'
import { startWorld, until, type World } from '../helpers/world.js'
import { api, operatorToken, supervisorToken } from './helpers.js'

/** An inbound call the operator answers; the caller hangs up once they talk (and are recorded). */
const call = async (w: World, from: string, o: { callerName?: string } = {}) => {
  const ended = w.ended((e) => e.direction === 'inbound')
  const caller = w.sim.placeCall({ from, did: '74950000001', ...o })
  await w.talking(await w.callOf(caller.channelId))
  w.sim.hangup(caller.channelId)
  return await ended
}

/** An inbound call the caller gives up on while it rings: enough to know the customer. */
const missedCall = async (w: World, from: string, o: { callerName?: string } = {}) => {
  const ended = w.ended((e) => e.direction === 'inbound')
  const caller = w.sim.placeCall({ from, did: '74950000001', ...o })
  await w.callOf(caller.channelId)
  w.sim.hangup(caller.channelId)
  return await ended
}

t.test('the card: numbers, calls both ways with recordings, leads, usual operator, notes', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101', { name: 'Ana' })
  // The customer answers the call back and talks until the operator hangs up.
  w.sim.addEndpoint('+79031112233@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  const first = await call(w, '+79031112233', { callerName: 'Ivan Petrov' })
  t.equal(first.status, 'answered')
  const customerId = first.customerId!
  await until('Ana free again', () => w.daemon.board.view(ana)?.state === 'available')
  const out = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233', operatorId: ana })
  t.equal(res.status, 202)
  await w.talking(res.body.callId)
  w.hangUpPhone('101')
  t.equal((await out).customerId, customerId, 'the outbound call is the same customer')
  await until('lead from the inbound call', () => w.daemon.leadsRepo.byCall(first.callId) !== undefined)

  const card = await api(w, 'GET', `/api/customers/${customerId}`)
  t.equal(card.status, 200, JSON.stringify(card.body))
  t.equal(card.body.name, 'Ivan Petrov')
  t.same(card.body.phones.map((p: any) => p.phone), ['+79031112233'])
  t.same(card.body.calls.map((c: any) => c.direction).sort(), ['inbound', 'outbound'])
  t.equal(card.body.callsTotal, 2)
  for (const c of card.body.calls) t.equal(c.recordings.length, 2, `${c.direction} call has its recordings, one per party`)
  t.match(card.body.usualOperator, { operatorId: ana, name: 'Ana', answeredCalls: 2 })
  t.equal(card.body.leads.length, 1, 'the answered inbound call made a lead, the outbound one none')
  t.equal(card.body.deals, 0)

  const note = await api(w, 'POST', `/api/customers/${customerId}/notes`, { text: 'prefers evenings' })
  t.equal(note.status, 201)
  t.match(note.body, { text: 'prefers evenings', createdBy: /^token:/ })
  const edited = await api(w, 'PATCH', `/api/customers/${customerId}/notes/${note.body.noteId}`, { text: 'prefers evenings, after 19' })
  t.match(edited.body, { text: 'prefers evenings, after 19', updatedBy: /^token:/ })
  t.ok(edited.body.updatedAt >= edited.body.createdAt)

  const byPhone = await api(w, 'GET', `/api/customers?phone=${encodeURIComponent('8 (903) 111-22-33')}`)
  t.same(byPhone.body.customers.map((c: any) => c.customerId), [customerId], 'found by the number in any form')
  t.match(byPhone.body.customers[0].notes, [{ text: 'prefers evenings, after 19' }])
  const none = await api(w, 'GET', '/api/customers?phone=%2B79990000000')
  t.same(none.body.customers, [])
  const bad = await api(w, 'GET', '/api/customers?phone=nope')
  t.equal(bad.status, 400)
  t.match(bad.body.message, /"nope"/)
  t.equal((await api(w, 'GET', '/api/customers/cus_nope')).status, 404)
})

t.test('lookup by e-mail through the customer\'s leads', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const { lead } = w.daemon.leads.intake({ channel: 'form', phone: '+79034445566', email: 'Olga@Example.com', name: 'Olga' }, 'test')
  const found = await api(w, 'GET', '/api/customers?email=olga@example.com')
  t.equal(found.body.customers.length, 1)
  t.equal(found.body.customers[0].customerId, lead.customerId)
  t.same(found.body.customers[0].emails, ['olga@example.com'])
  t.equal(found.body.customers[0].name, 'Olga')
})

t.test('merge: either number is the same customer afterwards, history of both, merge recorded', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const a = await missedCall(w, '+79031110001', { callerName: 'Ivan' })
  const b = await missedCall(w, '+79031110002')
  t.not(a.customerId, b.customerId)
  const merged = await api(w, 'POST', `/api/customers/${a.customerId}/merge`, { customerId: b.customerId })
  t.equal(merged.status, 200, JSON.stringify(merged.body))
  t.same(merged.body.phones.map((p: any) => p.phone), ['+79031110001', '+79031110002'])
  t.equal(merged.body.calls.length, 2, 'history of both numbers')
  t.match(merged.body.merges, [{ mergedId: b.customerId, mergedPhone: '+79031110002', actor: /^token:/ }])

  const again = await missedCall(w, '+79031110002')
  t.equal(again.customerId, a.customerId, 'a call from the second number is the first customer')
  const card = await api(w, 'GET', `/api/customers/${b.customerId}`)
  t.equal(card.body.customerId, a.customerId, 'the merged id leads to the card it was merged into')
  t.equal(card.body.callsTotal, 3)
  const byPhone = await api(w, 'GET', '/api/customers?phone=%2B79031110002')
  t.equal(byPhone.body.customers[0].customerId, a.customerId)

  const twice = await api(w, 'POST', `/api/customers/${a.customerId}/merge`, { customerId: b.customerId })
  t.equal(twice.status, 409)
  t.match(twice.body.message, /already merged/)
  const self = await api(w, 'POST', `/api/customers/${a.customerId}/merge`, { customerId: a.customerId })
  t.equal(self.status, 400)
  const into = await api(w, 'POST', `/api/customers/${b.customerId}/merge`, { customerId: a.customerId })
  t.equal(into.status, 409)
  t.match(into.body.message, new RegExp(`merged into ${a.customerId}`))
  const unknown = await api(w, 'POST', `/api/customers/${a.customerId}/merge`, { customerId: 'cus_nope' })
  t.equal(unknown.status, 404)
})

t.test('the phone display shows the customer\'s name with earlier calls and deals; call.offered is emitted', async (t) => {
  // The phone rings until the caller gives up, so the display is read however loaded the machine is.
  const w = await startWorld({ routing: { ringTimeoutSeconds: 300 } })
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  const offered: any[] = []
  w.daemon.bus.on('call.offered', (e) => offered.push(e))
  const first = await call(w, '+79032220000', { callerName: 'Ivan' })
  await until('lead of the first call', () => w.daemon.leadsRepo.byCall(first.callId) !== undefined)
  const lead = w.daemon.leadsRepo.byCall(first.callId)!
  w.daemon.leads.changeStatus(lead.leadId, 'deal', { actor: 'test' })
  w.sim.setBehaviour('101', { kind: 'noanswer' })
  // The phone's state after the first call comes over AMI; ring it only once it is free again.
  await until('operator free again', () => w.daemon.board.view(ana)?.state === 'available')
  const ended = w.ended((e) => e.direction === 'inbound')
  const caller = w.sim.placeCall({ from: '+79032220000', did: '74950000001' })
  const ringing = () => w.sim.channels().find((c) => c.endpoint === '101' && c.state === 'Ringing')
  await until('Ana\'s phone rings', () => ringing() !== undefined)
  t.equal(ringing()!.caller.name, 'Ivan · 1 call 1 deal')
  w.sim.hangup(caller.channelId)
  await ended
  t.match(offered, [{ callId: first.callId, operatorId: ana, customerId: first.customerId, direction: 'inbound' }, { operatorId: ana }])
})

t.test('operators see only customers they served or own a lead of', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  const ben = w.addOperator('102', { inSim: false })
  const c = await call(w, '+79037770000')
  const anaToken = operatorToken(w, ana)
  const benToken = operatorToken(w, ben)
  t.equal((await api(w, 'GET', `/api/customers/${c.customerId}`, undefined, anaToken)).status, 200)
  const denied = await api(w, 'GET', `/api/customers/${c.customerId}`, undefined, benToken)
  t.equal(denied.status, 403)
  t.match(denied.body.message, /served or owns a lead of/)
  const hidden = await api(w, 'GET', '/api/customers?phone=%2B79037770000', undefined, benToken)
  t.same(hidden.body.customers, [], 'lookup does not reveal the customer')
  t.equal((await api(w, 'GET', `/api/customers/${c.customerId}`, undefined, supervisorToken(w))).status, 200)
  const note = await api(w, 'POST', `/api/customers/${c.customerId}/notes`, { text: 'hi' })
  const edit = await api(w, 'PATCH', `/api/customers/${c.customerId}/notes/${note.body.noteId}`, { text: 'mine now' }, anaToken)
  t.equal(edit.status, 403, 'operators edit only their own notes')
})
