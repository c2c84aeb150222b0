// Call tracking pools: a visitor keeps their number for the hold time, exhaustion falls back to
// the default number and is counted, and a call to a held number is attributed to the visit.
import t, { type Test } from 'tap'
import { systemClock } from '../../src/clock.js'
import { createToken } from '../../src/accounts/token-service.js'
import { startWorld, until, type World } from '../helpers/world.js'

const minute = 60_000

async function world (t: Test): Promise<World & { clock: { offsetMs: number } }> {
  const clock = { offsetMs: 0 }
  const w = await startWorld({ tracking: { holdMinutes: 30 } }, { clock: { now: () => Date.now() + clock.offsetMs, setTimeout: systemClock.setTimeout } })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addOperator('101')
  const admin = { authorization: `Bearer ${w.token}` }
  const put = await w.daemon.app.inject({
    method: 'PUT', url: '/api/tracking/pools/google-ads', headers: admin,
    payload: { defaultDid: '74957770000', numbers: ['74957770001', '74957770002'] }
  })
  t.equal(put.statusCode, 200, put.body)
  return Object.assign(w, { clock })
}

const numberFor = async (w: World, visitor: string, extra = ''): Promise<{ statusCode: number; body: any; headers: Record<string, unknown> }> => {
  const res = await w.daemon.app.inject({ method: 'GET', url: `/api/tracking/number?source=google-ads&visitor=${visitor}${extra}` })
  return { statusCode: res.statusCode, body: res.json(), headers: res.headers }
}

t.test('pools: admin writes them, numbers become tracking numbers of the source, 400 names the field', async (t) => {
  const w = await world(t)
  const supervisor = { authorization: `Bearer ${createToken(w.daemon.db, { name: 's', role: 'supervisor' }, Date.now()).token}` }
  t.equal((await w.daemon.app.inject({ method: 'PUT', url: '/api/tracking/pools/x', headers: supervisor, payload: { defaultDid: '7495', numbers: [] } })).statusCode, 403)
  const bad = await w.daemon.app.inject({ method: 'PUT', url: '/api/tracking/pools/x', headers: { authorization: `Bearer ${w.token}` }, payload: { defaultDid: '74957770009', numbers: ['12;3'] } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /numbers/)
  const list = await w.daemon.app.inject({ method: 'GET', url: '/api/tracking/pools', headers: supervisor })
  t.match(list.json().pools, [{ source: 'google-ads', defaultDid: '74957770000', numbers: ['74957770001', '74957770002'], held: 0, exhaustedCount: 0 }])
  const numbers = await w.daemon.app.inject({ method: 'GET', url: '/api/tracking-numbers', headers: supervisor })
  t.same(numbers.json().trackingNumbers.map((n: { did: string; source: string }) => [n.did, n.source]),
    [['74957770000', 'google-ads'], ['74957770001', 'google-ads'], ['74957770002', 'google-ads']])
})

t.test('a visitor keeps their number; when every number is held the default is shown and counted', async (t) => {
  const w = await world(t)
  const a = await numberFor(w, 'visitor-aaaa')
  t.match(a, { statusCode: 200, body: { pooled: true } })
  t.equal(a.headers['access-control-allow-origin'], '*')
  t.equal((await numberFor(w, 'visitor-aaaa')).body.number, a.body.number, 'same visitor, same number')
  const b = await numberFor(w, 'visitor-bbbb')
  t.not(b.body.number, a.body.number)
  const c = await numberFor(w, 'visitor-cccc')
  t.same(c.body, { number: '74957770000', pooled: false, expiresAt: null })
  const pools = await w.daemon.app.inject({ method: 'GET', url: '/api/tracking/pools', headers: { authorization: `Bearer ${w.token}` } })
  t.match(pools.json().pools[0], { held: 2, exhaustedCount: 1, lastExhaustedAt: Number })
  w.clock.offsetMs += 31 * minute
  const later = await numberFor(w, 'visitor-cccc')
  t.equal(later.body.pooled, true, 'numbers come free after the hold time')
  t.equal((await numberFor(w, 'nobody', '')).statusCode, 400, 'visitor id too short')
  const unknown = await w.daemon.app.inject({ method: 'GET', url: '/api/tracking/number?source=nope&visitor=visitor-aaaa' })
  t.equal(unknown.statusCode, 404)
})

t.test('a call to a held number is attributed to the visit: source, campaign and category on the call and its lead', async (t) => {
  const w = await world(t)
  w.daemon.db.$client.prepare("UPDATE tracking_numbers SET category_id = 'ovens' WHERE source = 'google-ads'").run()
  const got = await numberFor(w, 'visitor-dddd', '&utm_source=google&utm_medium=cpc&utm_campaign=spring-ovens')
  const ended = w.ended()
  w.sim.placeCall({ from: '+79035556677', did: got.body.number, hangupAfterMs: 300 })
  const call = await ended
  t.match(call, { source: 'google-ads', categoryId: 'ovens', campaign: 'spring-ovens', utm: { utm_campaign: 'spring-ovens', utm_medium: 'cpc' } })
  const view = await w.daemon.app.inject({ method: 'GET', url: `/api/calls/${call.callId}`, headers: { authorization: `Bearer ${w.token}` } })
  t.match(view.json().attribution, { source: 'google-ads', campaign: 'spring-ovens', categoryId: 'ovens', utm: { utm_source: 'google' } })
  await until('lead made from the call', () => w.daemon.leadsRepo.byCall(call.callId) !== undefined)
  const lead = w.daemon.leads.get(w.daemon.leadsRepo.byCall(call.callId)!.leadId)
  t.match(lead, { source: 'google-ads', categoryId: 'ovens' })
  t.match(JSON.parse(lead.utm!), { utm_campaign: 'spring-ovens' })

  // After the hold time the same number is nobody's visit any more.
  w.clock.offsetMs += 31 * minute
  const next = w.ended()
  w.sim.placeCall({ from: '+79035556678', did: got.body.number, hangupAfterMs: 300 })
  t.match(await next, { source: 'google-ads', campaign: null, utm: null })
})

t.test('the number-swap script is served by the daemon', async (t) => {
  const w = await world(t)
  const res = await w.daemon.app.inject({ method: 'GET', url: '/tracking.js' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /javascript/)
  t.match(res.body, /data-ringlead-number/)
  t.match(res.body, /\/api\/tracking\/number\?/)
})
