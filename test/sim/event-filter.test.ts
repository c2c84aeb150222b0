// PUT /applications/{app}/eventFilter as Asterisk 22.10.1 answered it (checked against a real one):
// a list given replaces that list, one left out stays, an empty body clears both; a bad list is 400
// "Invalid format definition", an unknown app 404; and filtered event types are not delivered.
import t from 'tap'
import { EventStream, ari, startSim } from './helpers.js'

t.test('the filter is set, reported, validated and cleared as Asterisk does it', async (t) => {
  const { sim } = await startSim(t)
  await EventStream.open(sim, 'app=ftest')
  const put = (body: unknown) => ari(sim, 'PUT', '/applications/ftest/eventFilter', body)
  t.match(await put({ disallowed: [{ type: 'ChannelVarset' }, { type: 'ChannelDialplan' }] }), {
    status: 200, body: { name: 'ftest', events_allowed: [], events_disallowed: [{ type: 'ChannelVarset' }, { type: 'ChannelDialplan' }] }
  })
  t.match(await put({ allowed: [{ type: 'StasisStart' }] }), {
    status: 200, body: { events_allowed: [{ type: 'StasisStart' }], events_disallowed: [{ type: 'ChannelVarset' }, { type: 'ChannelDialplan' }] }
  }, 'the list left out stays')
  t.same(await put({ allowed: 'x' }).then((r) => [r.status, r.body]), [400, { message: 'Invalid format definition' }])
  t.same(await put({ allowed: [{ nope: 1 }] }).then((r) => [r.status, r.body]), [400, { message: 'Invalid format definition' }])
  t.match(await put({ allowed: [] }), { status: 200, body: { events_allowed: [], events_disallowed: [{ type: 'ChannelVarset' }, { type: 'ChannelDialplan' }] } })
  t.match(await put(''), { status: 200, body: { events_allowed: [], events_disallowed: [] } }, 'an empty body clears both')
  t.same(await ari(sim, 'PUT', '/applications/nosuch/eventFilter', {}).then((r) => [r.status, r.body]), [404, { message: 'Application not found' }])
  t.match((await ari(sim, 'GET', '/applications/ftest')).body, { events_allowed: [], events_disallowed: [] })
})

t.test('events of a disallowed type do not reach the app; an allowed list lets only its types through', async (t) => {
  const { sim } = await startSim(t)
  const stream = await EventStream.open(sim)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const first = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await stream.type('StasisStart', first.channelId)
  await ari(sim, 'POST', `/channels/${first.channelId}/variable?variable=X&value=1`)
  await ari(sim, 'POST', `/channels/${first.channelId}/answer`)
  await stream.type('ChannelStateChange', first.channelId)
  t.ok(stream.events.some((e) => e.type === 'ChannelVarset'), 'without a filter, variables are reported')

  await ari(sim, 'PUT', '/applications/ringlead/eventFilter', { disallowed: [{ type: 'ChannelVarset' }] })
  const from = stream.events.length
  const second = sim.placeCall({ from: '+79031112244', did: '74951234567' })
  await stream.waitFor((e) => e.type === 'StasisStart', from)
  await ari(sim, 'POST', `/channels/${second.channelId}/variable?variable=X&value=1`)
  await ari(sim, 'POST', `/channels/${second.channelId}/answer`)
  await stream.waitFor((e) => e.type === 'ChannelStateChange', from)
  t.notOk(stream.events.slice(from).some((e) => e.type === 'ChannelVarset'), 'with it, none')

  await ari(sim, 'PUT', '/applications/ringlead/eventFilter', { allowed: [{ type: 'StasisStart' }], disallowed: [] })
  const from2 = stream.events.length
  const third = sim.placeCall({ from: '+79031112255', did: '74951234567' })
  await stream.waitFor((e) => e.type === 'StasisStart', from2)
  await ari(sim, 'POST', `/channels/${third.channelId}/answer`)
  await ari(sim, 'DELETE', `/channels/${third.channelId}`)
  await third.ended
  const types = new Set(stream.events.slice(from2).map((e) => e.type))
  t.same([...types], ['StasisStart'], 'only the allowed type')
})
