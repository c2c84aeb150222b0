// The reports over the real app, lead service and database: leads worked through the API (deal
// amounts included), calls and attempts written as the call core writes them.
import t from 'tap'
import type { Db } from '../../src/db/open.js'
import { callAttempts, calls } from '../../src/db/schema.js'
import { anaId, bearer, leadsTestApp, t0 } from '../http/leads-helpers.js'

const min = 60_000
const from = t0 - 60 * min
const to = t0 + 12 * 60 * min

function call (db: Db, callId: string, o: { at: number; answeredBy?: string; talkMs?: number; source?: string; categoryId?: string; status?: 'answered' | 'missed' | 'abandoned' }): void {
  db.insert(calls).values({
    callId, direction: 'inbound', status: o.status ?? (o.answeredBy ? 'answered' : 'missed'), channelId: `ch_${callId}`, callerRaw: '+79990000000',
    did: '+74950000000', source: o.source ?? null, categoryId: o.categoryId ?? null, answeredBy: o.answeredBy ?? null,
    startedAt: o.at, talkMs: o.talkMs ?? null
  }).run()
}

function attempt (db: Db, callId: string, n: number, operatorId: string, at: number, result: 'answered' | 'no_answer' | 'busy' | 'cancelled', ringMs: number): void {
  db.insert(callAttempts).values({
    attemptId: `${callId}_${n}`, callId, stepIndex: n, stepKind: 'specialists', operatorId, endpoint: 'PJSIP/x', startedAt: at, result, ringMs
  }).run()
}

