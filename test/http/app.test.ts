import t from 'tap'
import { bearer, testApp } from './helpers.js'

t.test('health needs no token and reports the parts', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const res = await w.app.inject({ url: '/api/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok', db: 'ok', ari: 'connected', activeCalls: 2 })
})

t.test('health is degraded when a part says it is down', async (t) => {
  const w = await testApp({}, () => ({ ari: 'disconnected' }))
  t.teardown(w.close)
  t.same((await w.app.inject({ url: '/api/health' })).json(), { status: 'degraded', db: 'ok', ari: 'disconnected' })
})

t.test('every other /api route wants a bearer token and says what is missing', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const missing = await w.app.inject({ url: '/api/operators' })
  t.equal(missing.statusCode, 401)
  t.same(missing.json(), { error: 'UNAUTHORIZED', message: 'missing Authorization header: send Authorization: Bearer <token>' })
  const basic = await w.app.inject({ url: '/api/calls', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
  t.same(basic.json(), { error: 'UNAUTHORIZED', message: 'Authorization header must be "Bearer <token>"' })
  const unknown = await w.app.inject({ url: '/api/categories', headers: bearer('rl_made_up') })
  t.same(unknown.json(), { error: 'UNAUTHORIZED', message: 'unknown or revoked API token' })
  for (const url of ['/api/operators/op_1', '/api/tracking-numbers', '/api/calls/call_1', '/api/tokens']) {
    t.equal((await w.app.inject({ url })).statusCode, 401, url)
  }
  const unauthenticatedWrite = await w.app.inject({ method: 'POST', url: '/api/operators', payload: { nonsense: true } })
  t.equal(unauthenticatedWrite.statusCode, 401, 'the token is checked before the body')
})

t.test('a body over the configured limit is a 413 and broken JSON a 400', async (t) => {
  const w = await testApp({ http: { bodyLimitBytes: 2048 } })
  t.teardown(w.close)
  const h = bearer(w.admin)
  const big = await w.app.inject({ method: 'POST', url: '/api/categories', headers: h, payload: { categoryId: 'x', name: 'y'.repeat(4000) } })
  t.equal(big.statusCode, 413)
  t.same(big.json(), { error: 'PAYLOAD_TOO_LARGE', message: 'body: larger than the limit of 2048 bytes' })
  const broken = await w.app.inject({ method: 'POST', url: '/api/categories', headers: { ...h, 'content-type': 'application/json' }, payload: '{"categoryId":' })
  t.same(broken.json(), { error: 'INVALID_INPUT', message: 'body: not valid JSON' })
  const empty = await w.app.inject({ method: 'POST', url: '/api/categories', headers: { ...h, 'content-type': 'application/json' }, payload: '' })
  t.same(empty.json(), { error: 'INVALID_INPUT', message: 'body: must be a JSON object' })
  const poisoned = await w.app.inject({ method: 'POST', url: '/api/categories', headers: { ...h, 'content-type': 'application/json' }, payload: '{"categoryId":"x","name":"y","__proto__":{"admin":true}}' })
  t.equal(poisoned.statusCode, 400)
  const text = await w.app.inject({ method: 'POST', url: '/api/categories', headers: { ...h, 'content-type': 'text/plain' }, payload: 'fridges' })
  t.equal(text.statusCode, 415)
})

t.test('unknown routes are a 404 naming the route', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const res = await w.app.inject({ url: '/api/nothing?x=1' })
  t.same(res.json(), { error: 'NOT_FOUND', message: 'no route GET /api/nothing' })
})

t.test('a failure inside the server is a 500 that shows no internals', async (t) => {
  const w = await testApp()
  t.teardown(async () => { await w.app.close() })
  const h = bearer(w.admin)
  w.db.$client.close()
  const res = await w.app.inject({ url: '/api/categories', headers: h })
  t.equal(res.statusCode, 500)
  t.same(Object.keys(res.json()), ['error', 'message'])
  t.equal(res.json().error, 'INTERNAL')
  t.match(res.json().message, /^internal error in request req-\w+; the server log has the details$/)
  t.notMatch(res.body, /database|sqlite|stack|\.ts/i)
  t.ok(w.logLines.some((line) => line.includes('"level":50') && line.includes('request failed')), 'the details go to the log')
})

t.test('request logs never carry the token', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  w.app.get('/api/echo-log', async (req) => { req.log.info({ headers: req.headers }, 'headers seen'); return {} })
  await w.app.inject({ url: '/api/operators', headers: bearer(w.admin) })
  await w.app.inject({ url: '/api/echo-log', headers: bearer(w.admin) })
  const all = w.logLines.join('')
  t.ok(all.includes('incoming request'), 'requests are logged')
  t.ok(all.includes('headers seen'))
  t.notOk(all.includes(w.admin), 'the admin token appears nowhere in the log')
  t.ok(all.includes('[redacted]'))
})
