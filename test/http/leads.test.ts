import t from 'tap'
import { createCategory } from '../../src/catalog/catalog-service.js'
import type { LeadInput } from '../../src/leads/lead-service.js'
import { anaId, bearer, count, leadsTestApp, t0, type LeadsTestApp } from './leads-helpers.js'

const minute = 60_000

let customerNo = 0
/** A lead made through the service, as a call or an earlier request would; a new customer each time. */
function addLead (w: LeadsTestApp, input: Partial<LeadInput> = {}): string {
  return w.leads.intake({ channel: 'api', phone: `+7999${1_000_000 + ++customerNo}`, ...input }, 'system').lead.leadId
}

const act = (w: LeadsTestApp, token: string, leadId: string, what: string, payload: Record<string, unknown>) =>
  w.app.inject({ method: 'POST', url: `/api/leads/${leadId}/${what}`, headers: bearer(token), payload })

const ids = (body: { leads: Array<{ leadId: string }> }): string[] => body.leads.map((l) => l.leadId)

t.test('one lead tells its story: the lead, its events, its ladder and what to worry about', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w, { phone: '+79991234567', name: 'Irina', message: 'fridge', source: 'site' })
  const res = await w.app.inject({ url: `/api/leads/${leadId}`, headers: bearer(w.admin) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body.lead, { leadId, status: 'new', phone: '+79991234567', ownerId: anaId, deadlineAt: t0 + 40 * minute, flags: { overdue: false, overdueInStatus: false, phoneProblem: false } })
  t.match(body.events, [{ kind: 'created', actor: 'system', toStatus: 'new', data: { channel: 'api', source: 'site', ownerId: anaId } }])
  t.same(body.escalations.map((s: { step: string; state: string; dueAt: number; targetOperatorId: string }) => [s.step, s.state, s.dueAt, s.targetOperatorId]), [
    ['reminder', 'pending', t0 + 30 * minute, anaId],
    ['owner_call', 'pending', t0 + 40 * minute, anaId]
  ])

  w.clock.ms = t0 + 41 * minute
  const later = (await w.app.inject({ url: `/api/leads/${leadId}`, headers: bearer(w.admin) })).json()
  t.same(later.lead.flags, { overdue: true, overdueInStatus: true, phoneProblem: false }, 'past the deadline and the 40 minutes "new" may last')
})

t.test('statuses and their time limits come from the configured matrix', async (t) => {
  const statusMatrix = JSON.stringify({
    initial: 'new',
    statuses: { new: { open: true, limitMinutes: 5 }, qualified: { open: true, isResponse: true }, closed: { open: false } },
    transitions: { new: ['qualified', 'closed'], qualified: ['closed'], closed: [] }
  })
  const w = await leadsTestApp({ leads: { statusMatrix } })
  t.teardown(w.close)
  const leadId = addLead(w)
  w.clock.ms += 6 * minute
  const h = bearer(w.admin)
  t.match((await w.app.inject({ url: `/api/leads/${leadId}`, headers: h })).json().lead.flags, { overdue: false, overdueInStatus: true })
  t.equal((await act(w, w.admin, leadId, 'status', { status: 'qualified' })).json().lead.status, 'qualified')
  t.same(ids((await w.app.inject({ url: '/api/leads?status=qualified', headers: h })).json()), [leadId])
  t.match((await w.app.inject({ url: '/api/leads?status=in_progress', headers: h })).json().message, 'status: unknown status "in_progress" (known: new, qualified, closed)')
})

t.test('a phone that is not a number is flagged', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w, { phone: 'call me maybe' })
  const lead = (await w.app.inject({ url: `/api/leads/${leadId}`, headers: bearer(w.admin) })).json().lead
  t.match(lead, { phone: 'call me maybe', phoneProblem: 'not a phone number', flags: { phoneProblem: true } })
})

t.test('an unknown lead is a 404 naming it; lead routes want a token', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await w.app.inject({ url: '/api/leads/lead_nope', headers: bearer(w.admin) })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'NOT_FOUND', message: 'lead lead_nope not found' })
  t.equal((await act(w, w.admin, 'lead_nope', 'notes', { text: 'x' })).statusCode, 404)
  for (const [method, url] of [['GET', '/api/leads'], ['GET', '/api/leads/lead_1'], ['POST', '/api/leads/lead_1/status'], ['POST', '/api/leads/lead_1/notes']] as const) {
    t.equal((await w.app.inject({ method, url })).statusCode, 401, `${method} ${url}`)
  }
})

