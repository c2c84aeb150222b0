// Squaring with Asterisk after a reconnect takes several requests; calls go on meanwhile. What
// Asterisk listed at the start must not bring back a caller whose call ended since, nor take for gone
// a leg Asterisk had not made yet.
import t from 'tap'
import { startWorld, until } from '../helpers/world.js'

t.test('a caller who hangs up while the daemon squares its calls with Asterisk is not routed again', async (t) => {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 300 } })
  t.teardown(() => w.close())
  w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  const callId = await w.callOf(caller.channelId)
  await until('the operator\'s phone rings', () => w.sim.channels().some((c) => c.endpoint === '101'))

  // Hold the squaring between listing the channels and listing the bridges.
  const ari = w.daemon.ari
  const listBridges = ari.listBridges.bind(ari)
  let asked = false
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let listed!: Promise<unknown>
  ari.listBridges = async () => {
    asked = true
    listed = gate.then(listBridges)
    return await (listed as ReturnType<typeof listBridges>)
  }
  const started: string[] = []
  w.daemon.bus.on('call.started', (e) => started.push(e.callId))
  w.sim.dropWebSockets()
  await until('squaring has listed the channels', () => asked)

  const ended = w.ended((e) => e.callId === callId)
  w.sim.hangup(caller.channelId)
  t.equal((await ended).status, 'abandoned')
  release()
  await listed
  await until('ARI connected again', () => ari.connected)
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
  t.same(started, [], 'no call started for the caller who left')
  t.equal(w.sim.channels().length, 0)
})

t.test('an operator leg whose originate Asterisk has not answered when the channels are listed is not taken for gone', async (t) => {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 300 } })
  t.teardown(() => w.close())
  const ana = w.addOperator('101', { behaviour: { kind: 'answer', afterMs: 50 } })
  // The originate leaves only once the squaring has listed the channels (requests on other
  // connections are served in any order): the list cannot show the leg.
  const ari = w.daemon.ari
  const originate = ari.originate.bind(ari)
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let held = false
  ari.originate = async (o) => { held = true; await gate; return await originate(o) }
  const listChannels = ari.listChannels.bind(ari)
  let listed = false
  ari.listChannels = async () => { const list = await listChannels(); listed = true; return list }

  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('the originate is held', () => held)
  w.sim.dropWebSockets()
  await until('squaring has listed the channels', () => listed)
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
  release()
  await w.hangUpWhenRecorded(caller.channelId)
  const e = await ended
  t.match(e, { status: 'answered', answeredBy: ana }, 'the operator rang and answered')
  t.match(e.attempts.map((a: { result: string }) => a.result), ['answered'])
})

t.test('bridges a process before a restart left are destroyed at the squaring; the running call\'s, and other apps\', are not', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await w.talking(await w.callOf(caller.channelId))
  // Left by an earlier process (made over ARI by someone else than this daemon), and another app's bridge.
  const { user, password } = w.daemon.config.ari
  const leftovers = ['rl-live-c_old-caller', 'rl-esc-esc_old', 'rl-sup-br-sup_old']
  for (const bridgeId of [...leftovers, 'shop-conference']) {
    const res = await fetch(`${w.sim.ariUrl}/ari/bridges?type=mixing&bridgeId=${bridgeId}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } })
    t.equal(res.status, 200, `bridge ${bridgeId} made`)
  }
  const bridgesBefore = w.sim.bridges().map((b) => b.bridgeId).sort()
  const squared = w.daemon.center.squared
  w.sim.dropWebSockets()
  await until('squared with Asterisk after the reconnect', () => w.daemon.center.squared > squared)
  t.same(w.sim.bridges().map((b) => b.bridgeId).sort(), bridgesBefore.filter((id) => !leftovers.includes(id)), 'the leftovers are gone; the call\'s bridge and the other app\'s stay')
  t.ok(w.sim.bridges().some((b) => b.bridgeId.startsWith('rl-br-') && b.channelIds.includes(caller.channelId)), 'the call talks on')
  const ended = w.ended()
  w.sim.hangup(caller.channelId)
  t.equal((await ended).status, 'answered')
})
