import t from 'tap'
import { callStory } from '../../src/db/calls-read.js'
import { createCategory } from '../../src/catalog/catalog-service.js'
import type { Db } from '../../src/db/open.js'
import { callAttempts, calls, customers, recordings } from '../../src/db/schema.js'
import type { RoutingPlan } from '../../src/domain/routing.js'
import { bearer, t0, testApp, type TestApp } from './helpers.js'

const plan: RoutingPlan = {
  steps: [
    { kind: 'specialist', targets: [{ operatorId: 'op_1', endpoint: 'PJSIP/101' }], ringTimeoutSeconds: 20, reasons: ['op_1: specialist for fridges (level 3), load 0, idle 60 s'] },
    { kind: 'any', targets: [{ operatorId: 'op_2', endpoint: 'PJSIP/102' }], ringTimeoutSeconds: 20, reasons: ['op_2: free, load 0, idle 30 s'] }
  ],
  skipped: [{ reason: 'paused', operatorIds: ['op_3'] }],
  reasons: []
}

/** A missed-then-answered call: Ana did not answer, Ben did; recorded in two channels. */
function seedCall (w: TestApp) {
  const db = w.db
  createCategory(w.catalog, { categoryId: 'fridges', name: 'Fridges' })
  const ana = w.addOperator({ name: 'Ana', endpoint: 'PJSIP/101' }, 'op_1')
  const ben = w.addOperator({ name: 'Ben', endpoint: 'PJSIP/102' }, 'op_2')
  db.insert(customers).values({ customerId: 'cus_1', phone: '+79991234567', name: 'Irina', createdAt: t0 - 86_400_000 }).run()
  db.insert(calls).values({
    callId: 'call_1', direction: 'inbound', status: 'answered', channelId: 'ch-in', callerRaw: '89991234567', callerPhone: '+79991234567',
    callerName: 'Irina', customerId: 'cus_1', did: '74951234567', trackingDid: '+74951234567', source: 'google-ads', categoryId: 'fridges',
    plan: JSON.stringify(plan), answeredBy: ben, startedAt: t0, answeredAt: t0 + 26_000, endedAt: t0 + 146_000, ringMs: 26_000,
    talkMs: 120_000, hangupBy: 'caller', endReason: 'caller hung up', warnings: JSON.stringify(['caller id "89991234567": rewritten'])
  }).run()
  db.insert(callAttempts).values([
    { attemptId: 'at_2', callId: 'call_1', stepIndex: 1, stepKind: 'any', operatorId: ben, endpoint: 'PJSIP/102', channelId: 'ch-b', startedAt: t0 + 21_000, answeredAt: t0 + 26_000, endedAt: t0 + 146_000, ringMs: 5_000, result: 'answered' },
    { attemptId: 'at_1', callId: 'call_1', stepIndex: 0, stepKind: 'specialist', operatorId: ana, endpoint: 'PJSIP/101', channelId: 'ch-a', startedAt: t0 + 500, endedAt: t0 + 20_500, ringMs: 20_000, result: 'no_answer', cause: 19, causeText: 'No answer' }
  ]).run()
  db.insert(recordings).values([
    { recordingId: 'rec_1', callId: 'call_1', kind: 'caller', name: 'call_1-caller', format: 'wav', path: '2023/call_1-caller.wav', status: 'stored', durationMs: 120_000, bytes: 1_920_000, startedAt: t0 + 26_000, endedAt: t0 + 146_000 },
    { recordingId: 'rec_2', callId: 'call_1', kind: 'operator', name: 'call_1-operator', format: 'wav', status: 'failed', error: 'file not found in spool', startedAt: t0 + 26_001 }
  ]).run()
  return { ana, ben }
}

function addCall (db: Db, callId: string, startedAt: number, extra: Partial<typeof calls.$inferInsert> = {}): void {
  db.insert(calls).values({ callId, direction: 'inbound', status: 'missed', channelId: `ch-${callId}`, callerRaw: '100', did: '200', startedAt, ...extra }).run()
}

