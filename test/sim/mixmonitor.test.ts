// MixMonitor over AMI as app_mixmonitor answers it (replies taken from Asterisk 22.10.1), and the
// files it writes: what the channel says, what it hears, and both mixed, closed only when stopped.
import { connect } from 'node:net'
import t from 'tap'
import { wavComplete } from '../../src/calls/wav-duration.js'
import type { Simulator } from '../../src/sim/simulator.js'
import { decodeWav, toneLevel } from '../../src/sim/wav.js'
import { EventStream, SECONDS_MS, amiSession, bridgedCall, sleep, startSim } from './helpers.js'

async function stored (sim: Simulator, name: string): Promise<Buffer | null> {
  const res = await fetch(`${sim.ariUrl}/ari/recordings/stored/${name}/file?api_key=ringlead:ringlead`)
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null
}

/** One GET on a raw socket that Asterisk's server closes after answering: every byte it sent. */
async function rawGet (sim: Simulator, name: string): Promise<{ announced: number; body: Buffer }> {
  const { port } = new URL(sim.ariUrl)
  const socket = connect(Number(port), '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (d: Buffer) => chunks.push(d))
  socket.write(`GET /ari/recordings/stored/${name}/file?api_key=ringlead:ringlead HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
  await new Promise<void>((resolve, reject) => { socket.once('close', () => { resolve() }); socket.once('error', reject) })
  const all = Buffer.concat(chunks)
  const headEnd = all.indexOf('\r\n\r\n')
  return { announced: Number(/content-length: (\d+)/i.exec(all.subarray(0, headEnd).toString('latin1'))?.[1]), body: all.subarray(headEnd + 4) }
}

/** `mixed` false: an empty File, only the two directions (as ringlead asks). */
const start = (id: string, channel: string, prefix: string, mixed = true): string =>
  `Action: MixMonitor\r\nActionID: ${id}\r\nChannel: ${channel}\r\nFile: ${mixed ? `../recording/${prefix}-mixed.wav` : ''}\r\nOptions: r(../recording/${prefix}-caller.wav)t(../recording/${prefix}-operator.wav)\r\n\r\n`

t.test('MixMonitor by uniqueid writes the three files as stored recordings; they are closed by StopMixMonitor, each party on its own', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { caller, operator } = await bridgedCall(sim, ev)
  const tones = { caller: sim.channels().find((c) => c.channelId === caller)!.toneHz, operator: sim.channels().find((c) => c.channelId === operator)!.toneHz }
  const ami = await amiSession(t, sim)
  ami.send(start('m1', caller, 'c1'))
  t.equal(await ami.reply('m1'), 'Response: Success\r\nActionID: m1\r\n\r\n')
  t.ok(sim.mixMonitoring(caller))
  const open = await stored(sim, 'c1-caller')
  t.ok(open !== null && !wavComplete(open), 'the file exists while recording, its sizes not yet written')
  const wire = await rawGet(sim, 'c1-caller')
  t.ok(wire.body.length > wire.announced, `a file still written arrives longer than its Content-Length, as Asterisk reads it to its end (${wire.body.length} > ${wire.announced})`)
  await sleep(3 * SECONDS_MS)
  const name = sim.channels().find((c) => c.channelId === caller)!.name
  ami.send(`Action: StopMixMonitor\r\nActionID: s1\r\nChannel: ${name}\r\n\r\n`)
  t.equal(await ami.reply('s1'), 'Response: Success\r\nActionID: s1\r\n\r\n', 'by channel name too')
  t.notOk(sim.mixMonitoring(caller))
  const files = { caller: await stored(sim, 'c1-caller'), operator: await stored(sim, 'c1-operator'), mixed: await stored(sim, 'c1-mixed') }
  for (const [kind, bytes] of Object.entries(files)) t.ok(bytes !== null && wavComplete(bytes), `${kind} closed when StopMixMonitor is answered`)
  const pcm = (b: Buffer | null) => decodeWav(new Uint8Array(b!)).pcm
  t.ok(pcm(files.caller).length / 8000 >= 2.5, 'the caller file lasts the monitored time in protocol seconds')
  t.ok(toneLevel(pcm(files.caller), tones.caller) > 0.05 && toneLevel(pcm(files.caller), tones.operator) < 0.01, 'r(): what the caller says, only')
  t.ok(toneLevel(pcm(files.operator), tones.operator) > 0.05 && toneLevel(pcm(files.operator), tones.caller) < 0.01, 't(): what the caller hears: the operator, only')
  t.ok(toneLevel(pcm(files.mixed), tones.caller) > 0.05 && toneLevel(pcm(files.mixed), tones.operator) > 0.05, 'the mix holds both')
})

t.test('a channel that hangs up closes its MixMonitor files; errors are Asterisk\'s words', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { caller } = await bridgedCall(sim, ev)
  const ami = await amiSession(t, sim)
  ami.send('Action: MixMonitor\r\nActionID: e1\r\n\r\n')
  t.equal(await ami.reply('e1'), 'Response: Error\r\nActionID: e1\r\nMessage: No channel specified\r\n\r\n')
  ami.send(start('e2', 'PJSIP/nobody-00000001', 'x'))
  t.equal(await ami.reply('e2'), 'Response: Error\r\nActionID: e2\r\nMessage: No such channel\r\n\r\n')
  ami.send(`Action: StopMixMonitor\r\nActionID: e3\r\nChannel: ${caller}\r\n\r\n`)
  t.equal(await ami.reply('e3'), 'Response: Error\r\nActionID: e3\r\nMessage: Could not stop monitoring channel\r\n\r\n', 'nothing to stop')
  ami.send(`Action: MixMonitor\r\nActionID: e5\r\nChannel: ${caller}\r\nFile: \r\n\r\n`)
  t.equal(await ami.reply('e5'), 'Response: Error\r\nActionID: e5\r\nMessage: Could not start monitoring channel\r\n\r\n', 'no file and no direction: nothing to write')
  ami.send(start('m2', caller, 'c2', false))
  t.equal(await ami.reply('m2'), 'Response: Success\r\nActionID: m2\r\n\r\n', 'an empty File with r() and t()')
  await sleep(2 * SECONDS_MS)
  sim.hangup(caller)
  ami.send(`Action: StopMixMonitor\r\nActionID: e4\r\nChannel: ${caller}\r\n\r\n`)
  t.equal(await ami.reply('e4'), 'Response: Error\r\nActionID: e4\r\nMessage: No such channel\r\n\r\n', 'the channel is gone')
  const bytes = await stored(sim, 'c2-caller')
  t.ok(bytes !== null && wavComplete(bytes), 'closed as the channel ended')
  t.ok(decodeWav(new Uint8Array(bytes!)).pcm.length > 0)
  t.ok(wavComplete((await stored(sim, 'c2-operator'))!), 'the other direction too')
  t.equal(await stored(sim, 'c2-mixed'), null, 'and no mixed file')
  t.match(ami.text(), /Event: MixMonitorStart\r\nPrivilege: call,all\r\nChannel: PJSIP\/carrier-/)
})
