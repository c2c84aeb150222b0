import t, { type Test } from 'tap'
import { EventStream, ari, startSim, until } from './helpers.js'

async function bridged (t: Test, query = 'app=ringlead') {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim, query)
  const call = sim.placeCall({ from: '+79031112233', callerName: 'Caller Name', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/ring`)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&appArgs=operator')).body as { id: string }
  await ev.type('StasisStart', op.id)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  t.equal((await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId},${op.id}`)).status, 204)
  return { sim, ev, call, op, bridge }
}

t.test('an inbound call enters Stasis in state Ring with the carrier caller id and the DID as exten', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', callerName: 'Caller Name', did: '74951234567' })
  const start = await ev.type('StasisStart', call.channelId)
  t.same(start.args, ['inbound'])
  t.match(start.channel, {
    name: /^PJSIP\/carrier-[0-9a-f]{8}$/, state: 'Ring', caller: { name: 'Caller Name', number: '+79031112233' }, connected: { name: '', number: '' },
    dialplan: { context: 'from-carrier', exten: '74951234567', priority: 2, app_name: 'Stasis', app_data: 'ringlead,inbound' }
  })
  t.match((start.channel as { protocol_id: string }).protocol_id, /@127\.0\.0\.1$/)
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/ring`)).status, 204)
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/answer`)).status, 204)
  t.match(await ev.type('ChannelStateChange', call.channelId), { channel: { state: 'Up' } })
})

t.test('caller BYE in a bridge: HangupRequest without cause, ChannelLeftBridge, StasisEnd, no ChannelDestroyed; the operator stays alone', async (t) => {
  const { sim, ev, call, op, bridge } = await bridged(t)
  sim.hangup(call.channelId)
  t.same(await call.ended, { cause: 16, declined: false })
  await ev.type('StasisEnd', call.channelId)
  t.same(ev.about(call.channelId).filter((d) => !d.startsWith('ChannelVarset')).slice(-3), ['ChannelHangupRequest', 'ChannelLeftBridge', 'StasisEnd'])
  t.notOk(ev.events.some((e) => e.type === 'ChannelDestroyed' && (e.channel as { id: string }).id === call.channelId))
  const left = ev.events.find((e) => e.type === 'ChannelLeftBridge')!
  t.same((left.bridge as { channels: string[] }).channels, [op.id])
  t.equal((left.bridge as { technology: string }).technology, 'native_rtp', 'the two-party bridge had gone native')
  t.same((await ari(sim, 'GET', `/bridges/${bridge.id}`)).body, { ...(await ari(sim, 'GET', `/bridges/${bridge.id}`)).body as object, channels: [op.id], technology: 'simple_bridge' })
  t.equal((await ari(sim, 'GET', `/channels/${call.channelId}`)).status, 404)
  t.equal((await ari(sim, 'GET', `/channels/${op.id}`)).status, 200)
})

t.test('with subscribeAll a dialplan channel\'s BYE is followed by HangupRequest 16 soft and ChannelDestroyed 16', async (t) => {
  const { sim, ev, call } = await bridged(t, 'app=ringlead&subscribeAll=true')
  t.ok(ev.events.some((e) => e.type === 'ChannelCreated'), 'subscribeAll sees ChannelCreated')
  sim.hangup(call.channelId)
  t.match(await ev.type('ChannelDestroyed', call.channelId), { cause: 16 })
  t.same(ev.about(call.channelId).filter((d) => !d.startsWith('ChannelVarset')).slice(-5), ['ChannelHangupRequest', 'ChannelLeftBridge', 'StasisEnd', 'ChannelHangupRequest 16', 'ChannelDestroyed 16'])
})

t.test('the operator hanging up first leaves the caller alone in the bridge', async (t) => {
  const { sim, ev, call, op, bridge } = await bridged(t)
  sim.hangup(op.id)
  await ev.type('ChannelDestroyed', op.id)
  t.same((await ari(sim, 'GET', `/bridges/${bridge.id}`)).body, { ...((await ari(sim, 'GET', `/bridges/${bridge.id}`)).body as object), channels: [call.channelId] })
  t.match((await ari(sim, 'GET', `/channels/${call.channelId}`)).body, { state: 'Up' })
  t.equal((await ari(sim, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${call.channelId}`)).status, 204)
  t.equal((await ari(sim, 'DELETE', `/channels/${call.channelId}?reason=normal`)).status, 204)
  t.same(await call.ended, { cause: 16, declined: false })
  t.same(ev.about(call.channelId).slice(-3), ['ChannelLeftBridge', 'ChannelHangupRequest 32', 'StasisEnd'], 'no ChannelDestroyed for a dialplan channel')
})

t.test('caller CANCEL while ringing: HangupRequest 127/487, StasisEnd, GET 404 at once; the ringing operator leg is untouched', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('102', { behaviour: { kind: 'noanswer' } })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567', hangupAfterMs: 60 })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/ring`)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&timeout=30')).body as { id: string }
  await ev.type('StasisEnd', call.channelId)
  t.match(ev.events.find((e) => e.type === 'ChannelHangupRequest'), { cause: 127, tech_cause: 487, channel: { state: 'Ring' } })
  t.equal((await ari(sim, 'GET', `/channels/${call.channelId}`)).status, 404)
  t.match((await ari(sim, 'GET', `/channels/${op.id}`)).body, { state: 'Ringing' })
  t.same(await call.ended, { cause: 127, declined: false })
  await ari(sim, 'DELETE', `/channels/${op.id}?reason=normal`)
  t.match(await ev.type('ChannelDestroyed', op.id), { cause: 16 })
})

t.test('caller DTMF arrives as ChannelDtmfReceived with digit and duration_ms', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567', dtmf: [{ digit: '1', afterMs: 5 }, { digit: '#', afterMs: 20 }] })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  await ev.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '#')
  sim.sendDtmf(call.channelId, '7')
  await ev.waitFor((e) => e.type === 'ChannelDtmfReceived' && e.digit === '7')
  const digits = ev.events.filter((e) => e.type === 'ChannelDtmfReceived')
  t.same(digits.map((e) => e.digit), ['1', '#', '7'])
  t.match(digits[0], { duration_ms: 280, channel: { id: call.channelId, state: 'Up' } })
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/dtmf?dtmf=12%23`)).status, 204)
  t.same((await ari(sim, 'POST', `/channels/${call.channelId}/dtmf`)).body, { message: 'DTMF is required' })
})

t.test('a digit sent as SIP INFO reports the Duration the phone gave (flow13: 250 ms)', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  sim.sendDtmf(call.channelId, '7', 250)
  t.match(await ev.type('ChannelDtmfReceived', call.channelId), { digit: '7', duration_ms: 250 })
})

t.test('channels() and bridges() show the simulated world', async (t) => {
  const { sim, call, op, bridge } = await bridged(t)
  await until('both bridged', () => sim.bridges()[0]?.channelIds.length === 2)
  t.match(sim.bridges(), [{ bridgeId: bridge.id, channelIds: [call.channelId, op.id] }])
  t.match(sim.channels().find((c) => c.channelId === op.id), { origin: 'originated', endpoint: '101', inStasis: true, bridgeId: bridge.id, state: 'Up' })
})
