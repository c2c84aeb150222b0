// Rate limits on what anyone may call without logging in: 429 with Retry-After, per address,
// configured by RINGLEAD_LIMITS_* (here through the same config overrides).
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { browser } from '../console/helpers.js'
import { testApp } from '../http/helpers.js'
import { bearer, leadsTestApp } from '../http/leads-helpers.js'

const overLimit = (res: { statusCode: number; headers: Record<string, unknown> }): boolean =>
  res.statusCode === 429 && Number(res.headers['retry-after']) > 0

t.test('the limits come from RINGLEAD_LIMITS_* variables', async (t) => {
  const config = loadConfig({ RINGLEAD_LIMITS_LOGIN_PER_MINUTE: '7', RINGLEAD_LIMITS_INTAKE_PER_MINUTE: '8', RINGLEAD_LIMITS_TRACKING_PER_MINUTE: '9' })
  t.same(config.limits, { loginPerMinute: 7, intakePerMinute: 8, trackingPerMinute: 9 })
  t.throws(() => loadConfig({ RINGLEAD_LIMITS_LOGIN_PER_MINUTE: '0' }), /RINGLEAD_LIMITS_LOGIN_PER_MINUTE/)
})

t.test('login posts over the limit get 429 with Retry-After, before any password check', async (t) => {
  const h = await testApp({ console: { secureCookies: false, maxFailedLogins: 100 }, limits: { loginPerMinute: 3 } })
  t.teardown(() => h.close())
  const b = browser(h.app)
  const statuses: number[] = []
  let last
  for (let i = 0; i < 5; i++) {
    const csrf = await b.csrf()
    last = await h.app.inject({ method: 'POST', url: '/login', headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, username: `u${i}`, password: 'wrong password here' }).toString() })
    statuses.push(last.statusCode)
  }
  t.same(statuses, [401, 401, 401, 429, 429])
  t.ok(overLimit(last!), `Retry-After: ${last!.headers['retry-after']}`)
  t.match(last!.json(), { error: 'RATE_LIMITED', message: /too many requests/ })
  t.ok((await b.get('/login')).status < 400, 'the form itself is not limited')
})

t.test('the public intake is limited per address; systems with an API token are not', async (t) => {
  const w = await leadsTestApp({ limits: { intakePerMinute: 4 } })
  t.teardown(w.close)
  const form = () => w.app.inject({ method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: 'Irina', phone: '89991234567' }).toString() })
  const statuses: number[] = []
  let last
  for (let i = 0; i < 6; i++) { last = await form(); statuses.push(last.statusCode) }
  t.same(statuses, [303, 303, 303, 303, 429, 429])
  t.ok(overLimit(last!))
  t.match(last!.body, /The form was not accepted[\s\S]*too many requests/, 'the person sees a page saying so')
  const bogus = await w.app.inject({ method: 'POST', url: '/api/forms/lead', headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: 'Irina', phone: '89991234567' }).toString() })
  t.equal(bogus.statusCode, 429, 'a made-up token does not get around the limit')
  const token = w.tokenFor('supervisor')
  for (let i = 0; i < 8; i++) {
    const res = await w.app.inject({ method: 'POST', url: '/api/leads', headers: bearer(token), payload: { name: 'Irina', phone: `+7999123456${i}` } })
    t.ok(res.statusCode < 300, `with a token: ${res.statusCode}`)
  }
  const other = await w.app.inject({ method: 'POST', url: '/api/forms/lead', remoteAddress: '10.1.2.3', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: 'Oleg', phone: '89991234500' }).toString() })
  t.equal(other.statusCode, 303, 'another address has its own budget')
})

t.test('GET /api/tracking/number is limited per address', async (t) => {
  const h = await testApp({ limits: { trackingPerMinute: 5 } })
  t.teardown(() => h.close())
  const statuses: number[] = []
  let last
  for (let i = 0; i < 7; i++) { last = await h.app.inject({ url: `/api/tracking/number?source=yandex&visitor=v${i}` }); statuses.push(last.statusCode) }
  t.equal(statuses.filter((s) => s === 429).length, 2, statuses.join(' '))
  t.notOk(statuses.slice(0, 5).includes(429))
  t.ok(overLimit(last!))
})