t.test('leads are listed newest first, filtered, a page at a time, ties included', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  createCategory(w.catalog, { categoryId: 'ovens', name: 'Ovens' })
  const ben = w.addOperator({}, 'op_ben')
  const made: string[] = []
  for (let i = 0; i < 7; i++) {
    w.clock.ms = t0 + (i < 4 ? 0 : i) * minute // four leads share the first millisecond
    made.push(addLead(w, { source: i % 2 === 0 ? 'site' : 'yandex', channel: i === 6 ? 'form' : 'api', categoryId: i === 5 ? 'ovens' : null }))
  }
  w.leads.assignOwner(made[1]!, ben, 'system', 'test')
  w.leads.changeStatus(made[2]!, 'closed', { actor: 'system' })
  w.clock.ms = t0 + 45 * minute
  const h = bearer(w.admin)
  const list = async (query: string) => (await w.app.inject({ url: `/api/leads${query}`, headers: h })).json()

  const all = await list('')
  t.equal(all.leads.length, 7)
  t.same(ids(all).slice(0, 3), [made[6], made[5], made[4]])
  t.same(new Set(ids(all).slice(3)), new Set(made.slice(0, 4)))
  t.equal(all.nextBefore, null)

  const seen: string[] = []
  let before: string | null = null
  do {
    const page: { leads: Array<{ leadId: string }>; nextBefore: string | null } = await list(`?limit=2${before ? `&before=${before}` : ''}`)
    t.ok(page.leads.length <= 2)
    seen.push(...ids(page))
    before = page.nextBefore
  } while (before !== null)
  t.same(seen, ids(all), 'pages cover every lead once, in order, through the tie')

  t.same(new Set(ids(await list('?source=yandex'))), new Set([made[1], made[3], made[5]]))
  t.same(ids(await list('?channel=form')), [made[6]])
  t.same(ids(await list('?categoryId=ovens')), [made[5]])
  t.same(ids(await list(`?ownerId=${ben}`)), [made[1]])
  t.same(ids(await list('?status=closed')), [made[2]])
  t.same(ids(await list('?open=false')), [made[2]])
  t.equal((await list('?open=true')).leads.length, 6)
  const overdue = await list('?overdue=true')
  t.same(new Set(ids(overdue)), new Set([made[0], made[1], made[3], made[4]]), 'open, and past a 40-minute deadline 45 minutes in')
  t.ok(overdue.leads.every((l: { flags: { overdue: boolean } }) => l.flags.overdue))
})

t.test('bad list filters are 400s naming the filter', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  const message = async (query: string) => (await w.app.inject({ url: `/api/leads${query}`, headers: h })).json().message
  t.equal(await message('?status=lost'), 'status: unknown status "lost" (known: new, in_progress, callback_scheduled, deal, refused, closed)')
  t.equal(await message('?channel=fax'), 'channel: must be one of call, form, api, telegram, follow_up')
  t.equal(await message('?open=maybe'), 'open: must be true or false')
  t.equal(await message('?overdue=false'), 'overdue: must be true (leave it out for every lead)')
  t.equal(await message('?overdue=true&open=false'), 'overdue: only open leads are overdue; leave out open=false')
  t.equal(await message('?limit=1000'), 'limit: must be a whole number from 1 to 200')
  t.equal(await message('?before=garbage'), 'before: is not a cursor this server gave out; use nextBefore from the previous page')
  t.match(await message('?colour=red'), /^query: unknown field colour/)
})

t.test('closed leads are listed by when they closed: closedFrom inclusive, closedTo exclusive', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  const early = addLead(w)
  const late = addLead(w)
  const open = addLead(w)
  w.clock.ms = t0 + 10 * minute
  w.leads.changeStatus(early, 'deal', { actor: 'system' })
  w.clock.ms = t0 + 20 * minute
  w.leads.changeStatus(late, 'refused', { actor: 'system', reason: 'price' })
  const list = async (query: string) => (await w.app.inject({ url: `/api/leads${query}`, headers: h })).json()
  t.same(ids(await list(`?closedFrom=${t0 + 10 * minute}`)).sort(), [early, late].sort())
  t.same(ids(await list(`?closedFrom=${t0 + 10 * minute + 1}`)), [late])
  t.same(ids(await list(`?closedTo=${t0 + 20 * minute}`)), [early])
  t.notOk(ids(await list(`?closedTo=${t0 + 60 * minute}`)).includes(open), 'an open lead never closed')
  t.equal((await list('?closedFrom=5&closedTo=5')).message, 'closedTo: must be after closedFrom (5)')
  t.equal((await list('?closedFrom=5&open=true')).message, 'closedFrom: asks for closed leads; leave out open=true and overdue')
})

