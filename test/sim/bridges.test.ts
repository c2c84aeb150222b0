import t from 'tap'
import { EventStream, ari, startSim } from './helpers.js'

t.test('a mixing bridge is created as simple_bridge with Asterisk\'s fields', async (t) => {
  const { sim } = await startSim(t)
  const res = await ari(sim, 'POST', '/bridges?type=mixing&name=flow1')
  t.equal(res.status, 200)
  t.match(res.body, { id: /^[0-9a-f-]{36}$/, technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', creator: 'Stasis', name: 'flow1', channels: [], video_mode: 'talker' })
  t.same((await ari(sim, 'GET', '/bridges')).body, [res.body])
})

t.test('bridge errors match Asterisk: duplicate id 409, bad type 500, unknown 404, missing channel 400, unknown channel 400', async (t) => {
  const { sim } = await startSim(t)
  const bad = await ari(sim, 'POST', '/bridges?type=wrongtype')
  t.same([bad.status, bad.body], [500, { message: "Unable to create bridge. Possible duplicate bridge id '(null)'" }])
  t.equal((await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=ringlead-bridge-1')).status, 200)
  t.same((await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=ringlead-bridge-1')).body, { message: "Bridge with id 'ringlead-bridge-1' already exists" })
  t.same((await ari(sim, 'POST', '/bridges/no-such-bridge/addChannel?channel=x')).body, { message: 'Bridge not found' })
  t.same((await ari(sim, 'POST', '/bridges/ringlead-bridge-1/addChannel?channel=no-such-channel')).body, { message: 'Channel not found' })
  t.same((await ari(sim, 'POST', '/bridges/ringlead-bridge-1/addChannel')).body, { message: 'Missing parameter channel' })
  t.same((await ari(sim, 'POST', '/bridges/ringlead-bridge-1/record?name=x&format=nope')).body, { message: 'specified format is unknown on this system' })
  const noName = await ari(sim, 'POST', '/bridges/ringlead-bridge-1/record?format=wav')
  t.same([noName.status, noName.body], [500, { message: 'Error parsing request' }])
  t.equal((await ari(sim, 'DELETE', '/bridges/ringlead-bridge-1')).status, 204)
  t.same((await ari(sim, 'DELETE', '/bridges/ringlead-bridge-1')).body, { message: 'Bridge not found' })
})

t.test('addChannel with a comma list containing an unknown id fails whole with 400 and adds nobody', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  const res = await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId},dead-channel`)
  t.same([res.status, res.body], [400, { message: 'Channel not found' }])
  t.match((await ari(sim, 'GET', `/bridges/${bridge.id}`)).body, { channels: [] })
  t.same((await ari(sim, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${call.channelId}`)).body, { message: 'Channel not in this bridge' })
})

t.test('two bridged parties get each other\'s caller id as connected line, kept after the peer leaves (flows 1, 11)', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', callerName: 'Caller Name', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&callerId=%2B79031112233')).body as { id: string }
  await ev.type('StasisStart', op.id)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId},${op.id}`)
  t.match(await ev.type('ChannelConnectedLine', op.id), { channel: { connected: { name: 'Caller Name', number: '+79031112233' } } })
  t.match(await ev.type('ChannelConnectedLine', call.channelId), { channel: { connected: { name: '', number: '+79031112233' } } })
  sim.hangup(op.id)
  await ev.type('ChannelLeftBridge', op.id)
  t.match((await ari(sim, 'GET', `/channels/${call.channelId}`)).body, { connected: { name: '', number: '+79031112233' } })
})

t.test('entering and leaving a bridge raise ChannelEnteredBridge/ChannelLeftBridge and destroying it BridgeDestroyed', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', op.id)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId}`)
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${op.id}`)
  const entered = ev.events.filter((e) => e.type === 'ChannelEnteredBridge')
  t.same(entered.map((e) => (e.bridge as { channels: string[] }).channels.length), [1, 2])
  t.same(entered.map((e) => (e.bridge as { technology: string }).technology), ['simple_bridge', 'simple_bridge'])
  t.match(ev.events.find((e) => e.type === 'ChannelVarset' && e.variable === 'BRIDGEPEER'), { value: /^PJSIP\// })
  t.equal((await ari(sim, 'DELETE', `/bridges/${bridge.id}`)).status, 204)
  await ev.type('BridgeDestroyed')
  t.equal(ev.events.filter((e) => e.type === 'ChannelLeftBridge').length, 2, 'both channels leave')
  t.match((await ari(sim, 'GET', `/channels/${op.id}`)).body, { state: 'Up' }, 'channels stay in the app')
})
