// Call-path writes while another process holds the database's write lock: nothing waits, nothing is
// lost, and the journal carries the writes across a killed process.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb, type Db } from '../../src/db/open.js'
import { WriteBehind } from '../../src/db/write-behind.js'
import { testLog } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

interface Rig { dir: string; dbPath: string; journalPath: string; db: Db; clock: VirtualClock; writes: WriteBehind; repo: CallsRepo }

function rig (t: Test): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-writes-'))
  const dbPath = join(dir, 'ringlead.db')
  // A minute of busy wait: a write that waited for the lock would hold this test past its timeout.
  const db = openDb(dbPath, 60_000)
  const clock = new VirtualClock()
  const journalPath = `${dbPath}-writes.jsonl`
  const writes = new WriteBehind({ db, journalPath, clock, log: testLog })
  const repo = new CallsRepo(db, writes)
  t.teardown(() => { db.$client.close(); rmSync(dir, { recursive: true, force: true }) })
  return { dir, dbPath, journalPath, db, clock, writes, repo }
}

/** Another process's view of the file: a connection that takes the write lock and holds it. */
function lockFrom (dbPath: string): { release: () => void } {
  const other = new Database(dbPath)
  other.exec('BEGIN EXCLUSIVE')
  return { release: () => { other.exec('COMMIT'); other.close() } }
}

/** A call's writes land (or are journaled) together at the end of the event loop's turn. */
const endOfTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

const call = (callId: string, startedAt: number) => ({
  callId, direction: 'inbound' as const, status: 'ringing' as const, channelId: `ch-${callId}`, callerRaw: '+79031112233', did: '74950000000', startedAt
})

t.test('a write while another process holds the lock returns at once, is journaled, and lands in order when the lock is gone', async (t) => {
  const r = rig(t)
  const lock = lockFrom(r.dbPath)
  r.repo.insertCall(call('call_1', 1000))
  r.repo.updateCall('call_1', { status: 'talking', answeredAt: 2000 })
  r.repo.transaction(() => {
    r.repo.updateCall('call_1', { status: 'answered', endedAt: 9000, talkMs: 7000 })
    r.repo.updateCall('call_1', { hangupBy: 'caller' })
  })
  await endOfTurn()
  t.equal(r.repo.call('call_1'), undefined, 'not in the database yet')
  t.equal(r.writes.pending, 4)
  t.equal(readFileSync(r.journalPath, 'utf8').trim().split('\n').length, 3, 'three units in the journal, the transaction as one')
  t.equal(r.db.$client.pragma('busy_timeout', { simple: true }), 60_000, 'the connection waits as before for everyone else')

  await r.clock.advance(1000)
  t.equal(r.writes.pending, 4, 'still locked: still waiting')
  lock.release()
  const flushed = r.writes.flushed()
  await r.clock.advance(2000)
  await flushed
  t.match(r.repo.call('call_1'), { status: 'answered', answeredAt: 2000, endedAt: 9000, talkMs: 7000, hangupBy: 'caller' })
  t.equal(readFileSync(r.journalPath, 'utf8'), '', 'journal emptied once the writes landed')
  t.equal(r.writes.pending, 0)

  r.repo.updateCall('call_1', { endReason: 'now at once' })
  t.equal(r.repo.call('call_1')?.endReason, 'now at once', 'with the lock gone, writes land at once again')
})

t.test('retries back off on the injected clock, doubling up to the cap', async (t) => {
  const r = rig(t)
  const lock = lockFrom(r.dbPath)
  t.teardown(() => { if (r.writes.pending > 0) lock.release() })
  r.repo.insertCall(call('call_1', 1000))
  const tries: number[] = []
  const attempt = (r.writes as unknown as { drain: () => void })
  const drain = attempt.drain.bind(r.writes)
  attempt.drain = () => { tries.push(r.clock.now()); drain() }
  const start = r.clock.now()
  await r.clock.advance(10_000)
  t.same(tries.map((at) => at - start), [50, 150, 350, 750, 1550, 3150, 5150, 7150, 9150])
  lock.release()
  await r.clock.advance(2000)
  t.equal(r.repo.call('call_1')?.status, 'ringing')
})