t.test('reports: the operators\' table, funnels, motivation and digest from worked leads and calls', async (t) => {
  const w = await leadsTestApp({ leads: { timeZone: 'UTC' }, reports: { currency: 'RUB', basePayPerDay: 100_000 } })
  t.teardown(() => w.close())
  const benId = w.addOperator({ name: 'Ben' }, 'op_ben')
  const admin = bearer(w.admin)
  const post = (url: string, payload: object) => w.app.inject({ method: 'POST', url, headers: admin, payload })

  // Calls: Ana answers two (rang 4 s and 6 s), misses one; Ben answers one; a ring-all cancel counts for nobody.
  call(w.db, 'c1', { at: t0, answeredBy: anaId, talkMs: 120_000, source: 'ads', categoryId: 'ovens' })
  attempt(w.db, 'c1', 0, anaId, t0, 'answered', 4000)
  attempt(w.db, 'c1', 1, benId, t0, 'cancelled', 4000)
  call(w.db, 'c2', { at: t0 + min, answeredBy: benId, talkMs: 60_000, source: 'ads' })
  attempt(w.db, 'c2', 0, anaId, t0 + min, 'no_answer', 20_000)
  attempt(w.db, 'c2', 1, benId, t0 + min, 'answered', 3000)
  call(w.db, 'c3', { at: t0 + 2 * min, answeredBy: anaId, talkMs: 30_000, source: 'site' })
  attempt(w.db, 'c3', 0, anaId, t0 + 2 * min, 'answered', 6000)
  call(w.db, 'c4', { at: t0 + 3 * min, status: 'abandoned', source: 'site' })
  // Outside the period: counted nowhere.
  call(w.db, 'c0', { at: from - 1, answeredBy: anaId, talkMs: 999_000, source: 'ads' })
  attempt(w.db, 'c0', 0, anaId, from - 1, 'answered', 1000)

  // Leads: Ana's deal with an amount, Ana's open one; Ben's refusal and Ben's deal whose amount comes later.
  const lead = (phone: string, source: string, ownerId: string) => w.leads.intake({ channel: 'api', phone, source, ownerId, ownerReasons: ['test'] }, 'test').lead.leadId
  const a1 = lead('+79990000001', 'ads', anaId)
  const a2 = lead('+79990000002', 'site', anaId)
  const b1 = lead('+79990000003', 'ads', benId)
  const b2 = lead('+79990000004', 'site', benId)
  w.clock.ms = t0 + 10 * min

  t.equal((await post(`/api/leads/${a2}/status`, { status: 'in_progress', dealAmount: 100 })).statusCode, 400, 'only a deal has an amount')
  t.equal((await post(`/api/leads/${a1}/status`, { status: 'deal', dealAmount: 12.5 })).statusCode, 400, 'amounts are whole minor units')
  t.equal((await post(`/api/leads/${a1}/status`, { status: 'deal', dealAmount: -1 })).statusCode, 400, 'amounts are not negative')
  const deal = await post(`/api/leads/${a1}/status`, { status: 'deal', dealAmount: 150_000 })
  t.equal(deal.statusCode, 200)
  t.match(deal.json().lead, { status: 'deal', dealAmount: 150_000, dealAt: t0 + 10 * min })
  t.equal((await post(`/api/leads/${b1}/disposition`, { outcome: 'refused', reason: 'price' })).statusCode, 200)
  w.clock.ms = t0 + 60 * min // Ben's deal comes after his 40-minute deadline
  t.equal((await post(`/api/leads/${b2}/disposition`, { outcome: 'deal' })).statusCode, 200)
  const amount = await post(`/api/leads/${b2}/disposition`, { outcome: 'deal', dealAmount: 2000 })
  t.match(amount.json().lead, { status: 'deal', dealAmount: 2000, dealAt: t0 + 60 * min }, 'the amount can follow the deal')
  t.equal((await post(`/api/leads/${b2}/status`, { status: 'closed' })).statusCode, 200)
  w.clock.ms = t0 + 2 * 60 * min

  const get = (url: string, token = w.admin) => w.app.inject({ method: 'GET', url, headers: bearer(token) })

  await t.test('the operators\' table follows the definitions', async (t) => {
    const res = await get(`/api/reports/operators?from=${from}&to=${to}&sort=name&order=asc`)
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.match(body, { from, to, currency: 'RUB' })
    t.same(body.rows[0], {
      operatorId: anaId, name: 'Ana', offered: 3, answered: 2, missed: 1, missedPct: 33.3, avgAnswerMs: 5000, talkMs: 150_000,
      leadsOwned: 2, leadsInSla: 1, avgResponseMs: 10 * min, deals: 1, conversionPct: 50, revenue: 150_000,
      refusalsByReason: {}, avgQaScore: null
    })
    t.same(body.rows[1], {
      operatorId: benId, name: 'Ben', offered: 1, answered: 1, missed: 0, missedPct: 0, avgAnswerMs: 3000, talkMs: 60_000,
      leadsOwned: 2, leadsInSla: 1, avgResponseMs: 35 * min, deals: 1, conversionPct: 50, revenue: 2000,
      refusalsByReason: { price: 1 }, avgQaScore: null
    })
    t.match(body.totals, { offered: 4, answered: 3, missed: 1, missedPct: 25, deals: 2, revenue: 152_000, leadsOwned: 4, leadsInSla: 2, conversionPct: 50, refusalsByReason: { price: 1 } })
    const byRevenue = (await get(`/api/reports/operators?from=${from}&to=${to}&sort=revenue&order=asc`)).json()
    t.same(byRevenue.rows.map((r: { name: string }) => r.name), ['Ben', 'Ana'])
  })

  await t.test('the table as CSV: a header row, one line per operator, the total, money in major units', async (t) => {
    const res = await get(`/api/reports/operators?from=${from}&to=${to}&sort=name&order=asc&format=csv`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const lines = res.body.trim().split('\n')
    t.equal(lines[0], 'operator_id,name,offered,answered,missed,missed_pct,avg_answer_s,talk_min,leads_owned,leads_in_sla,avg_response_min,deals,conversion_pct,revenue_RUB,refusals_price,avg_qa_score')
    t.equal(lines[1], 'op_ana,Ana,3,2,1,33.3,5.0,2.5,2,1,10.0,1,50,1500.00,0,')
    t.equal(lines[3], 'TOTAL,Total,4,3,1,25,4.3,3.5,4,2,26.7,2,50,1520.00,1,')
  })

  await t.test('an operator sees their own row whole and the others\' answered and deals', async (t) => {
    const res = await get(`/api/reports/operators?from=${from}&to=${to}&sort=name&order=asc`, w.tokenFor('operator', benId))
    t.equal(res.statusCode, 200)
    const [ana, ben] = res.json().rows
    t.same(ana, {
      operatorId: anaId, name: 'Ana', answered: 2, deals: 1, offered: null, missed: null, missedPct: null, avgAnswerMs: null, talkMs: null,
      leadsOwned: null, leadsInSla: null, avgResponseMs: null, conversionPct: null, revenue: null, refusalsByReason: null, avgQaScore: null
    })
    t.match(ben, { operatorId: benId, missed: 0, revenue: 2000, refusalsByReason: { price: 1 } })
    t.equal((await get(`/api/reports/funnels?from=${from}&to=${to}`, w.tokenFor('operator', benId))).statusCode, 403, 'funnels are for supervisors')
    const motivation = (await get(`/api/reports/motivation?from=${from}&to=${to}`, w.tokenFor('operator', benId))).json()
    t.same(motivation.rows.map((r: { operatorId: string }) => r.operatorId), [benId], 'an operator sees only their own pay')
  })

  await t.test('funnels per source and per category, with conversion at each step', async (t) => {
    const bySource = (await get(`/api/reports/funnels?from=${from}&to=${to}&by=source`)).json()
    t.same(bySource, {
      from, to, by: 'source', currency: 'RUB',
      rows: [
        { key: 'ads', calls: 2, leads: 2, deals: 1, revenue: 150_000, callToLeadPct: 100, leadToDealPct: 50 },
        { key: 'site', calls: 2, leads: 2, deals: 1, revenue: 2000, callToLeadPct: 100, leadToDealPct: 50 }
      ]
    })
    const byCategory = (await get(`/api/reports/funnels?from=${from}&to=${to}&by=category`)).json()
    t.same(byCategory.rows, [
      { key: '(none)', calls: 3, leads: 4, deals: 2, revenue: 152_000, callToLeadPct: 133.3, leadToDealPct: 50 },
      { key: 'ovens', calls: 1, leads: 0, deals: 0, revenue: 0, callToLeadPct: 0, leadToDealPct: 0 }
    ])
    const csv = await get(`/api/reports/funnels?from=${from}&to=${to}&by=source&format=csv`)
    t.equal(csv.body.split('\n')[0], 'source,calls,leads,deals,revenue_RUB,call_to_lead_pct,lead_to_deal_pct')
  })

  await t.test('motivation: base pay per day and the tier percent of same-day deal revenue', async (t) => {
    // The range touches two UTC days (22:13 to 10:13): two days of base pay.
    const body = (await get(`/api/reports/motivation?from=${from}&to=${to}`)).json()
    t.same(body.tiers, [{ share: 0.5, percent: 5 }, { share: 0.7, percent: 7 }, { share: 0.9, percent: 10 }])
    const ana = body.rows.find((r: { operatorId: string }) => r.operatorId === anaId)
    t.match(ana, { basePay: 200_000, sameDayDeals: 1, sameDayShare: 0.5, sameDayRevenue: 150_000, percent: 5, bonus: 7500, total: 207_500 })
    t.match(ana.formula, 'bonus 1500.00 RUB × 5% = 75.00 RUB')
  })

  await t.test('the digest names the team\'s numbers for a supervisor and the operator\'s own for an operator', async (t) => {
    w.clock.ms = t0 + 90 * min // 23:43 UTC, the same day as the calls
    const boss = (await get('/api/reports/digest?lang=en')).json()
    // Today since 00:00 UTC also holds c0, answered by Ana before the table's range.
    t.match(boss.subject, /5 offered, 20% missed, 2 deals, RUB\u00a01,520\.00/)
    t.match(boss.html, /Ana/)
    t.match(boss.html, /RUB\u00a01,500\.00/)
    const ben = (await get('/api/reports/digest?lang=en', w.tokenFor('operator', benId))).json()
    t.match(ben.subject, /you answered 1, missed 0, deals 1/)
    t.notMatch(ben.html, /RUB\u00a01,500\.00/, 'an operator\'s digest has no colleague\'s revenue')
    const ru = (await get('/api/reports/digest?lang=ru')).json()
    t.match(ru.subject, /звонков 5, пропущено 20\u00a0%, сделок 2, 1\u00a0520,00\u00a0₽/, 'the same digest in Russian')
    t.match(ru.html, /<h3>Проблемные зоны<\/h3>/)
  })

  await t.test('bad ranges are refused with the field named', async (t) => {
    const res = await get(`/api/reports/operators?from=${to}&to=${from}`)
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /^to: must be after from/)
    t.equal((await get('/api/reports/operators?period=year')).statusCode, 400)
    t.equal((await get('/api/reports/operators?sort=bogus')).statusCode, 400)
    t.equal((await get('/api/reports/operators?period=week')).statusCode, 200)
  })
})
