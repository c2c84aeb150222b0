// The simulator bench's database with a past (bench/history.ts): copies of real calls with ids and
// numbers of their own, a day further back each, and nothing in them that wakes up (a ladder step
// or a webhook of the past would load the daemon and skew the bench).
import t from 'tap'
import { addHistory } from '../../bench/history.js'
import { openDb } from '../../src/db/open.js'
import { startWorld, until } from '../helpers/world.js'

t.test('history copies calls until the database holds enough, settled, each copy a day further back', async (t) => {
  const w = await startWorld({ webhooks: { urls: 'http://127.0.0.1:9/hook' } })
  t.teardown(() => w.close())
  w.addOperator('101')
  w.addNumber('74950000000', { source: 'google-ads' })
  // One call answered, one the caller gives up while it rings (a lead to call back, with its ladder).
  const answered = w.ended((e) => e.callerPhone === '+79030000001')
  const first = w.sim.placeCall({ from: '+79030000001', did: '74950000000' })
  await w.hangUpWhenRecorded(first.channelId, { talkMs: 100 })
  t.equal((await answered).status, 'answered')
  const abandoned = w.ended((e) => e.callerPhone === '+79030000002')
  const second = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('the operator rings', () => w.sim.channels().some((c) => c.origin !== 'inbound'))
  w.sim.hangup(second.channelId)
  t.equal((await abandoned).status, 'abandoned')
  await until('lines free', () => w.daemon.center.activeCalls === 0)
  await w.daemon.repo.writes.flushed()
  const sqlite = w.daemon.db.$client
  const count = (sql: string): number => Number((sqlite.prepare(sql).get() as { n: number }).n)
  const pendingSteps = count(`SELECT count(*) AS n FROM escalations WHERE state IN ('pending', 'claimed')`)
  const pendingHooks = count(`SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'delivering')`)
  const before = sqlite.prepare('SELECT call_id, started_at, answered_by, customer_id FROM calls').all() as Array<{ call_id: string; started_at: number; answered_by: string | null; customer_id: string | null }>
  t.equal(before.length, 2)
  t.ok(pendingSteps > 0 && pendingHooks > 0, 'the real calls left ladder steps and webhooks to do')

  t.equal(addHistory(w.daemon.db, 11), 12, 'copies of both calls until at least 11: five copies')
  const rows = sqlite.prepare('SELECT call_id, started_at, answered_by, customer_id, caller_phone FROM calls').all() as Array<{ call_id: string; started_at: number; answered_by: string | null; customer_id: string | null; caller_phone: string | null }>
  t.equal(new Set(rows.map((r) => r.call_id)).size, 12, 'each copy has ids of its own')
  t.equal(new Set(rows.map((r) => r.caller_phone)).size, 12, 'and numbers of its own')
  t.equal(count('SELECT count(*) AS n FROM customers'), 12, 'each copy\'s customer is a row of its own')
  const days = rows.map((r) => Math.round((before[0]!.started_at - r.started_at) / 86_400_000)).sort((a, b) => a - b)
  t.same(days, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], 'a day further back per copy')
  t.same(new Set(rows.map((r) => r.answered_by)), new Set(before.map((r) => r.answered_by)), 'operators stay who they are')
  const orphanCustomers = count('SELECT count(*) AS n FROM calls WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)')
  t.equal(orphanCustomers, 0, 'a copied call names its copied customer')
  t.equal(count(`SELECT count(*) AS n FROM escalations WHERE state IN ('pending', 'claimed')`), pendingSteps, 'no ladder step of the past to run')
  t.equal(count(`SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'delivering')`), pendingHooks, 'no webhook of the past to send')
})

t.test('a database with no call to copy is refused', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  t.throws(() => addHistory(db, 100), /needs some calls to copy/)
})