t.test('a process killed while the lock was held: the next start replays its journal, once, whatever the repeats', async (t) => {
  const r = rig(t)
  const lock = lockFrom(r.dbPath)
  r.repo.insertCall(call('call_1', 1000))
  r.repo.insertAttempt({ attemptId: 'att_1', callId: 'call_1', stepIndex: 0, stepKind: 'sticky', operatorId: 'op_x', endpoint: 'PJSIP/101', startedAt: 1100, result: 'ringing' })
  r.repo.updateCall('call_1', { status: 'missed', endedAt: 5000 })
  await endOfTurn()
  // The process dies here: nothing more runs in it; its journal is what is left.
  const kept = join(r.dir, 'journal-copy')
  copyFileSync(r.journalPath, kept)
  lock.release()

  const next = openDb(r.dbPath)
  t.teardown(() => { next.$client.close() })
  next.$client.exec("INSERT INTO operators (operator_id, name, endpoint, created_at) VALUES ('op_x', 'X', 'PJSIP/101', 0)")
  const writes = new WriteBehind({ db: next, journalPath: r.journalPath, clock: new VirtualClock(), log: testLog })
  const repo = new CallsRepo(next, writes)
  t.equal(writes.replay(), 3)
  t.match(repo.call('call_1'), { status: 'missed', endedAt: 5000 })
  t.equal(repo.attempts('call_1').length, 1)
  t.equal(readFileSync(r.journalPath, 'utf8'), '')

  // Died between the commit and emptying the journal: the same writes again change nothing.
  copyFileSync(kept, r.journalPath)
  t.equal(writes.replay(), 3)
  t.match(repo.call('call_1'), { status: 'missed', endedAt: 5000 })
  t.equal(repo.attempts('call_1').length, 1)
})

t.test('a journaled write the database refuses is dropped alone; the rest of the backlog lands', async (t) => {
  const r = rig(t)
  const lock = lockFrom(r.dbPath)
  r.repo.insertCall(call('call_1', 1000))
  // No such call: the foreign key refuses this attempt when it is applied.
  r.repo.insertAttempt({ attemptId: 'att_1', callId: 'call_nope', stepIndex: 0, stepKind: 'sticky', operatorId: 'op_x', endpoint: 'PJSIP/101', startedAt: 1100, result: 'ringing' })
  r.repo.updateCall('call_1', { status: 'missed' })
  lock.release()
  await r.clock.advance(100)
  t.equal(r.repo.call('call_1')?.status, 'missed')
  t.equal(r.writes.pending, 0)
})

t.test('without a lock nothing is journaled', async (t) => {
  const r = rig(t)
  r.repo.insertCall(call('call_1', 1000))
  t.equal(r.repo.call('call_1')?.status, 'ringing')
  t.notOk(existsSync(r.journalPath))
})

t.test('a write made at once takes the turn\'s waiting writes into its own transaction: one commit, in order', async (t) => {
  const r = rig(t)
  const sqlite = r.db.$client
  // Every transaction function made from here on counts its runs (the write path makes one per connection).
  const make = sqlite.transaction.bind(sqlite)
  let transactions = 0
  sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = make(fn)
    const counted = (...args: unknown[]): unknown => { transactions++; return tx(...args) }
    return Object.assign(counted, { deferred: counted, immediate: (...args: unknown[]): unknown => { transactions++; return tx.immediate(...args) } })
  }) as unknown as typeof sqlite.transaction
  r.repo.insertCall(call('call_1', 1000))
  r.repo.updateCall('call_1', { status: 'talking', answeredAt: 2000 })
  t.equal(r.repo.call('call_1')?.status, 'talking', 'a read lands them first')
  transactions = 0
  r.repo.updateCall('call_1', { status: 'answered', endedAt: 9000 })
  r.repo.rememberCustomerCall('cus_missing', 'op_1', 9000)
  t.equal(transactions, 0, 'the call\'s final update and the customer\'s last call wait for the end of the turn')
  r.repo.interruptAttempts('call_1', 9000)
  t.equal(transactions, 1, 'the waiting writes and the write made at once: one transaction')
  await endOfTurn()
  t.equal(transactions, 1, 'nothing left for the end of the turn')
  t.equal(r.repo.call('call_1')?.status, 'answered')
})

t.test('held, the writes given to later wait past the turn until released; a write made at once still lands them first', async (t) => {
  const r = rig(t)
  const rows = (): number => r.db.$client.prepare('select count(*) from calls').pluck().get() as number
  r.writes.holdLater()
  r.repo.insertCall(call('call_1', 1000))
  await endOfTurn()
  await endOfTurn()
  t.equal(rows(), 0, 'still waiting after the turn')
  r.writes.releaseLater()
  t.equal(rows(), 1, 'landed on release')
  r.writes.holdLater()
  r.repo.insertCall(call('call_2', 2000))
  r.repo.interruptAttempts('call_2', 3000)
  t.equal(rows(), 2, 'a write made at once takes the held ones with it, in order')
  r.repo.insertCall(call('call_3', 4000))
  await r.writes.flushed()
  t.equal(rows(), 3, 'as does waiting for the writes to land')
  r.writes.releaseLater()
  t.equal(r.writes.pending, 0)
})
