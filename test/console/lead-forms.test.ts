// The lead page's forms on the server: each checks what the target status needs, names the field it
// refuses in the visitor's language, keeps what was typed, and writes through the lead API.
import t from 'tap'
import { DateTime } from 'luxon'
import { startWorld, type World } from '../helpers/world.js'
import { createUser } from '../../src/accounts/user-service.js'
import { browser, logIn, type Browser } from './helpers.js'
import { parseAmount, readStatusForm } from '../../src/http/console/lead-forms.js'
import { defaultStatusMatrix } from '../../src/domain/lead-status.js'
import { periodRange } from '../../src/http/console/lead-pages.js'
import { translator } from '../../src/http/console/i18n.js'

const password = 'correct horse battery'

t.test('amounts are read exactly, in either decimal mark', async (t) => {
  t.equal(parseAmount('1499', 2), 149900)
  t.equal(parseAmount('1 499,9', 2), 149990)
  t.equal(parseAmount('0.05', 2), 5)
  t.equal(parseAmount('12.345', 2), null, 'more digits than the currency has')
  t.equal(parseAmount('ten', 2), null)
  t.equal(parseAmount('-5', 2), null)
  t.equal(parseAmount('500', 0), 500)
})

t.test('the status form is read by the matrix', async (t) => {
  const en = translator('en')
  const c = { matrix: defaultStatusMatrix, from: 'new', refusalReasons: ['price', 'other'], zone: 'Europe/Moscow', nowMs: Date.UTC(2026, 0, 10, 9), currencyDigits: 2, currency: 'RUB', t: en, st: (s: string) => en(`status.${s}`) }
  t.same(readStatusForm({ status: 'closed' }, { ...c, from: 'closed' }), { ok: false, errors: { status: 'Status: closed cannot follow the current status' } })
  t.same(readStatusForm({ status: 'callback_scheduled', followUpDate: '2026-01-10', followUpTime: '15:30' }, c),
    { ok: true, body: { status: 'callback_scheduled', followUpAt: Date.UTC(2026, 0, 10, 12, 30) } }, 'the time is the shop\'s (Moscow, UTC+3)')
  t.same(readStatusForm({ status: 'callback_scheduled', followUpDate: '2026-01-10', followUpTime: '11:00' }, c),
    { ok: false, errors: { followUp: 'Follow-up time: must be in the future' } })
  t.same(readStatusForm({ status: 'in_progress', reason: '  ' }, c), { ok: true, body: { status: 'in_progress' } })
})

t.test('the board\'s periods are the shop\'s day, week and month', async (t) => {
  const now = Date.UTC(2026, 0, 7, 22, 30) // Thursday 8 January, 01:30 in Moscow
  const zone = 'Europe/Moscow'
  const at = (iso: string): number => DateTime.fromISO(iso, { zone }).toMillis()
  t.same(periodRange('today', now, zone), { from: at('2026-01-08T00:00'), to: at('2026-01-09T00:00') })
  t.same(periodRange('week', now, zone), { from: at('2026-01-05T00:00'), to: at('2026-01-12T00:00') })
  t.same(periodRange('month', now, zone), { from: at('2026-01-01T00:00'), to: at('2026-02-01T00:00') })
})

