import t from 'tap'
import { listCalls } from '../../src/db/calls-read.js'
import { openDb } from '../../src/db/open.js'
import { calls, qaResults } from '../../src/db/schema.js'

t.test('calls can be filtered by their script-QA score; unscored calls show null and drop out of score filters', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.$client.close())
  const call = (callId: string, startedAt: number, score: number | null): void => {
    db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: callId, callerRaw: '1', did: '2', startedAt }).run()
    if (score !== null) db.insert(qaResults).values({ callId, ruleSetId: 'default', score, findings: '[]', metrics: '{}', alerts: 0, createdAt: startedAt }).run()
  }
  call('low', 1, 35)
  call('mid', 2, 70)
  call('high', 3, 95)
  call('none', 4, null)
  t.same(listCalls(db, { limit: 50 }).calls.map((c) => [c.callId, c.qaScore]), [['none', null], ['high', 95], ['mid', 70], ['low', 35]])
  t.same(listCalls(db, { limit: 50, maxScore: 60 }).calls.map((c) => c.callId), ['low'])
  t.same(listCalls(db, { limit: 50, minScore: 60, maxScore: 90 }).calls.map((c) => c.callId), ['mid'])
  t.same(listCalls(db, { limit: 50, minScore: 90 }).calls.map((c) => c.callId), ['high'])
})