t.test('the story of a call tells who called, on which number, the plan, every ring, who answered and the recordings', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  seedCall(w)
  const res = await w.app.inject({ url: '/api/calls/call_1', headers: bearer(w.admin) })
  t.equal(res.statusCode, 200)
  const story = res.json()
  t.same(story.call, {
    callId: 'call_1', direction: 'inbound', status: 'answered', callerRaw: '89991234567', callerPhone: '+79991234567', callerName: 'Irina',
    did: '74951234567', startedAt: t0, answeredAt: t0 + 26_000, endedAt: t0 + 146_000, ringMs: 26_000, talkMs: 120_000,
    hangupBy: 'caller', endReason: 'caller hung up', warnings: ['caller id "89991234567": rewritten'],
    menuPath: [], queue: null, resumedFrom: null,
    leadId: null, dialledPhone: null, placedBy: null
  })
  t.same(story.customer, { customerId: 'cus_1', phone: '+79991234567', name: 'Irina' })
  t.same(story.trackingNumber, { did: '+74951234567', source: 'google-ads', categoryId: 'fridges', categoryName: 'Fridges' })
  t.same(story.plan, plan)
  t.same(story.attempts.map((a: Record<string, unknown>) => [a.operatorId, a.operatorName, a.stepIndex, a.stepKind, a.result, a.cause, a.ringMs]), [
    ['op_1', 'Ana', 0, 'specialist', 'no_answer', 19, 20_000],
    ['op_2', 'Ben', 1, 'any', 'answered', null, 5_000]
  ])
  t.match(story.attempts[0], { endpoint: 'PJSIP/101', causeText: 'No answer', startedAt: t0 + 500, endedAt: t0 + 20_500 })
  t.same(story.answeredBy, { operatorId: 'op_2', name: 'Ben' })
  t.same(story.recordings.map((r: Record<string, unknown>) => [r.kind, r.status, r.path, r.durationMs, r.bytes, r.error]), [
    ['caller', 'stored', '2023/call_1-caller.wav', 120_000, 1_920_000, null],
    ['operator', 'failed', null, null, null, 'file not found in spool']
  ])
})

t.test('the story still names an operator who has since been removed', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const { ben } = seedCall(w)
  await w.app.inject({ method: 'DELETE', url: `/api/operators/${ben}`, headers: bearer(w.admin) })
  t.same(callStory(w.db, 'call_1')?.answeredBy, { operatorId: ben, name: 'Ben' })
})

t.test('a call with no plan, customer or tracking number, or an unreadable plan, still tells its story', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  addCall(w.db, 'call_bare', t0)
  addCall(w.db, 'call_badplan', t0, { plan: '{"steps":', warnings: 'plain text warning' })
  t.match(callStory(w.db, 'call_bare'), { customer: null, trackingNumber: null, plan: null, attempts: [], answeredBy: null, recordings: [], call: { warnings: [] } })
  t.match(callStory(w.db, 'call_badplan'), { plan: null, call: { warnings: ['plain text warning', 'stored routing plan could not be read'] } })
  t.equal(callStory(w.db, 'call_none'), undefined)
})

t.test('an unknown call is a 404 naming it', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const res = await w.app.inject({ url: '/api/calls/call_nope', headers: bearer(w.admin) })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'NOT_FOUND', message: 'call call_nope not found' })
})