t.test('lead forms in the console', async (t) => {
  const w: World = await startWorld({ console: { secureCookies: false } })
  t.teardown(() => w.close())
  const app = w.daemon.app
  const bearer = { authorization: `Bearer ${w.token}` }
  const olga = w.addOperator('301', { name: 'Olga Sidorova' })
  const pavel = w.addOperator('302', { name: 'Pavel Orlov' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'supervisor', password, language: 'en' }, Date.now())
  const b: Browser = browser(app)
  t.equal((await logIn(b, 'boss', password)).status, 302)

  const newLead = async (phone: string): Promise<string> => {
    const made = await app.inject({ method: 'POST', url: '/api/leads', headers: bearer, payload: { name: 'Customer', phone } })
    const leadId = JSON.parse(made.body).lead.leadId as string
    await app.inject({ method: 'POST', url: `/api/leads/${leadId}/owner`, headers: bearer, payload: { operatorId: olga } })
    return leadId
  }
  const stored = async (leadId: string) => JSON.parse((await app.inject({ url: `/api/leads/${leadId}`, headers: bearer })).body)
  const send = async (leadId: string, what: string, form: Record<string, string>) => b.post(`/leads/${leadId}/${what}`, { _csrf: await b.csrf(), ...form })
  const fieldError = (body: string, field: string): string | undefined => new RegExp(`data-field="${field}">([^<]*)<`).exec(body)?.[1]?.replaceAll('&quot;', '"')

  await t.test('offers only the moves the matrix allows, with the fields each needs', async (t) => {
    const leadId = await newLead('+79035550201')
    const page = (await b.get(`/leads/${leadId}`)).body
    const offered = [...page.matchAll(/<details class="move" id="to-([a-z_]+)"/g)].map((m) => m[1])
    t.same(offered, defaultStatusMatrix.transitions.new)
    t.match(page, /id="to-callback_scheduled"[\s\S]*?name="followUpDate"[\s\S]*?name="followUpTime"[\s\S]*?<\/details>/)
    t.match(page, /id="to-deal"[\s\S]*?name="amount"[\s\S]*?<\/details>/)
    t.match(page, /id="to-refused"[\s\S]*?<select name="reason"><option value="">choose…<\/option>\s*<option value="price" >price<\/option>/)
    t.notMatch(page.split('id="to-in_progress"')[1]!.split('</details>')[0], /followUp|amount|name="reason"/)
    t.match(page, /id="lead-owner">Olga Sidorova</)
    t.match(page, /class="actor">Olga Sidorova|class="actor">API token/, 'actors by name or kind, not id')
    t.notMatch(page, new RegExp(`class="actor">[^<]*${olga}`))
  })

  await t.test('a callback without its time is refused, the field named and the date kept', async (t) => {
    const leadId = await newLead('+79035550202')
    const res = await send(leadId, 'status', { status: 'callback_scheduled', followUpDate: '2031-05-04', followUpTime: '' })
    t.equal(res.status, 400)
    t.equal(fieldError(res.body, 'followUp'), 'Follow-up time: required for callback scheduled')
    t.match(res.body, /<details class="move" id="to-callback_scheduled" open>/)
    t.match(res.body, /name="followUpDate" min="[^"]+" value="2031-05-04"/)
    t.equal((await stored(leadId)).lead.status, 'new', 'nothing written')

    const ok = await send(leadId, 'status', { status: 'callback_scheduled', followUpDate: '2031-05-04', followUpTime: '15:30' })
    t.equal(ok.status, 302)
    t.equal(ok.headers.location, `/leads/${leadId}`)
    const after = (await stored(leadId)).lead
    t.equal(after.status, 'callback_scheduled')
    t.equal(after.followUpAt, DateTime.fromISO('2031-05-04T15:30', { zone: w.daemon.config.leads.timeZone }).toMillis())
  })

  await t.test('a refusal reason must be one of the configured ones', async (t) => {
    const leadId = await newLead('+79035550203')
    const bad = await send(leadId, 'status', { status: 'refused', reason: 'too expensive!' })
    t.equal(bad.status, 400)
    t.equal(fieldError(bad.body, 'reason'), 'Refusal reason: choose one of the list')
    const none = await send(leadId, 'status', { status: 'refused', reason: '' })
    t.equal(fieldError(none.body, 'reason'), 'Refusal reason: required for refused')
    t.equal((await send(leadId, 'status', { status: 'refused', reason: 'delivery_terms' })).status, 302)
    t.match((await stored(leadId)).lead, { status: 'refused', refusalReason: 'delivery_terms' })
    t.match((await b.get(`/leads/${leadId}`)).body, /id="lead-refusal">delivery terms</)
  })

  await t.test('a deal amount must be a number; a good one is stored in minor units', async (t) => {
    const leadId = await newLead('+79035550204')
    const bad = await send(leadId, 'status', { status: 'deal', amount: '12 thousand' })
    t.equal(bad.status, 400)
    t.equal(fieldError(bad.body, 'amount'), 'Deal amount: not a number (e.g. 1499.90)')
    t.match(bad.body, /name="amount" inputmode="decimal" autocomplete="off" value="12 thousand"/, 'what was typed is kept')
    const missing = await send(leadId, 'status', { status: 'deal', amount: '' })
    t.equal(fieldError(missing.body, 'amount'), 'Deal amount: required for deal')
    t.equal((await send(leadId, 'status', { status: 'deal', amount: '1 499,90' })).status, 302)
    t.match((await stored(leadId)).lead, { status: 'deal', dealAmount: 149990 })
  })

  await t.test('a move the matrix does not allow is refused by name', async (t) => {
    const leadId = await newLead('+79035550205')
    const res = await send(leadId, 'status', { status: 'new' })
    t.equal(res.status, 400)
    t.equal(fieldError(res.body, 'status'), 'Status: new cannot follow the current status')
  })

  await t.test('a note stops the escalation ladder; an empty one is refused', async (t) => {
    const leadId = await newLead('+79035550206')
    t.ok((await stored(leadId)).escalations.some((s: { state: string }) => s.state === 'pending'), 'the ladder is waiting')
    const empty = await send(leadId, 'note', { text: '   ' })
    t.equal(empty.status, 400)
    t.equal(fieldError(empty.body, 'text'), 'Note: must not be empty')
    t.equal((await send(leadId, 'note', { text: 'Called, will think it over' })).status, 302)
    const after = await stored(leadId)
    t.notOk(after.escalations.some((s: { state: string }) => s.state === 'pending'), 'no step left pending')
    t.match(after.events.at(-1), { kind: 'note', reason: 'Called, will think it over' })
  })

  await t.test('the owner changes to an operator of the list, shown by name', async (t) => {
    const leadId = await newLead('+79035550207')
    const bad = await send(leadId, 'owner', { operatorId: 'op_nobody' })
    t.equal(bad.status, 400)
    t.equal(fieldError(bad.body, 'operatorId'), 'Owner: choose an operator of the list')
    t.equal((await send(leadId, 'owner', { operatorId: pavel })).status, 302)
    const page = (await b.get(`/leads/${leadId}`)).body
    t.match(page, /id="lead-owner">Pavel Orlov</)
    t.match(page, /Olga Sidorova → Pavel Orlov/)
    t.match(page, /class="actor">Irina Petrova</, 'the supervisor by name')
  })

  await t.test('a form without the CSRF token is refused', async (t) => {
    const leadId = await newLead('+79035550208')
    const res = await b.post(`/leads/${leadId}/status`, { status: 'in_progress' })
    t.equal(res.status, 403)
    t.equal((await stored(leadId)).lead.status, 'new')
  })

  await t.test('no call button for a caller who withheld the number', async (t) => {
    const lead = w.daemon.app.services.leads!.intake({ channel: 'call', phone: 'anonymous', message: 'missed call' }, 'system').lead
    const page = (await b.get(`/leads/${lead.leadId}`)).body
    t.notMatch(page, /class="dial"/)
    const other = (await b.get(`/leads/${await newLead('+79035550209')}`)).body
    t.match(other, /class="dial" data-phone="\+79035550209"/)
  })

  await t.test('the board puts closed leads in their columns by the period they closed in', async (t) => {
    const board = (await b.get('/leads?view=board')).body
    const column = (status: string): string => board.split(`data-status="${status}"`)[1]!.split('<div class="col"')[0]!
    t.match(column('deal'), /1 499,90|1,499\.90/)
    t.match(column('refused'), /data-lead=/)
    t.notMatch(column('new'), /data-status/)
    t.match((await b.get('/leads?view=board&period=today')).body, /<option value="today" selected>/)
    const api = await app.inject({ url: '/api/leads?closedFrom=0&open=true', headers: bearer })
    t.equal(api.statusCode, 400)
    t.match(JSON.parse(api.body).message, /closedFrom/)
  })
})