t.test('an operator sees and works only their own leads', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const ben = w.addOperator({}, 'op_ben')
  const anas = addLead(w)
  const bens = addLead(w)
  w.leads.assignOwner(bens, ben, 'system', 'test')
  const ana = w.tokenFor('operator', anaId)
  t.same(ids((await w.app.inject({ url: '/api/leads', headers: bearer(ana) })).json()), [anas])
  const others = await w.app.inject({ url: `/api/leads?ownerId=${ben}`, headers: bearer(ana) })
  t.equal(others.statusCode, 403)
  t.match(others.json().message, 'other operators\' leads need role supervisor or admin')
  t.equal((await w.app.inject({ url: `/api/leads/${anas}`, headers: bearer(ana) })).statusCode, 200)
  const read = await w.app.inject({ url: `/api/leads/${bens}`, headers: bearer(ana) })
  t.equal(read.statusCode, 403)
  t.same(read.json(), { error: 'FORBIDDEN', message: `an operator token may work only on its own operator's leads (${anaId}); lead ${bens} belongs to ${ben} and needs role supervisor or admin` })
  for (const [what, payload] of [['status', { status: 'in_progress' }], ['disposition', { outcome: 'deal' }], ['notes', { text: 'x' }], ['owner', { operatorId: anaId }]] as const) {
    t.equal((await act(w, ana, bens, what, payload)).statusCode, 403, what)
  }
  t.equal(w.repo.get(bens)?.status, 'new')
  w.clock.ms += minute
  t.equal((await act(w, ana, anas, 'status', { status: 'in_progress' })).statusCode, 200)
  t.equal(w.repo.events(anas).at(-1)?.actor, `operator:${anaId}`)
  t.same(ids((await w.app.inject({ url: '/api/leads', headers: bearer(w.tokenFor('supervisor')) })).json()).length, 2)
})

t.test('a status change follows the matrix and is written down', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w)
  const token = w.tokenFor('supervisor')
  w.clock.ms += 5 * minute
  const res = await act(w, token, leadId, 'status', { status: 'in_progress', reason: 'called back' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body.lead, { status: 'in_progress', statusSince: t0 + 5 * minute, respondedAt: t0 + 5 * minute, deadlineAt: null, flags: { overdue: false } })
  t.match(body.events.at(-1), { kind: 'status', actor: /^token:tok_/, fromStatus: 'new', toStatus: 'in_progress', reason: 'called back' })
  t.same(body.escalations.map((s: { state: string }) => s.state), ['cancelled', 'cancelled'], 'a response stops the ladder')
  t.same(w.emitted, ['lead.created', 'lead.status_changed'])
})

t.test('a move the matrix refuses is a 409 naming both statuses', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w)
  const token = w.tokenFor('admin')
  t.equal((await act(w, token, leadId, 'status', { status: 'deal' })).statusCode, 200)
  const back = await act(w, token, leadId, 'status', { status: 'in_progress' })
  t.equal(back.statusCode, 409)
  t.same(back.json(), { error: 'TRANSITION_REFUSED', message: `lead ${leadId}: lead cannot go from deal to in_progress (allowed: closed)` })
  const refused = await act(w, token, addLead(w), 'status', { status: 'refused' })
  t.equal(refused.statusCode, 409)
  t.match(refused.json().message, 'status refused needs a reason')
  t.equal(w.repo.get(leadId)?.status, 'deal')
})

t.test('bad status input is a 400 naming the field', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w)
  const token = w.tokenFor('admin')
  const message = async (payload: Record<string, unknown>) => (await act(w, token, leadId, 'status', payload)).json().message
  t.equal(await message({ status: 'won' }), 'status: unknown status "won" (known: new, in_progress, callback_scheduled, deal, refused, closed)')
  t.equal(await message({}), 'status: is required')
  t.equal(await message({ status: 'callback_scheduled', followUpAt: 'tomorrow' }),
    'followUpAt: must be an ISO 8601 date-time with a zone, like 2024-05-01T10:00:00+03:00, or epoch milliseconds')
  t.equal(await message({ status: 'callback_scheduled', followUpAt: '2023-11-14T10:00:00' }),
    'followUpAt: must be an ISO 8601 date-time with a zone, like 2024-05-01T10:00:00+03:00, or epoch milliseconds', 'a time without a zone is ambiguous')
  t.equal(await message({ status: 'callback_scheduled', followUpAt: t0 - 1 }), 'followUpAt: must be in the future (got 2023-11-14T22:13:19.999Z)')
  t.equal(await message({ status: 'callback_scheduled', followUpAt: '2023-02-30T10:00:00Z' }), 'followUpAt: "2023-02-30T10:00:00Z" is not a date')
  t.equal(w.repo.get(leadId)?.status, 'new')
})