t.test('calls are listed newest first, filtered, a page at a time', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  seedCall(w)
  for (let i = 0; i < 5; i++) addCall(w.db, `call_m${i}`, t0 + 1_000_000 + i * 1_000, { source: i % 2 === 0 ? 'yandex' : 'site', trackingDid: '+74950000000' })
  addCall(w.db, 'call_tie', t0 + 1_004_000)
  const h = bearer(w.admin)
  const ids = (body: { calls: Array<{ callId: string }> }): string[] => body.calls.map((c) => c.callId)

  const all = (await w.app.inject({ url: '/api/calls', headers: h })).json()
  t.same(ids(all), ['call_tie', 'call_m4', 'call_m3', 'call_m2', 'call_m1', 'call_m0', 'call_1'])
  t.match(all.calls.at(-1), { answeredBy: { operatorId: 'op_2', name: 'Ben' }, categoryName: 'Fridges', source: 'google-ads' })
  t.equal(all.nextCursor, null)

  const seen: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/api/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`
    const page = (await w.app.inject({ url, headers: h })).json()
    t.ok(page.calls.length <= 3)
    seen.push(...ids(page))
    cursor = page.nextCursor
  } while (cursor !== null)
  t.same(seen, ids(all), 'pages cover every call once, in order')

  t.same(ids((await w.app.inject({ url: '/api/calls?source=yandex', headers: h })).json()), ['call_m4', 'call_m2', 'call_m0'])
  t.same(ids((await w.app.inject({ url: '/api/calls?status=answered', headers: h })).json()), ['call_1'])
  t.same(ids((await w.app.inject({ url: '/api/calls?operatorId=op_1', headers: h })).json()), ['call_1'], 'calls an operator was rung for')
  t.same(ids((await w.app.inject({ url: '/api/calls?categoryId=fridges', headers: h })).json()), ['call_1'])
  t.same(ids((await w.app.inject({ url: '/api/calls?did=%2B74950000000', headers: h })).json()).length, 5)
  t.same(ids((await w.app.inject({ url: `/api/calls?from=${t0 + 1_001_000}&to=${t0 + 1_003_000}`, headers: h })).json()), ['call_m2', 'call_m1'])
})

t.test('bad list filters are 400s naming the filter', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  t.same((await w.app.inject({ url: '/api/calls?status=lost', headers: h })).json(),
    { error: 'INVALID_INPUT', message: 'status: must be one of menu, ringing, waiting, talking, answered, missed, abandoned, callback, interrupted, failed' })
  t.same((await w.app.inject({ url: '/api/calls?limit=1000', headers: h })).json(), { error: 'INVALID_INPUT', message: 'limit: must be a whole number from 1 to 200' })
  t.match((await w.app.inject({ url: '/api/calls?cursor=garbage', headers: h })).json(), { error: 'INVALID_INPUT', message: /^cursor: / })
  t.match((await w.app.inject({ url: '/api/calls?colour=red', headers: h })).json(), { error: 'INVALID_INPUT', message: /^query: unknown field colour/ })
})

t.test('an operator sees only the calls they answered or were rung for', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const { ana } = seedCall(w)
  addCall(w.db, 'call_other', t0 + 5_000)
  const carl = w.addOperator({ name: 'Carl' }, 'op_carl')
  const anaToken = bearer(w.tokenFor('operator', ana))
  t.same((await w.app.inject({ url: '/api/calls', headers: anaToken })).json().calls.map((c: { callId: string }) => c.callId), ['call_1'])
  t.equal((await w.app.inject({ url: '/api/calls/call_1', headers: anaToken })).statusCode, 200)
  const carlToken = bearer(w.tokenFor('operator', carl))
  t.same((await w.app.inject({ url: '/api/calls', headers: carlToken })).json().calls, [])
  const story = await w.app.inject({ url: '/api/calls/call_1', headers: carlToken })
  t.equal(story.statusCode, 403)
  t.match(story.json().message, 'needs role supervisor or admin')
  const others = await w.app.inject({ url: `/api/calls?operatorId=${ana}`, headers: carlToken })
  t.equal(others.statusCode, 403)
  const supervisor = bearer(w.tokenFor('supervisor'))
  t.equal((await w.app.inject({ url: '/api/calls', headers: supervisor })).json().calls.length, 2)
})
