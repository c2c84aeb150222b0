import { createRequire } from 'node:module'
import t from 'tap'
import { DECLARATIONS } from '../../src/sim/api-docs/resources.js'
import { EventStream, ari, startSim } from './helpers.js'

// ari-client ships no types; this is the part of its surface the tests use.
interface AriResource { id: string; [key: string]: unknown }
interface AriClient {
  channels: { originate (o: Record<string, unknown>): Promise<AriResource>; get (o: { channelId: string }): Promise<AriResource>; hangup (o: { channelId: string }): Promise<void> }
  bridges: { create (o: Record<string, unknown>): Promise<AriResource>; addChannel (o: { bridgeId: string; channel: string }): Promise<void>; get (o: { bridgeId: string }): Promise<AriResource> }
  asterisk: { getInfo (): Promise<Record<string, unknown>> }
  on (event: string, cb: (event: Record<string, unknown>, resource: AriResource) => void): void
  start (app: string): Promise<void>
  stop (): void
}
const require = createRequire(import.meta.url)
const ariClient = require('ari-client') as { connect (url: string, user: string, pass: string): Promise<AriClient> }

t.test('ari-client connects, loads our API descriptions and drives originate, bridges and events', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 10 } })
  const client = await ariClient.connect(sim.ariUrl, 'ringlead', 'ringlead')
  t.teardown(() => client.stop())
  const seen: string[] = []
  const started = new Promise<AriResource>((resolve) => client.on('StasisStart', (_e, ch) => resolve(ch)))
  client.on('Dial', (e) => seen.push(`Dial ${String(e.dialstatus)}`))
  await client.start('ringlead')
  const ch = await client.channels.originate({ endpoint: 'PJSIP/101', app: 'ringlead', appArgs: 'operator,101', variables: { RINGLEAD_TASK: 't1' } })
  t.match(ch, { state: 'Down' })
  const inStasis = await started
  t.equal(inStasis.id, ch.id, 'the event resource is a Channel instance with the same id')
  t.same(seen, ['Dial ', 'Dial RINGING', 'Dial ANSWER'])
  const bridge = await client.bridges.create({ type: 'mixing', name: 'b1' })
  t.match(bridge, { technology: 'simple_bridge', name: 'b1' })
  await client.bridges.addChannel({ bridgeId: bridge.id, channel: ch.id })
  t.same((await client.bridges.get({ bridgeId: bridge.id })).channels, [ch.id])
  t.match(await client.asterisk.getInfo(), { system: { version: '22.10.1' } })
  await t.rejects(client.channels.get({ channelId: 'nope' }), { message: '{"message":"Channel not found"}' })
})

t.test('api-docs are served like Asterisk\'s: basePath of the request host, resourcePath and paths per resource', async (t) => {
  const { sim } = await startSim(t)
  const host = new URL(sim.ariUrl).host
  const listing = (await ari(sim, 'GET', '/api-docs/resources.json')).body as { basePath: string; apis: Array<{ path: string }> }
  t.equal(listing.basePath, `http://${host}/ari`)
  t.same(listing.apis.map((a) => a.path), Object.keys(DECLARATIONS).map((n) => `/api-docs/${n}.{format}`))
  const channels = (await ari(sim, 'GET', '/api-docs/channels.json')).body as { basePath: string; resourcePath: string; apis: Array<{ path: string }> }
  t.equal(channels.basePath, `http://${host}/ari`)
  t.equal(channels.resourcePath, '/api-docs/channels.{format}')
  t.ok(channels.apis.every((a) => a.path.startsWith('/channels')))
  t.equal((await ari(sim, 'GET', '/api-docs/resources.json', undefined, 'ringlead:wrong')).status, 401, 'the docs need authentication too')
})

t.test('REST authentication: basic auth or api_key; otherwise 401 with WWW-Authenticate', async (t) => {
  const { sim } = await startSim(t)
  const denied = await ari(sim, 'GET', '/channels', undefined, 'ringlead:wrong')
  t.same([denied.status, denied.body], [401, { message: 'Authentication required' }])
  t.equal(denied.headers.get('www-authenticate'), 'Basic realm="Asterisk REST Interface"')
  const anonymous = await fetch(`${sim.ariUrl}/ari/channels`)
  t.equal(anonymous.status, 401)
  const byKey = await fetch(`${sim.ariUrl}/ari/channels?api_key=ringlead:ringlead`)
  t.same([byKey.status, await byKey.json()], [200, []])
})

t.test('unknown paths are 404 "Resource not found" and unsupported methods 405 "Invalid method"', async (t) => {
  const { sim } = await startSim(t)
  t.same((await ari(sim, 'GET', '/nonexistent/resource')).body, { message: 'Resource not found' })
  const patch = await ari(sim, 'PATCH', '/channels')
  t.same([patch.status, patch.body], [405, { message: 'Invalid method' }])
  t.equal(patch.headers.get('allow'), 'OPTIONS,GET,POST')
  for (const [method, path, message] of [
    ['GET', '/channels/no-such-channel', 'Channel not found'], ['DELETE', '/channels/no-such-channel', 'Channel not found'],
    ['POST', '/channels/no-such-channel/answer', 'Channel not found'], ['POST', '/channels/no-such-channel/ring', 'Channel not found'],
    ['GET', '/recordings/stored/no-such-rec', 'Recording not found'], ['GET', '/recordings/live/no-such-rec', 'Recording not found'],
    ['GET', '/endpoints/PJSIP/999', 'Endpoint not found'], ['GET', '/endpoints/Foo', 'No Endpoints found - invalid tech Foo'],
    ['GET', '/applications/nope', 'Application not found']
  ] as const) {
    const res = await ari(sim, method, path)
    t.same([res.status, res.body], [404, { message }], `${method} ${path}`)
  }
})

t.test('endpoints, applications and asterisk resources answer with Asterisk\'s shapes', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101')
  sim.addEndpoint('104', { registered: false })
  const ev = await EventStream.open(sim)
  t.match((await ari(sim, 'GET', '/endpoints/PJSIP/101')).body, { technology: 'PJSIP', resource: '101', state: 'online', channel_ids: [] })
  t.match((await ari(sim, 'GET', '/endpoints/PJSIP/104')).body, { state: 'offline' })
  sim.register('104')
  t.match((await ari(sim, 'GET', '/endpoints/PJSIP/104')).body, { state: 'online' })
  const all = (await ari(sim, 'GET', '/endpoints')).body as Array<{ resource: string }>
  t.same(all.map((e) => e.resource).sort(), ['101', '104', 'carrier'])
  t.same((await ari(sim, 'GET', '/applications/ringlead')).body, { name: 'ringlead', channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] })
  t.match((await ari(sim, 'GET', '/asterisk/ping')).body, { ping: 'pong', asterisk_id: /:/, timestamp: /\+0000$/ })
  ev.close()
})
