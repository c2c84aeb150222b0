import t from 'tap'
import { createCategory } from '../../src/catalog/catalog-service.js'
import { testApp } from './helpers.js'
import { anaId, bearer, count, leadsTestApp, t0, type LeadsTestApp } from './leads-helpers.js'

const lead = { name: 'Irina', phone: '+7 999 123-45-67', email: 'Irina@Example.com', message: 'Need a fridge', source: 'partner-site', utm: { utm_source: 'google', utm_campaign: 'spring' }, externalId: 'crm-42' }

const postLead = (w: LeadsTestApp, token: string, payload: unknown, headers: Record<string, string> = {}) =>
  w.app.inject({ method: 'POST', url: '/api/leads', headers: { ...bearer(token), ...headers }, payload: payload as Record<string, unknown> })

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString()
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }
const postForm = (w: LeadsTestApp, fields: Record<string, string>) =>
  w.app.inject({ method: 'POST', url: '/api/forms/lead', headers: formHeaders, payload: form(fields) })

// ---- JSON intake ----

t.test('a system with any token posts a lead and gets it back with 201', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await postLead(w, w.tokenFor('supervisor'), lead)
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.equal(body.created, true)
  t.match(body.lead, {
    leadId: /^lead_/, phone: '+79991234567', phoneProblem: null, email: 'irina@example.com', name: 'Irina', channel: 'api',
    source: 'partner-site', message: 'Need a fridge', utm: { utm_source: 'google', utm_campaign: 'spring' }, externalId: 'crm-42',
    status: 'new', ownerId: anaId, ownerReasons: ['Ana takes every lead in these tests'], createdAt: t0, deadlineAt: t0 + 40 * 60_000,
    flags: { overdue: false, overdueInStatus: false, phoneProblem: false }
  })
  t.equal(res.headers['idempotent-replayed'], undefined)
  const [created] = w.repo.events(body.lead.leadId)
  t.match(created, { kind: 'created', actor: /^token:tok_/, toStatus: 'new' })
  t.same(w.emitted, ['lead.created'])
})

t.test('an operator token may create leads; the change is written down as the operator', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await postLead(w, w.tokenFor('operator', anaId), { email: 'a@b.co' })
  t.equal(res.statusCode, 201)
  t.equal(w.repo.events(res.json().lead.leadId)[0]?.actor, `operator:${anaId}`)
})

t.test('news from a customer with an open lead updates that lead: 200 and created false', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const first = (await postLead(w, token, lead)).json()
  w.clock.ms += 60_000
  const again = await postLead(w, token, { phone: '89991234567', message: 'Any news?' })
  t.equal(again.statusCode, 200)
  t.equal(again.json().created, false)
  t.equal(again.json().lead.leadId, first.lead.leadId)
  t.equal(again.json().lead.message, 'Need a fridge\n---\nAny news?')
  t.equal(count(w.db, 'leads'), 1)
})

t.test('a system may send a lead known only by its external id; later news with the id joins it', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const first = await postLead(w, token, { name: 'Irina', externalId: 'crm-7', message: 'Need a fridge' })
  t.equal(first.statusCode, 201)
  t.match(first.json().lead, { externalId: 'crm-7', phone: null, email: null, name: 'Irina', status: 'new' })
  w.clock.ms += 60_000
  const again = await postLead(w, token, { externalId: 'crm-7', phone: '89991234567' })
  t.equal(again.statusCode, 200)
  t.match(again.json(), { created: false, lead: { leadId: first.json().lead.leadId, phone: '+79991234567', flags: { phoneProblem: false } } })
  t.equal(count(w.db, 'leads'), 1)
})

t.test('bad intake input is a 400 naming the field', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  createCategory(w.catalog, { categoryId: 'fridges', name: 'Fridges' })
  const cases: Array<[unknown, string | RegExp, Record<string, string>?]> = [
    [{ name: 'Irina', message: 'call me' }, 'phone: a lead needs a phone or an e-mail'],
    [{ email: 'irina(at)example.com' }, 'email: must be an e-mail address like name@example.com'],
    [{ phone: '+79991234567', name: 'x'.repeat(201) }, 'name: must be at most 200 characters'],
    [{ phone: '+79991234567', message: 'x'.repeat(5001) }, 'message: must be at most 5000 characters'],
    [{ phone: '+79991234567', categoryId: 'ovens' }, 'categoryId: unknown category ovens'],
    [{ phone: '+79991234567', colour: 'red' }, /^body: unknown field colour \(allowed: name, phone, email/],
    [{ phone: '+79991234567', utm: { utm_source: 'x', gclid: 'y' } }, /^utm: unknown field gclid/],
    [{ phone: 42 }, 'phone: must be text'],
    [{ phone: '+79991234567' }, 'idempotency-key: must be at most 200 characters', { 'idempotency-key': 'k'.repeat(201) }]
  ]
  for (const [payload, message, headers] of cases) {
    const res = await postLead(w, token, payload, headers)
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.match(res.json(), { error: 'INVALID_INPUT', message })
  }
  t.equal(count(w.db, 'leads'), 0)
  t.equal((await postLead(w, token, { phone: '+79991234567', categoryId: 'fridges' })).statusCode, 201)
})

