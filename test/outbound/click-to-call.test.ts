import t from 'tap'
import { startWorld, until } from '../helpers/world.js'
import { api, operatorToken } from './helpers.js'

t.test('click-to-call rings the operator, then the customer with the shop number, bridges and records', async (t) => {
  const w = await startWorld({ leads: { outboundCallerId: '+74950000000' } })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addNumber('74957770011', { source: 'yandex', categoryId: 'ovens' })
  const ana = w.addOperator('101', { name: 'Ana', behaviour: { kind: 'answer', afterMs: 20 } })
  // The customer stays on the line until the operator hangs up (a simulated customer hangs up by itself after a while).
  w.sim.addEndpoint('+79031112233@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 20 } })
  const offered: any[] = []
  w.daemon.bus.on('call.offered', (e) => offered.push(e))
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '8 903 111-22-33', operatorId: ana, categoryId: 'ovens' })
  t.equal(res.status, 202, JSON.stringify(res.body))
  const callId = res.body.callId
  // The operator's phone rings showing whom they are about to call.
  await until('operator ringing', () => w.sim.channels().some((c) => c.endpoint === '101'))
  t.equal(w.sim.channels().find((c) => c.endpoint === '101')!.caller.number, '+79031112233')
  await until('customer dialled', () => w.sim.channels().some((c) => c.endpoint === '+79031112233@carrier'))
  const customerLeg = w.sim.channels().find((c) => c.endpoint === '+79031112233@carrier')!
  t.equal(customerLeg.caller.number, '74957770011', 'the customer sees the ovens tracking number')
  // The operator (the call's own leg) hangs up once the conversation is recorded.
  await w.hangUpWhenRecorded(w.daemon.repo.call(callId)!.channelId)
  const e = await ended
  t.equal(e.callId, callId)
  t.equal(e.status, 'answered')
  t.equal(e.direction, 'outbound')
  t.equal(e.answeredBy, ana)
  t.equal(e.hangupBy, 'operator')
  t.equal(e.dialledPhone, '+79031112233')
  t.ok(e.talkMs > 0)
  t.same(e.recordings.map((r) => r.kind).sort(), ['caller', 'mixed', 'operator'])
  t.match(offered, [{ callId, operatorId: ana, direction: 'outbound' }])

  const story = await api(w, 'GET', `/api/calls/${callId}`)
  t.equal(story.status, 200)
  t.match(story.body.call, { direction: 'outbound', status: 'answered', dialledPhone: '+79031112233', placedBy: 'api', leadId: null, did: '+79031112233' })
  t.match(story.body.customer, { phone: '+79031112233' })
  t.match(story.body.trackingNumber, { did: '74957770011', categoryId: 'ovens', source: null }, 'the shop number shown, from its tracking number')
  t.match(story.body.attempts, [{ operatorId: ana, result: 'answered', stepKind: 'operator' }])
  t.equal(story.body.recordings.length, 3)
  await until('operator free again', () => w.daemon.board.view(ana)?.state === 'available')
  t.equal(w.sim.channels().length, 0, 'no channel left')
  t.equal(w.sim.bridges().length, 0, 'bridge destroyed')
})

t.test('operator not answering: no customer is dialled and the attempt is recorded', async (t) => {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 2 } })
  t.teardown(() => w.close())
  const ben = w.addOperator('102', { behaviour: { kind: 'noanswer' } })
  let customerDialled = false
  const watch = setInterval(() => { if (w.sim.channels().some((c) => c.endpoint?.endsWith('@carrier'))) customerDialled = true }, 5)
  t.teardown(() => clearInterval(watch))
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79035550000', operatorId: ben })
  t.equal(res.status, 202)
  const e = await ended
  t.equal(e.status, 'missed')
  t.equal(e.answeredBy, null)
  t.same(e.attempts, [{ operatorId: ben, result: 'no_answer' }])
  t.notOk(customerDialled, 'the customer was never dialled')
  const story = await api(w, 'GET', `/api/calls/${res.body.callId}`)
  t.match(story.body.call, { status: 'missed', endReason: /operator did not answer \(no_answer.*the customer was not dialled/ })
  t.match(story.body.attempts, [{ operatorId: ben, result: 'no_answer', cause: 19 }])
})

t.test('customer busy: the call ends missed with the reason, the operator leg is hung up', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  w.sim.addEndpoint('+79036660000@carrier', { registered: true, behaviour: { kind: 'busy', afterMs: 30 } })
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79036660000', operatorId: ana })
  t.equal(res.status, 202)
  const e = await ended
  t.equal(e.status, 'missed')
  t.equal(e.hangupBy, 'system')
  const story = await api(w, 'GET', `/api/calls/${res.body.callId}`)
  t.match(story.body.call.endReason, /customer did not answer \(busy/)
  t.match(story.body.attempts, [{ result: 'answered' }])
  await until('all legs gone', () => w.sim.channels().length === 0)
})

t.test('bad input is refused, naming what is wrong', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  const bad = await api(w, 'POST', '/api/calls/outbound', { phone: 'call me maybe', operatorId: ana })
  t.equal(bad.status, 400)
  t.match(bad.body.message, /phone: "call me maybe" cannot be dialled/)
  const short = await api(w, 'POST', '/api/calls/outbound', { phone: '12', operatorId: ana })
  t.equal(short.status, 400)
  t.match(short.body.message, /"12"/)
  const nobody = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233', operatorId: 'op_nobody' })
  t.equal(nobody.status, 404)
  t.match(nobody.body.message, /operator op_nobody not found/)
  const noLead = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233', operatorId: ana, leadId: 'lead_nope' })
  t.equal(noLead.status, 404)
  t.match(noLead.body.message, /lead lead_nope not found/)
  const noOperator = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233' })
  t.equal(noOperator.status, 400)
  t.match(noOperator.body.message, /operatorId/)
  t.equal(w.sim.channels().length, 0, 'nothing was dialled')
})

t.test('operators may call only as themselves', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  const ben = w.addOperator('102')
  // The customer stays on the line until the operator hangs up (a simulated customer hangs up by itself after a while).
  w.sim.addEndpoint('+79031112233@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 20 } })
  const token = operatorToken(w, ana)
  const other = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233', operatorId: ben }, token)
  t.equal(other.status, 403)
  t.match(other.body.message, /only as its own operator/)
  const ended = w.ended((e) => e.direction === 'outbound')
  const self = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233' }, token)
  t.equal(self.status, 202)
  t.equal(self.body.operatorId, ana)
  await w.hangUpWhenRecorded(w.daemon.repo.call(self.body.callId)!.channelId)
  t.equal((await ended).answeredBy, ana)
  const story = await api(w, 'GET', `/api/calls/${self.body.callId}`, undefined, token)
  t.equal(story.status, 200, 'the operator reads the story of their own outbound call')
})

t.test('without Asterisk nothing is dialled: 503', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  await w.daemon.ari.stop()
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031112233', operatorId: ana })
  t.equal(res.status, 503)
  t.match(res.body, { error: 'UNAVAILABLE', message: /Asterisk is not connected/ })
  t.same((await api(w, 'GET', '/api/calls')).body.calls, [], 'no call written')
})
