// A call's commits write one page per index its rows are in (0008_lean_indexes). The indexes that
// repeated the first columns of wider ones are gone, and indexes on columns most rows leave empty
// hold only the rows with a value. Every read they served still goes through an index, never a
// walk of the whole table.
import t from 'tap'
import { openDb, type Db } from '../../src/db/open.js'
import { ReportsReader } from '../../src/db/reports-read.js'
import { queueStatsByHour } from '../../src/db/queue-stats.js'
import { CustomersRepo } from '../../src/db/customers-repo.js'
import { LeadsRepo } from '../../src/db/leads-repo.js'
import { calls, customers, leads } from '../../src/db/schema.js'
import { preparedDuring as prepared } from '../helpers/prepared-sql.js'

function planOf (db: Db, query: string): string {
  const stmt = db.$client.prepare(`EXPLAIN QUERY PLAN ${query}`)
  // Any value for each parameter: the plan does not depend on them.
  const named = [...new Set([...query.matchAll(/[@:$](\w+)/g)].map((m) => m[1]!))]
  const params = named.length > 0 ? [Object.fromEntries(named.map((n) => [n, 1]))] : Array.from({ length: (query.match(/\?/g) ?? []).length }, () => 1)
  return (stmt.all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
}

t.test('the prefix indexes are gone and the sparse ones hold only rows with a value', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const indexes = new Map((db.$client.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as Array<{ name: string; sql: string }>).map((r) => [r.name, r.sql]))
  for (const gone of ['calls_started', 'calls_answered_by', 'leads_created']) t.notOk(indexes.has(gone), `${gone} dropped`)
  const partial: Record<string, string> = {
    calls_queued: 'queued_at', calls_lead: 'lead_id', calls_report_talk: 'answered_by', customers_merged_into: 'merged_into',
    leads_email_open: 'email', leads_external_id_open: 'external_id', leads_report_deal: 'deal_at', leads_report_refused: 'refused_at'
  }
  for (const [name, column] of Object.entries(partial)) t.match(indexes.get(name), new RegExp(`WHERE ${column} IS NOT NULL$`), name)

  // A call nobody answered, not queued, with its customer and a lead from the phone: in none of them.
  db.insert(customers).values({ customerId: 'c1', phone: '+79030000001', createdAt: 1 }).run()
  db.insert(calls).values({ callId: 'k1', direction: 'inbound', status: 'missed', channelId: 'ch1', callerRaw: '+79030000001', did: '7495', startedAt: 1, customerId: 'c1' }).run()
  db.insert(leads).values({ leadId: 'l1', phone: '+79030000001', channel: 'call', status: 'new', statusSince: 1, createdAt: 1, updatedAt: 1, callId: 'k1', customerId: 'c1' }).run()
  const entries = (name: string): number => db.$client.prepare("SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ? AND pagetype = 'leaf'").pluck().get(name) as number
  for (const name of Object.keys(partial)) t.equal(entries(name), 0, `${name} holds nothing for them`)
  t.equal(entries('calls_report_source'), 1, 'a full index holds the call')
  db.update(calls).set({ answeredBy: null, queuedAt: 5 }).run()
  t.equal(entries('calls_queued'), 1, 'a queued call is in calls_queued')
})

t.test('the reads those indexes served still use an index, not a walk of the table', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const reports = prepared(db, () => { void new ReportsReader(db) })
  t.ok(reports.length >= 10, `the report statements were seen (${reports.length})`)
  for (const query of reports) {
    if (!/FROM (calls|leads)\b/.test(query)) continue
    const plan = planOf(db, query)
    t.notMatch(plan, /SCAN (calls|leads)\b(?! USING)/, `${query.replace(/\s+/g, ' ').slice(0, 90)}… → ${plan}`)
  }
  const named = (re: RegExp): string => { const q = reports.find((s) => re.test(s)); if (q === undefined) throw new Error(`no report statement matches ${re}`); return planOf(db, q) }
  t.match(named(/SUM\(talk_ms\) FROM calls WHERE answered_by/), /calls_report_talk/)
  t.match(named(/FROM leads WHERE owner_id = \? AND deal_at >= \?/), /leads_report_deal/)
  t.match(named(/FROM leads\s+WHERE owner_id = \? AND refused_at >= \?/), /leads_report_refused/)
  t.match(named(/AS leads, SUM[^]*FROM leads WHERE created_at >= \?[^]*GROUP BY source/), /leads_report_created/)
  t.match(named(/FROM calls WHERE started_at >= \? AND started_at < \? AND direction = 'inbound' GROUP BY source/), /calls_report_source/)

  const queue = prepared(db, () => { queueStatsByHour(db, 0, 1) }).find((s) => /queued_at/.test(s))
  t.match(planOf(db, queue!), /USING INDEX calls_queued/, 'waits by the hour')
  const merged = prepared(db, () => { new CustomersRepo(db, Date.now, (p) => p).idsOf('c1') }).find((s) => /merged_into/.test(s))
  t.match(planOf(db, merged!), /customers_merged_into/, 'a customer\'s merged records')
  const repo = new LeadsRepo(db)
  const byEmail = prepared(db, () => { repo.openLeadOf({ phone: null, email: 'a@b.c', externalId: null }, 0) }).find((s) => /"email" = /.test(s))
  t.match(planOf(db, byEmail!), /leads_email_open/, 'an open lead by e-mail')
})