t.test('intake needs a token, checked before the body', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await w.app.inject({ method: 'POST', url: '/api/leads', payload: { nonsense: true } })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'UNAUTHORIZED', message: 'missing Authorization header: send Authorization: Bearer <token>' })
  t.equal((await postLead(w, 'rl_made_up', lead)).statusCode, 401)
})

t.test('a retry with the same Idempotency-Key and body returns the same lead once made', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const key = { 'idempotency-key': 'order-1001' }
  const first = await postLead(w, token, lead, key)
  t.equal(first.statusCode, 201)
  w.clock.ms += 5_000
  const reordered = Object.fromEntries(Object.entries(lead).reverse())
  const retry = await postLead(w, token, reordered, key)
  t.equal(retry.statusCode, 200)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.json().created, false)
  t.equal(retry.json().lead.leadId, first.json().lead.leadId)
  t.equal(retry.json().lead.message, 'Need a fridge', 'the replay changed nothing')
  t.equal(count(w.db, 'leads'), 1)
  t.equal(count(w.db, 'idempotency_keys'), 1)
  t.same(w.repo.events(first.json().lead.leadId).map((e) => e.kind), ['created'])
  t.same(w.emitted, ['lead.created'])

  const other = await postLead(w, token, { ...lead, message: 'Something else' }, key)
  t.equal(other.statusCode, 422)
  t.same(other.json(), { error: 'IDEMPOTENCY_KEY_REUSED', message: 'Idempotency-Key "order-1001": already used with a different body; send a new key for a new request' })
  t.equal(w.repo.get(first.json().lead.leadId)?.message, 'Need a fridge')
})

t.test('idempotency keys belong to the token that sent them', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const key = { 'idempotency-key': 'k1' }
  t.equal((await postLead(w, w.tokenFor('admin'), { email: 'a@b.co' }, key)).statusCode, 201)
  const fromOther = await postLead(w, w.tokenFor('admin'), { email: 'c@d.co' }, key)
  t.equal(fromOther.statusCode, 201, 'another token may use the same key for its own request')
  t.equal(count(w.db, 'idempotency_keys'), 2)
})

t.test('a refused request stores no key: the client may fix the body and retry with it', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const key = { 'idempotency-key': 'k2' }
  t.equal((await postLead(w, token, { name: 'Irina' }, key)).statusCode, 400)
  t.equal(count(w.db, 'idempotency_keys'), 0)
  t.equal((await postLead(w, token, { name: 'Irina', email: 'i@e.co' }, key)).statusCode, 201)
})

t.test('an intake body over the limit is a 413', async (t) => {
  const w = await leadsTestApp({ http: { bodyLimitBytes: 2048 } })
  t.teardown(w.close)
  const res = await postLead(w, w.tokenFor('admin'), { phone: '+79991234567', message: 'x'.repeat(4000) })
  t.equal(res.statusCode, 413)
  t.same(res.json(), { error: 'PAYLOAD_TOO_LARGE', message: 'body: larger than the limit of 2048 bytes' })
})

t.test('without the lead service there are no lead routes', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  for (const [method, url] of [['POST', '/api/leads'], ['GET', '/api/leads'], ['POST', '/api/forms/lead'], ['POST', '/api/telegram/webhook']] as const) {
    t.equal((await w.app.inject({ method, url, headers: bearer(w.admin) })).statusCode, 404, `${method} ${url}`)
  }
})

// ---- the web form ----