t.test('a callback takes its follow-up time as ISO 8601 or epoch ms and schedules the follow-up step', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const iso = addLead(w)
  const res = await act(w, token, iso, 'status', { status: 'callback_scheduled', followUpAt: '2023-11-15T12:00:00+03:00' })
  t.equal(res.statusCode, 200)
  const at = Date.parse('2023-11-15T09:00:00Z')
  t.match(res.json().lead, { status: 'callback_scheduled', followUpAt: at })
  t.match(res.json().escalations.at(-1), { step: 'follow_up', state: 'pending', dueAt: at })

  const epoch = addLead(w)
  const disp = await act(w, token, epoch, 'disposition', { outcome: 'callback', followUpAt: t0 + 60 * minute })
  t.equal(disp.statusCode, 200)
  t.match(disp.json().lead, { status: 'callback_scheduled', followUpAt: t0 + 60 * minute })
  t.match(disp.json().events.at(-1), { kind: 'disposition', fromStatus: 'new', toStatus: 'callback_scheduled' })
})

t.test('a disposition closes the lead as a deal or a refusal with a known reason', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const token = w.tokenFor('admin')
  const won = addLead(w)
  const deal = await act(w, token, won, 'disposition', { outcome: 'deal' })
  t.match(deal.json().lead, { status: 'deal', closedAt: t0 })
  t.ok(w.emitted.includes('disposition.recorded'))
  const lost = addLead(w)
  const badReason = await act(w, token, lost, 'disposition', { outcome: 'refused', reason: 'rude' })
  t.equal(badReason.statusCode, 409)
  t.match(badReason.json().message, 'reason "rude" is not one of price, not_in_stock')
  const refused = await act(w, token, lost, 'disposition', { outcome: 'refused', reason: 'price' })
  t.match(refused.json().lead, { status: 'refused', refusalReason: 'price', closedAt: t0 })
  const bad = await act(w, token, lost, 'disposition', { outcome: 'maybe' })
  t.same(bad.json(), { error: 'INVALID_INPUT', message: 'outcome: must be one of deal, refused, callback' })
})

t.test('a supervisor gives a lead to another operator', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const ben = w.addOperator({}, 'op_ben')
  const leadId = addLead(w)
  const supervisor = w.tokenFor('supervisor')
  const res = await act(w, supervisor, leadId, 'owner', { operatorId: ben, reason: 'speaks Tatar' })
  t.equal(res.statusCode, 200)
  t.match(res.json().lead, { ownerId: ben, ownerReasons: ['speaks Tatar'] })
  t.match(res.json().events.at(-1), { kind: 'owner', reason: 'speaks Tatar', data: { from: anaId, to: ben } })
  const noReason = await act(w, supervisor, leadId, 'owner', { operatorId: anaId })
  t.match(noReason.json().lead.ownerReasons, [/^assigned by token:tok_/])

  t.same((await act(w, supervisor, leadId, 'owner', { operatorId: 'op_ghost' })).json(), { error: 'INVALID_INPUT', message: 'operatorId: unknown operator op_ghost' })
  await w.app.inject({ method: 'DELETE', url: `/api/operators/${ben}`, headers: bearer(w.admin) })
  t.same((await act(w, supervisor, leadId, 'owner', { operatorId: ben })).json(), { error: 'INVALID_INPUT', message: 'operatorId: operator op_ben was removed' })
  const byOperator = await act(w, w.tokenFor('operator', anaId), leadId, 'owner', { operatorId: anaId })
  t.equal(byOperator.statusCode, 403)
  t.same(byOperator.json(), { error: 'FORBIDDEN', message: 'this needs role supervisor or admin; the token has role operator' })
})

t.test('a note is written down and counts as a response', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const leadId = addLead(w)
  w.clock.ms += 3 * minute
  const res = await act(w, w.tokenFor('operator', anaId), leadId, 'notes', { text: 'wrote to the customer on WhatsApp' })
  t.equal(res.statusCode, 200)
  t.match(res.json().lead, { respondedAt: t0 + 3 * minute, deadlineAt: null })
  t.match(res.json().events.at(-1), { kind: 'note', actor: `operator:${anaId}`, reason: 'wrote to the customer on WhatsApp' })
  t.same((await act(w, w.admin, leadId, 'notes', { text: '' })).json(), { error: 'INVALID_INPUT', message: 'text: must not be empty' })
  t.equal(count(w.db, 'lead_events'), 2)
})
