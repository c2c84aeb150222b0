// ARI commands over real HTTP against the simulator on loopback: deadlines and resets.
import t from 'tap'
import { AriRest, type AriCommand } from '../../src/asterisk/ari-rest.js'
import { EventStream, amiSession, bridgedCall, startSim } from '../sim/helpers.js'
import { until } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const listChannels: AriCommand = { command: 'list channels', target: '', method: 'GET', path: 'channels', repeat: 'any-reset' }
const createBridge = (bridgeId: string, repeat: AriCommand['repeat']): AriCommand =>
  ({ command: 'create bridge', target: bridgeId, method: 'POST', path: 'bridges', query: { type: 'mixing', bridgeId }, repeat, createsNamed: true })

function rest (t: { teardown (fn: () => void): void }, url: string, clock?: VirtualClock): AriRest {
  const r = new AriRest(url, 'ringlead', 'ringlead', { commandTimeoutMs: 5000, fileTimeoutMs: 60_000, keepAliveIdleMs: 4000, ...(clock ? { clock } : {}) })
  t.teardown(() => { r.close() })
  return r
}

t.test('a command Asterisk never answers fails at its deadline with a timeout error naming the command and its target', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const ari = rest(t, sim.ariUrl, clock)
  sim.ariFaults.stall(true)
  let outcome: unknown = 'pending'
  const sent = ari.send({ command: 'answer', target: 'rl-ch-1', method: 'POST', path: 'channels/rl-ch-1/answer', repeat: 'any-reset' })
    .then(() => { outcome = 'answered' }, (err: unknown) => { outcome = err })
  await until('the request reached the stalled server', () => sim.ariFaults.stalledRequests === 1)
  await clock.advance(4999)
  t.equal(outcome, 'pending', 'still waiting just before the deadline')
  await clock.advance(1)
  await sent
  t.match(outcome, { code: 'ASTERISK_COMMAND_TIMEOUT', command: 'answer', target: 'rl-ch-1', timeoutMs: 5000, message: 'ARI answer rl-ch-1 failed: no answer in 5000 ms' })
  t.equal(clock.timers, 0, 'no timer left behind')
})

t.test('a command cut on a reused keep-alive socket is sent again and succeeds', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl)
  await ari.send(listChannels) // opens the keep-alive socket the next command reuses
  sim.ariFaults.cutReusedRequests(1)
  await ari.send(createBridge('b-retried', 'reused-socket'))
  t.equal(ari.repeated, 1, 'sent twice')
  t.same(sim.bridges().map((b) => b.bridgeId), ['b-retried'], 'created once')
})

t.test('a read cut by a reset is sent again too', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl)
  await ari.send(listChannels)
  sim.ariFaults.cutReusedRequests(1)
  t.same(await ari.send(listChannels), [])
  t.equal(ari.repeated, 1)
})

t.test('a command that is not safe to repeat fails with the reset instead of being sent twice', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl)
  await ari.send(listChannels)
  sim.ariFaults.cutReusedRequests(1)
  await t.rejects(ari.send(createBridge('b-once', 'never')), { code: 'ASTERISK_COMMAND_FAILED', message: /ARI create bridge b-once failed: socket hang up|ECONNRESET/ })
  t.equal(ari.repeated, 0)
  t.same(sim.bridges(), [])
})

t.test('a create whose first send went through counts as done when its repeat finds it exists', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl)
  await ari.send(listChannels)
  // The bridge exists as if an earlier send of the same command had gone through before the cut.
  await ari.send(createBridge('b-made', 'any-reset'))
  sim.ariFaults.cutReusedRequests(1)
  await t.resolves(ari.send(createBridge('b-made', 'any-reset')))
  t.equal(ari.repeated, 1)
  await t.rejects(ari.send(createBridge('b-made', 'any-reset')), { message: /409 Bridge with id/ }, 'a plain second create is still refused')
})

t.test('a file Asterisk is still writing arrives longer than announced: the copy is the announced bytes, and no later command reads the rest', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const { caller } = await bridgedCall(sim, await EventStream.open(sim))
  const ami = await amiSession(t, sim)
  ami.send(`Action: MixMonitor\r\nActionID: m1\r\nChannel: ${caller}\r\nFile: ../recording/grow-mixed.wav\r\n\r\n`)
  await ami.reply('m1')
  const ari = rest(t, sim.ariUrl)
  const file: AriCommand = { command: 'get recording', target: 'grow-mixed', method: 'GET', path: 'recordings/stored/grow-mixed/file', repeat: 'any-reset', raw: true }
  for (let i = 0; i < 3; i++) {
    const bytes = await ari.send(file) as Buffer
    t.equal(bytes.length, 44, `fetch ${i + 1}: the open WAV header Asterisk announced, not what followed it`)
    t.equal(bytes.toString('latin1', 0, 4), 'RIFF')
    const channels = await ari.send(listChannels) as unknown[]
    t.equal(channels.length, 2, `the command after fetch ${i + 1} reads its own answer`)
  }
  t.equal(ari.repeated, 0, 'nothing was cut and sent again')
})
