// The lead repository on a real in-memory database with the migrations applied, and the lead
// service's ways of knowing a customer.
import t from 'tap'
import { LeadsRepo, type NewLead } from '../../src/db/leads-repo.js'
import { openDb } from '../../src/db/open.js'
import { count, leadsTestApp, t0 } from '../http/leads-helpers.js'

const hour = 3_600_000

const repoWithLeads = (): LeadsRepo => new LeadsRepo(openDb(':memory:'))

const lead = (leadId: string, o: Partial<NewLead> = {}): NewLead => ({
  leadId, channel: 'api', status: 'new', statusSince: t0, createdAt: t0, updatedAt: t0, ...o
})

t.test('the list pages by (createdAt, leadId): leads of one millisecond are split across pages without loss', async (t) => {
  const repo = repoWithLeads()
  t.teardown(() => repo.db.$client.close())
  for (const id of ['b', 'd', 'a', 'c']) repo.insert(lead(`lead_${id}`)) // one millisecond
  repo.insert(lead('lead_z', { createdAt: t0 - 1 }))
  repo.insert(lead('lead_new', { createdAt: t0 + 1 }))
  const all = repo.list({}).map((r) => r.leadId)
  t.same(all, ['lead_new', 'lead_d', 'lead_c', 'lead_b', 'lead_a', 'lead_z'])

  const seen: string[] = []
  let before: { createdAt: number; leadId: string } | undefined
  for (;;) {
    const page = repo.list({ limit: 2, before })
    seen.push(...page.map((r) => r.leadId))
    const last = page.at(-1)
    if (page.length < 2 || last === undefined) break
    before = { createdAt: last.createdAt, leadId: last.leadId }
  }
  t.same(seen, all)
  t.same(repo.list({ before: { createdAt: t0, leadId: 'lead_c' }, status: 'new' }).map((r) => r.leadId), ['lead_b', 'lead_a', 'lead_z'], 'filters and the cursor combine')
})

t.test('a lead\'s events come back in the order they were written, also within one millisecond', async (t) => {
  const repo = repoWithLeads()
  t.teardown(() => repo.db.$client.close())
  repo.insert(lead('lead_1'))
  const kinds = ['created', 'updated', 'status', 'note']
  kinds.forEach((kind, i) => repo.addEvent({ eventId: `lev_${9 - i}`, leadId: 'lead_1', at: t0, actor: 'system', kind }))
  t.same(repo.events('lead_1').map((e) => e.kind), kinds)
})

t.test('an open lead is found by its external id within the dedup window, and not once closed', async (t) => {
  const repo = repoWithLeads()
  t.teardown(() => repo.db.$client.close())
  repo.insert(lead('lead_chat', { externalId: 'tg:1', updatedAt: t0 }))
  repo.insert(lead('lead_phone', { phone: '+79991234567', updatedAt: t0 - 1 }))
  const who = { phone: null, email: null, externalId: 'tg:1' }
  t.equal(repo.openLeadOf(who, t0 - hour)?.leadId, 'lead_chat')
  t.equal(repo.openLeadOf(who, t0 + 1), undefined, 'outside the window')
  t.equal(repo.openLeadOf({ ...who, externalId: 'tg:2' }, t0 - hour), undefined)
  t.equal(repo.openLeadOf({ phone: '+79991234567', email: null, externalId: 'tg:2' }, t0 - hour)?.leadId, 'lead_phone', 'any one key is enough')
  t.equal(repo.openLeadOf({ phone: null, email: null, externalId: null }, t0 - hour), undefined)
  repo.update('lead_chat', { closedAt: t0 })
  t.equal(repo.openLeadOf(who, t0 - hour), undefined)
})

t.test('the search by external id uses its index', async (t) => {
  const repo = repoWithLeads()
  t.teardown(() => repo.db.$client.close())
  const plan = repo.db.$client.prepare('EXPLAIN QUERY PLAN SELECT * FROM leads WHERE external_id = ? AND closed_at IS NULL').all('tg:1') as Array<{ detail: string }>
  t.match(plan.map((p) => p.detail).join('\n'), /leads_external_id_open/)
})

t.test('a lead may start with only an external id, and learns the phone from the next request', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const first = w.leads.intake({ channel: 'api', name: 'Irina', externalId: ' crm-7 ', message: 'call me' }, 'system')
  t.equal(first.created, true)
  t.match(first.lead, { externalId: 'crm-7', phone: null, email: null, customerId: null, status: 'new' })
  w.clock.ms += 60_000
  const second = w.leads.intake({ channel: 'api', externalId: 'crm-7', phone: '8 999 123-45-67', email: 'I@E.co', message: 'any time' }, 'system')
  t.equal(second.created, false)
  t.match(second.lead, { leadId: first.lead.leadId, phone: '+79991234567', phoneProblem: null, email: 'i@e.co', customerId: /^cus_/, message: 'call me\n---\nany time' })
  const third = w.leads.intake({ channel: 'form', phone: '+79991234567', externalId: 'crm-8' }, 'system')
  t.equal(third.lead.leadId, first.lead.leadId, 'found by the phone it learnt')
  t.equal(third.lead.externalId, 'crm-7', 'a known external id is kept')
  t.equal(count(w.db, 'leads'), 1)
})

t.test('a lead found by phone learns the external id it lacked', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const { lead } = w.leads.intake({ channel: 'call', phone: '+79991234567' }, 'system')
  const again = w.leads.intake({ channel: 'telegram', phone: '79991234567', externalId: 'tg:5' }, 'telegram')
  t.match(again, { created: false, lead: { leadId: lead.leadId, externalId: 'tg:5', phone: '+79991234567' } })
})

t.test('a lead needs some way to know the customer', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  for (const externalId of [undefined, null, '', '   ']) {
    t.throws(() => w.leads.intake({ channel: 'api', name: 'Irina', message: 'hi', externalId }, 'system'),
      { code: 'INVALID_INPUT', message: /^phone: a lead needs a phone or an e-mail/ }, String(externalId))
  }
  t.equal(count(w.db, 'leads'), 0)
})
