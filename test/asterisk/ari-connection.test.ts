// The Stasis app's connection against the simulator on loopback: deadlines, backoff on the
// injected clock, and what the link says while it is down.
import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { AriLink } from '../../src/asterisk/ari-link.js'
import { AmiLink, READ_EVENTS_FILTER } from '../../src/asterisk/ami-link.js'
import { READ_EVENTS } from '../../src/asterisk/event-filter.js'
import { ari, startSim } from '../sim/helpers.js'
import { testLog, until } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

t.test('connecting to a server that accepts but never answers gives up at the deadline, says why, and retries until the server answers', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const link = new AriLink({ url: sim.ariUrl, user: 'ringlead', password: 'ringlead', app: 'ringlead', log: testLog, clock, connectTimeoutMs: 3000, reconnectMinMs: 500 })
  t.teardown(() => link.stop())
  sim.ariFaults.stall(true)
  let up = false
  const started = link.start().then(() => { up = true })
  await until('the first attempt reached the stalled server', () => sim.ariFaults.stalledRequests === 1)
  t.match(link.status(), { state: 'connecting', lastError: null })
  await clock.advance(3000)
  t.match(link.status(), {
    state: 'disconnected', failedAttempts: 1, nextRetryAtMs: clock.now() + 500,
    lastError: 'ARI connect (loading the API descriptions): no answer in 3000 ms'
  })
  t.notOk(up)
  await clock.advance(500) // second attempt, still stalled
  await until('the second attempt reached the stalled server', () => sim.ariFaults.stalledRequests === 2)
  await clock.advance(3000)
  t.match(link.status(), { state: 'disconnected', failedAttempts: 2, nextRetryAtMs: clock.now() + 1000 }, 'the wait doubles')

  sim.ariFaults.stall(false)
  await clock.advance(1000)
  await started
  t.ok(link.connected)
  t.ok(sim.isAppConnected(), 'the Stasis app is registered')
  t.match(link.status(), { state: 'connected', failedAttempts: 0, nextRetryAtMs: null, lastError: /no answer in 3000 ms/ })
})

t.test('after a drop the WebSocket is opened again; an upgrade never answered is given up at the deadline and retried', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const link = new AriLink({ url: sim.ariUrl, user: 'ringlead', password: 'ringlead', app: 'ringlead', log: testLog, clock, connectTimeoutMs: 3000, reconnectMinMs: 500 })
  t.teardown(() => link.stop())
  await link.start()
  sim.ariFaults.stall(true)
  const before = sim.ariFaults.stalledRequests
  const back = new Promise((resolve) => link.once('connected', resolve))
  sim.dropWebSockets()
  await until('link saw the drop', () => !link.connected)
  await until('a new attempt hangs on the stalled server', () => sim.ariFaults.stalledRequests > before)
  t.match(link.status(), { state: 'connecting', lastError: /ARI event WebSocket closed/ })
  await clock.advance(3000)
  t.match(link.status(), { state: 'disconnected', lastError: 'ARI event WebSocket: no answer in 3000 ms' })
  sim.ariFaults.stall(false)
  await clock.advance(500)
  t.same(await back, { reconnect: true })
  t.ok(sim.isAppConnected())
})

t.test('refused connections are retried with backoff until the server listens again', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const link = new AriLink({ url: sim.ariUrl, user: 'ringlead', password: 'ringlead', app: 'ringlead', log: testLog, clock, connectTimeoutMs: 3000, reconnectMinMs: 500 })
  t.teardown(() => link.stop())
  await link.start()
  const dropped = new Promise((resolve) => link.once('disconnected', resolve))
  await sim.ariFaults.refuse(1000) // listens again after 1 s of real time
  await dropped
  await until('an attempt was refused', () => /ECONNREFUSED/.test(link.status().lastError ?? ''))
  t.equal(link.status().state, 'disconnected')
  const back = new Promise((resolve) => link.once('connected', resolve))
  // Keep moving the link's clock until the simulator listens again: each retry is refused until then.
  let reconnected = false
  void back.then(() => { reconnected = true })
  await until('reconnected', async () => { await clock.advance(10_000); return reconnected }, 20_000)
  t.ok(sim.isAppConnected())
})

t.test('AMI: a server that accepts TCP and says nothing is given up at the connect deadline and retried', async (t) => {
  const sockets = new Set<Socket>()
  const server = createServer((s) => { sockets.add(s) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close() })
  const clock = new VirtualClock()
  const link = new AmiLink({ host: '127.0.0.1', port: (server.address() as { port: number }).port, user: 'u', secret: 's', log: testLog, clock, connectTimeoutMs: 2000, reconnectMinMs: 500 })
  t.teardown(() => { link.stop() })
  void link.start()
  await until('connected by TCP', () => sockets.size === 1)
  await clock.advance(2000)
  t.match(link.status(), { state: 'disconnected', lastError: 'AMI connect and login: no answer in 2000 ms', nextRetryAtMs: clock.now() + 500 })
  await clock.advance(500)
  await until('second attempt', () => sockets.size === 2)
  t.equal(link.status().state, 'connecting')
})

