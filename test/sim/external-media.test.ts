// External media in the simulated Asterisk (POST /channels/externalMedia, Asterisk 22's ARI): the
// UnicastRTP channel, its UNICASTRTP_LOCAL_* variables, and RTP of what a snooped party says.
import { createSocket } from 'node:dgram'
import t from 'tap'
import { EventStream, ari, startSim } from './helpers.js'

const tone = (hz: number, ms: number): Int16Array => Int16Array.from({ length: ms * 16 }, (_, i) => Math.round(8000 * Math.sin(2 * Math.PI * hz * i / 16_000)))

t.test('a snoop bridged with an external media channel sends what the party says, as RTP, to external_host; hanging up stops it', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  const rx = createSocket('udp4')
  await new Promise<void>((resolve) => rx.bind(0, '127.0.0.1', resolve))
  t.teardown(() => { rx.close() })
  const packets: Array<{ msg: Buffer; port: number }> = []
  rx.on('message', (msg, from) => packets.push({ msg, port: from.port }))
  const port = rx.address().port

  const missing = await ari(sim, 'POST', `/channels/externalMedia?app=ringlead&format=slin16`)
  t.same([missing.status, missing.body], [400, { message: 'external_host cannot be empty' }])

  await ari(sim, 'POST', `/channels/${call.channelId}/snoop/snoop-1?spy=in&app=ringlead&appArgs=snoop,c1`)
  const created = await ari(sim, 'POST', `/channels/externalMedia?channelId=em-1&app=ringlead&external_host=127.0.0.1:${port}&format=slin16&encapsulation=rtp&transport=udp&direction=both&data=snoop,c1`)
  t.equal(created.status, 200)
  const ch = created.body as { id: string; name: string; state: string; channelvars: Record<string, string> }
  t.match(ch, { id: 'em-1', name: new RegExp(`^UnicastRTP/127\\.0\\.0\\.1:${port}-`), state: 'Up', channelvars: { UNICASTRTP_LOCAL_ADDRESS: '127.0.0.1', UNICASTRTP_LOCAL_PORT: /^\d+$/ } })
  t.match(await ev.type('StasisStart', 'em-1'), { args: ['snoop', 'c1'] })
  t.same((await ari(sim, 'GET', '/channels/em-1/variable?variable=UNICASTRTP_LOCAL_PORT')).body, { value: ch.channelvars.UNICASTRTP_LOCAL_PORT })
  t.equal(packets.length, 0, 'nothing is sent out of a bridge')

  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=snoop-1,em-1`)
  sim.speak(call.channelId, tone(1000, 400))
  const deadline = Date.now() + 20_000
  while (packets.length < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  const first = packets[0]!
  t.equal(first.port, Number(ch.channelvars.UNICASTRTP_LOCAL_PORT), 'sent from the port the variable names')
  t.equal(first.msg[0], 0x80, 'RTP version 2')
  t.equal(first.msg[1]! & 0x7f, 118, 'slin16 payload type')
  t.equal(first.msg.length, 12 + 640, '20 ms of 16 kHz 16-bit audio')
  const seqs = packets.slice(0, 10).map((p) => p.msg.readUInt16BE(2))
  t.same(seqs, seqs.map((_, i) => seqs[0]! + i), 'consecutive sequence numbers')
  t.equal(packets[1]!.msg.readUInt32BE(4) - packets[0]!.msg.readUInt32BE(4), 320, 'timestamps step by 320 samples')
  const peak = Math.max(...packets.map((p) => Math.max(...Array.from({ length: 320 }, (_, i) => Math.abs(p.msg.readInt16BE(12 + 2 * i))))))
  const loud = peak > 4000
  t.ok(loud, 'the party\'s voice is in the payload')

  await ari(sim, 'DELETE', '/channels/em-1')
  await ev.type('ChannelDestroyed', 'em-1')
  t.same(sim.externalMedia(), [], 'the stream is gone with its channel')
})

t.test('external media parameters are checked as Asterisk does', async (t) => {
  const { sim } = await startSim(t)
  t.equal((await ari(sim, 'POST', '/channels/externalMedia?app=ringlead&external_host=127.0.0.1:4000')).status, 400, 'format is required')
  t.same((await ari(sim, 'POST', '/channels/externalMedia?app=ringlead&external_host=nope&format=ulaw')).body, { message: 'external_host must be host:port' })
  const ok = await ari(sim, 'POST', '/channels/externalMedia?app=ringlead&external_host=127.0.0.1:4000&format=ulaw&channelId=x1')
  t.equal(ok.status, 200)
  t.equal((await ari(sim, 'POST', '/channels/externalMedia?app=ringlead&external_host=127.0.0.1:4000&format=ulaw&channelId=x1')).status, 409)
})
