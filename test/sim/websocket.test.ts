import t from 'tap'
import { WebSocket } from 'ws'
import { EventStream, ari, sleep, startSim, until } from './helpers.js'

t.test('a second WebSocket for the same app takes it over; the first gets ApplicationReplaced', async (t) => {
  const { sim } = await startSim(t)
  const first = await EventStream.open(sim)
  const second = await EventStream.open(sim, 'app=ringlead&subscribeAll=true')
  const replaced = await first.type('ApplicationReplaced')
  t.match(replaced, { type: 'ApplicationReplaced', application: 'ringlead', asterisk_id: /:/, timestamp: /\+0000$/ })
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await second.type('StasisStart', call.channelId)
  await sleep(20)
  t.notOk(first.events.some((e) => e.type === 'StasisStart'), 'the replaced socket hears nothing more')
})

t.test('the events WebSocket refuses a bad api_key with 401 JSON and a missing app with 400 HTML', async (t) => {
  const { sim } = await startSim(t)
  const base = sim.ariUrl.replace('http', 'ws')
  const refusal = (url: string) => new Promise<{ status: number; type: string }>((resolve) => {
    const ws = new WebSocket(url)
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }))
    ws.on('error', () => {})
  })
  t.same(await refusal(`${base}/ari/events?app=ringlead&api_key=ringlead:bad`), { status: 401, type: 'application/json' })
  t.same(await refusal(`${base}/ari/events?api_key=ringlead:ringlead`), { status: 400, type: 'text/html' })
})

t.test('while no WebSocket is connected new inbound calls are declined and channels already in Stasis stay', async (t) => {
  const { sim } = await startSim(t)
  const declined = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  t.same(await declined.ended, { cause: 16, declined: true })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  sim.dropWebSockets()
  await until('app disconnected', () => !sim.isAppConnected())
  t.match((await ari(sim, 'GET', '/applications/ringlead')).body, { channel_ids: [call.channelId] })
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/play?media=sound%3Aringlead-prompt`)).status, 201, 'REST keeps working')
  const second = sim.placeCall({ from: '+79035550000', did: '74951234567' })
  t.same(await second.ended, { cause: 16, declined: true })
  t.same(sim.channels().map((c) => c.channelId), [call.channelId])
})

t.test('an originate to the app while no WebSocket is connected is answered and hung up at once', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const res = await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&appArgs=originated-while-ws-down')
  t.equal(res.status, 200)
  const id = (res.body as { id: string }).id
  await until('channel gone', () => !sim.channels().some((c) => c.channelId === id))
  t.equal((await ari(sim, 'GET', `/channels/${id}`)).status, 404)
})

t.test('after reconnecting nothing missed is replayed', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  ev.close()
  await until('app disconnected', () => !sim.isAppConnected())
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`) // ChannelStateChange goes nowhere
  const again = await EventStream.open(sim)
  sim.hangup(call.channelId)
  await again.type('StasisEnd', call.channelId)
  t.same(again.events.map((e) => e.type), ['ChannelHangupRequest', 'StasisEnd'])
})