t.test('on every connect the events ringlead never reads are turned off at Asterisk', async (t) => {
  const { sim } = await startSim(t)
  const link = new AriLink({ url: sim.ariUrl, user: 'ringlead', password: 'ringlead', app: 'ringlead', log: testLog })
  t.teardown(() => link.stop())
  const disallowed = async (): Promise<unknown> => (await ari(sim, 'GET', '/applications/ringlead')).body
  await link.start()
  await until('the filter is set', async () => ((await disallowed()) as { events_allowed: unknown[] }).events_allowed.length > 0)
  t.same((await disallowed() as { events_allowed: unknown[] }).events_allowed, READ_EVENTS.map((type) => ({ type })))
  t.same((await disallowed() as { events_disallowed: unknown[] }).events_disallowed, [])
  // Cleared, as a restarted Asterisk would have it: the next connect sets it again.
  await ari(sim, 'PUT', '/applications/ringlead/eventFilter', '')
  const back = new Promise((resolve) => link.once('connected', resolve))
  sim.dropWebSockets()
  await back
  await until('set again', async () => ((await disallowed()) as { events_allowed: unknown[] }).events_allowed.length > 0)
  t.pass()
})

t.test('the event filter allows every event type the ARI router reads, and only those', async (t) => {
  const { readFileSync } = await import('node:fs')
  const source = readFileSync(new URL('../../src/asterisk/ari-link.ts', import.meta.url), 'utf8')
  const router = source.slice(source.indexOf('private route ('), source.indexOf('private toLeg ('))
  const routed = [...router.matchAll(/case '([A-Za-z]+)'/g)].map((m) => m[1])
  t.ok(routed.length >= 10, `the router's cases were found (${routed.length})`)
  t.same([...routed, 'ApplicationReplaced', 'ChannelUserevent'].sort(), [...READ_EVENTS].sort())
})

t.test('AMI: after login the session is filtered to the events ringlead reads', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 30 } })
  const link = new AmiLink({ host: '127.0.0.1', port: sim.amiPort, user: 'ringlead', secret: 'ringlead', log: testLog })
  t.teardown(() => { link.stop() })
  const seen = new Set<string>()
  link.on('event', (e) => { seen.add(String(e.event)) })
  await link.start()
  const reads = new Promise<void>((resolve) => { link.on('device', (d) => { if (d.device === 'PJSIP/101' && d.state === 'NOT_INUSE') resolve() }) })
  // Actions are answered in order: once a Ping sent after login is answered, the filter is in place.
  await link.action({ action: 'Ping' })
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await until('the phone rings', () => seen.has('DeviceStateChange'))
  await ari(sim, 'DELETE', `/channels/${op.id}`)
  await reads
  t.notOk(seen.has('Newchannel') || seen.has('Newstate'), `only what ringlead reads: ${[...seen].join(', ')}`)
  t.match(READ_EVENTS_FILTER, /DeviceStateChange/)
})

t.test('AMI: state refreshes asked while one runs become one more, not one each', async (t) => {
  const { sim } = await startSim(t)
  for (const ep of ['101', '102', '103']) sim.addEndpoint(ep)
  const link = new AmiLink({ host: '127.0.0.1', port: sim.amiPort, user: 'ringlead', secret: 'ringlead', log: testLog })
  t.teardown(() => { link.stop() })
  let lists = 0
  link.on('event', (e) => { if (String(e.event) === 'DeviceStateListComplete') lists++ })
  await link.start()
  await until('the refresh at connect', () => lists === 1)
  await link.refreshStates() // after this one (or with it) nothing is running
  lists = 0
  // Ten operators added one after another: each asks for a refresh.
  await Promise.all(Array.from({ length: 10 }, () => link.refreshStates()))
  t.equal(lists, 2, 'the one running and one more for the nine asked meanwhile')
  await link.refreshStates()
  t.equal(lists, 3, 'asked when none runs: at once')
})

t.test('AMI: refreshes asked within a moment of each other (operators added one by one) share one list', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101')
  const clock = new VirtualClock()
  const link = new AmiLink({ host: '127.0.0.1', port: sim.amiPort, user: 'ringlead', secret: 'ringlead', log: testLog, clock })
  t.teardown(() => { link.stop() })
  let lists = 0
  link.on('event', (e) => { if (String(e.event) === 'DeviceStateListComplete') lists++ })
  await link.start()
  await until('the refresh at connect', () => lists === 1)
  await link.refreshStates()
  lists = 0
  const asked = Array.from({ length: 10 }, () => link.refreshSoon(250))
  await clock.advance(249)
  t.equal(lists, 0, 'not before the moment is up')
  await clock.advance(1)
  await Promise.all(asked)
  t.equal(lists, 1, 'one list for all ten')
  const pending = link.refreshSoon(250)
  link.stop()
  await t.resolves(pending, 'stopped before it starts: settled, nothing asked')
  await clock.advance(250)
  t.equal(clock.timers, 0, 'no timer left behind')
  t.equal(lists, 1)
})
