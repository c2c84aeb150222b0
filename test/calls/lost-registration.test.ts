// Asterisk 22 can lose the app's registration at a reconnect: the old socket's teardown lands just
// after the new socket registered the app, which is left inactive while the new socket stays open
// and deaf (seen on the real Asterisk: "Replacing Stasis app", "Deactivating Stasis app", then
// "Inactive Stasis app 'ringlead' missed message"). The probe event sent after each connect finds
// it, and a new socket registers the app again.
import t from 'tap'
import { startWorld, until } from '../helpers/world.js'

t.test('an app deactivated behind a new socket: the probe finds it, ringlead connects again, and the call still ends', async (t) => {
  const w = await startWorld({ ari: { connectTimeoutMs: 1000 } })
  t.teardown(() => w.close())
  w.addOperator('101')
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  const callId = await w.callOf(caller.channelId)
  await w.talking(callId)

  const probes = (): number => w.sim.wire.responses().filter((r) => r.nickname === 'userEvent' && r.status === 204).length
  const answered = (): number => w.sim.wire.events().filter((e) => e.body.type === 'ChannelUserevent').length
  t.ok(probes() >= 1 && answered() === probes(), 'every connect sent a probe and got it back')
  const squared = w.daemon.center.squared
  w.sim.ariFaults.staleTeardown()
  w.sim.dropWebSockets()
  await until('connected again and squared', () => w.daemon.center.squared > squared)
  await until('the app lost behind the new socket', () => !w.sim.isAppConnected())
  const probesBefore = probes()
  const answeredBefore = answered()

  // The probe does not come back within the connect deadline: a new socket registers the app.
  await until('the app registered again', () => w.sim.isAppConnected(), 10_000)
  await until('squared once more', () => w.daemon.center.squared > squared + 1)
  t.ok(probes() > probesBefore, 'the new socket was probed too')
  await until('its probe came back', () => answered() > answeredBefore)

  const ended = w.ended((e) => e.callId === callId)
  w.sim.hangup(caller.channelId)
  t.equal((await ended).status, 'answered', 'the caller\'s hang-up reached ringlead')

  const next = w.sim.placeCall({ from: '+79031112244', did: '74950000000' })
  await w.talking(await w.callOf(next.channelId))
  t.pass('a new call entered the app and was answered')
})
