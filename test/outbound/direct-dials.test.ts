import t from 'tap'
import { endpointOfChannel } from '../../src/calls/direct-dials.js'
import { startWorld, until } from '../helpers/world.js'
import { api } from './helpers.js'

t.test('a call an operator dials on the phone is written as an outbound call', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101', { name: 'Ana' })
  const ended = w.ended((e) => e.direction === 'outbound')
  w.sim.operatorDials('101', '89031112233', { answerAfterMs: 60, talkMs: 150 })
  await until('operator shown talking', () => w.daemon.board.view(ana)?.state === 'talking')
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.answeredBy, ana)
  t.equal(e.dialledPhone, '+79031112233')
  t.equal(e.callerRaw, 'PJSIP/101')
  t.equal(e.hangupBy, 'caller', 'the customer hung up first')
  t.ok(e.talkMs > 0, 'talk time measured')
  t.ok(e.customerId, 'the customer is known')
  const story = await api(w, 'GET', `/api/calls/${e.callId}`)
  t.match(story.body.call, { direction: 'outbound', placedBy: 'phone', status: 'answered', dialledPhone: '+79031112233', callerName: 'Ana' })
  t.match(story.body.answeredBy, { operatorId: ana })
  const list = await api(w, 'GET', `/api/calls?operatorId=${ana}`)
  t.same(list.body.calls.map((c: any) => c.callId), [e.callId], 'counts in the operator\'s calls')
})

t.test('unanswered and busy direct calls are written too, ringlead\'s own legs are not', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  w.addOperator('102')
  const unanswered = w.ended((e) => e.direction === 'outbound')
  w.sim.operatorDials('101', '+79035550001', { giveUpAfterMs: 80 })
  const a = await unanswered
  t.match(a, { status: 'abandoned', answeredBy: null, talkMs: 0, hangupBy: 'operator' })
  t.match((await api(w, 'GET', `/api/calls/${a.callId}`)).body.call.endReason, /CANCEL/)

  const busy = w.ended((e) => e.direction === 'outbound')
  w.sim.operatorDials('101', '+79035550002', { busy: true })
  const b = await busy
  t.match(b, { status: 'missed', answeredBy: null, dialledPhone: '+79035550002' })
  t.match((await api(w, 'GET', `/api/calls/${b.callId}`)).body.call.endReason, /BUSY/)

  // Ringlead's own click-to-call legs (rl-*) are not counted twice.
  const clicked = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79035550003', operatorId: ana })
  t.equal(res.status, 202)
  const c = await clicked
  t.equal(c.callId, res.body.callId)
  await w.daemon.center.drain(0)
  const all = await api(w, 'GET', '/api/calls')
  t.equal(all.body.calls.length, 3, 'one row per call, none for ringlead\'s own legs')
  const placedByPhone = await api(w, 'GET', '/api/calls?direction=outbound')
  t.equal(placedByPhone.body.calls.length, 3, 'all three are outbound')
  t.same((await api(w, 'GET', '/api/calls?direction=inbound')).body.calls, [])
})

t.test('channel names map to endpoints', async (t) => {
  t.equal(endpointOfChannel('PJSIP/101-00000019'), 'PJSIP/101')
  t.equal(endpointOfChannel('PJSIP/carrier-0000001a'), 'PJSIP/carrier')
  t.equal(endpointOfChannel('PJSIP/101'), 'PJSIP/101')
})