t.test('the web form needs no token, makes a lead and sends the person to the thank-you page', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  createCategory(w.catalog, { categoryId: 'fridges', name: 'Fridges' })
  const res = await postForm(w, {
    name: ' Irina ', phone: '8 999 123 45 67', email: '', message: 'Call me after 6', category: 'fridges',
    utm_source: 'yandex', utm_medium: 'cpc', utm_campaign: '', website: '', submit: 'Send'
  })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/thanks.html')
  const [row] = w.repo.list({})
  t.match(row, { channel: 'form', name: 'Irina', phone: '+79991234567', email: null, message: 'Call me after 6', source: 'site-form', categoryId: 'fridges', utm: '{"utm_source":"yandex","utm_medium":"cpc"}' })
  t.equal(w.repo.events(row!.leadId)[0]?.actor, 'form')
})

t.test('the form takes its source when given, and a charset in the content type', async (t) => {
  const w = await leadsTestApp({ forms: { thankYouUrl: 'https://shop.example/thanks' } })
  t.teardown(w.close)
  const res = await w.app.inject({
    method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    payload: form({ email: 'i@e.co', source: 'landing-2' })
  })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, 'https://shop.example/thanks')
  t.equal(w.repo.list({})[0]?.source, 'landing-2')
})

t.test('the form redirects to a path or the thank-you page\'s site, never to another host', async (t) => {
  const w = await leadsTestApp({ forms: { thankYouUrl: 'https://shop.example/thanks' } })
  t.teardown(w.close)
  const landing = async (redirect: string): Promise<string | undefined> => {
    const res = await postForm(w, { email: 'i@e.co', redirect })
    t.equal(res.statusCode, 303)
    return res.headers.location as string | undefined
  }
  t.equal(await landing('/thanks/fridges?x=1'), '/thanks/fridges?x=1')
  t.equal(await landing('https://shop.example/thanks/fridges'), 'https://shop.example/thanks/fridges')
  for (const evil of ['https://evil.example/phish', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'https://shop.example.evil.example/', 'http://shop.example/thanks', '/x\r\nSet-Cookie: a=b']) {
    t.equal(await landing(evil), 'https://shop.example/thanks', evil)
  }
  t.ok(w.logLines.some((line) => line.includes('form redirect refused')))
})

t.test('with a relative thank-you page, only paths are followed', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await postForm(w, { email: 'i@e.co', redirect: 'https://shop.example/x' })
  t.equal(res.headers.location, '/thanks.html')
})

t.test('a filled honeypot looks like success and creates nothing', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await postForm(w, { name: 'bot', phone: '+79991234567', website: 'http://spam.example' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/thanks.html')
  t.equal(count(w.db, 'leads'), 0)
})

t.test('a bad form is a 400 page naming the field, for the person who filled it in', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const cases: Array<[Record<string, string>, string]> = [
    [{ name: 'Irina', phone: '', email: '' }, 'phone: a lead needs a phone or an e-mail'],
    [{ email: 'not an address' }, 'email: must be an e-mail address like name@example.com'],
    [{ phone: '+79991234567', category: '<b>ovens</b>' }, 'category: unknown category &lt;b&gt;ovens&lt;/b&gt;'],
    [{ phone: '+79991234567', name: 'x'.repeat(201) }, 'name: must be at most 200 characters']
  ]
  for (const [fields, line] of cases) {
    const res = await postForm(w, fields)
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.ok(res.body.includes(`<li>${line}</li>`), res.body)
    t.notOk(res.body.includes('<b>'), 'what was typed is escaped')
  }
  const empty = await w.app.inject({ method: 'POST', url: '/api/forms/lead' })
  t.equal(empty.statusCode, 400)
  t.ok(empty.body.includes('the form arrived empty'))
  t.equal(count(w.db, 'leads'), 0)
})

t.test('an oversized or wrongly encoded form is refused with a page', async (t) => {
  const w = await leadsTestApp({ http: { bodyLimitBytes: 2048 } })
  t.teardown(w.close)
  const big = await postForm(w, { phone: '+79991234567', message: 'x'.repeat(4000) })
  t.equal(big.statusCode, 413)
  t.match(big.headers['content-type'], /^text\/html/)
  t.ok(big.body.includes('larger than 2048 bytes'))
  const multipart = await w.app.inject({
    method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--'
  })
  t.equal(multipart.statusCode, 415)
  t.ok(multipart.body.includes('application/x-www-form-urlencoded'))
  t.equal(count(w.db, 'leads'), 0)
})

t.test('urlencoded bodies are understood only by the form', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await w.app.inject({ method: 'POST', url: '/api/leads', headers: { ...bearer(w.admin), ...formHeaders }, payload: form({ phone: '+79991234567' }) })
  t.equal(res.statusCode, 415)
})
