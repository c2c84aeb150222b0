import t from 'tap'
import { startWorld, until } from '../helpers/world.js'
import { api } from './helpers.js'

t.test('an answered outbound call to a lead\'s customer is the lead\'s response', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  w.sim.addEndpoint('+79031234567@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  w.addCategory('ovens')
  w.addNumber('74958880000', { source: 'site', categoryId: 'ovens' })
  const { lead } = w.daemon.leads.intake({ channel: 'form', phone: '+79031234567', name: 'Olga', source: 'site', categoryId: 'ovens' }, 'test')
  t.equal(lead.status, 'new')
  t.ok(lead.deadlineAt, 'the SLA clock runs')
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79031234567', operatorId: ana, leadId: lead.leadId })
  t.equal(res.status, 202)
  t.equal((await w.dialledWith('+79031234567@carrier')).number, '74958880000', 'source and category come from the lead: the shop number for them')
  await w.talking(res.body.callId)
  w.hangUpPhone('101')
  const e = await ended
  t.equal(e.leadId, lead.leadId)
  t.equal(e.status, 'answered')
  await until('lead answered', () => w.daemon.leadsRepo.get(lead.leadId)!.respondedAt !== null)
  const after = w.daemon.leadsRepo.get(lead.leadId)!
  t.equal(after.status, 'in_progress')
  t.equal(after.deadlineAt, null, 'the SLA clock stopped')
  const events = w.daemon.leadsRepo.events(lead.leadId).map((x) => x.kind)
  t.ok(events.includes('response'), `events: ${events.join(', ')}`)
  const story = await api(w, 'GET', `/api/calls/${e.callId}`)
  t.equal(story.body.call.leadId, lead.leadId)
  t.equal(w.daemon.leadsRepo.byCall(e.callId), undefined, 'no new lead made from the outbound call')
})

t.test('an unanswered outbound call makes no callback lead and answers no lead', async (t) => {
  const w = await startWorld({ leads: { outboundCallerId: '+74950001122' } })
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  w.sim.addEndpoint('+79035550101@carrier', { registered: true, behaviour: { kind: 'busy', afterMs: 20 } })
  const { lead } = w.daemon.leads.intake({ channel: 'form', phone: '+79035550101' }, 'test')
  let leadsMade = 0
  w.daemon.bus.on('lead.created', () => { leadsMade++ })
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79035550101', operatorId: ana, leadId: lead.leadId })
  t.equal(res.status, 202)
  t.equal((await w.dialledWith('+79035550101@carrier')).number, '+74950001122', 'no tracking number fits: the configured caller id')
  const e = await ended
  t.equal(e.status, 'missed')
  // CallLeads takes call.ended on the next setImmediate (queued before this test's listener ran).
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(leadsMade, 0, 'no missed-call lead')
  t.equal(w.daemon.leadsRepo.get(lead.leadId)!.respondedAt, null, 'not a response')
})

t.test('an outbound call is squared with Asterisk after the WebSocket drops', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const ana = w.addOperator('101')
  w.sim.addEndpoint('+79036660001@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  const ended = w.ended((e) => e.direction === 'outbound')
  const res = await api(w, 'POST', '/api/calls/outbound', { phone: '+79036660001', operatorId: ana })
  t.equal(res.status, 202)
  await until('talking', () => w.sim.bridges().some((b) => b.channelIds.length >= 2))
  const customer = w.sim.channels().find((c) => c.endpoint === '+79036660001@carrier')!
  w.sim.dropWebSockets()
  w.sim.hangup(customer.channelId) // its events go nowhere: Asterisk does not replay them
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.hangupBy, 'caller')
  await until('operator leg hung up', () => w.sim.channels().length === 0)
  await until('operator free again', () => w.daemon.board.view(ana)?.state === 'available')
})
