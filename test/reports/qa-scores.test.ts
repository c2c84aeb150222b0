import t from 'tap'
import { Bus } from '../../src/bus.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { randomId } from '../../src/ids.js'
import { openDb } from '../../src/db/open.js'
import { calls, qaResults } from '../../src/db/schema.js'
import { speechQaScores } from '../../src/reports/qa-scores.js'

t.test('the reports average the speech checks\' scores per operator who answered, over calls in the range', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.$client.close())
  const ctx = { db, bus: new Bus(), now: () => 0, newId: randomId }
  createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_ana')
  createOperator(ctx, { name: 'Ben', endpoint: 'PJSIP/102' }, 'op_ben')
  const call = (callId: string, answeredBy: string | null, startedAt: number, score: number | null): void => {
    db.insert(calls).values({ callId, direction: 'inbound', status: answeredBy ? 'answered' : 'missed', channelId: callId, callerRaw: '1', did: '2', answeredBy, startedAt }).run()
    if (score !== null) db.insert(qaResults).values({ callId, ruleSetId: 'default', score, findings: '[]', metrics: '{}', alerts: 0, createdAt: startedAt }).run()
  }
  call('c1', 'op_ana', 1000, 80)
  call('c2', 'op_ana', 2000, 65)
  call('c3', 'op_ben', 3000, 90)
  call('c4', 'op_ben', 9000, 10) // outside the range
  call('c5', 'op_ana', 4000, null) // not transcribed yet
  call('c6', null, 5000, null)
  t.same([...speechQaScores(db).qaScores(0, 8000)].sort(), [['op_ana', 72.5], ['op_ben', 90]])
  t.same([...speechQaScores(db).qaScores(8000, 10_000)], [['op_ben', 10]])
  t.same([...speechQaScores(db).qaScores(10_000, 20_000)], [])
})
