// A database another process keeps locked: calls go on, and their rows land when it is free.
import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import t from 'tap'
import { api, killHard, readRows, simAndDb, startDaemonProcess, stopChild, webhookReceiver } from '../helpers/daemon-process.js'
import { startWorld, until } from '../helpers/world.js'
import { join } from 'node:path'

// Each test starts daemon processes two or three times: slow on a loaded machine, whatever the code.
t.setTimeout(400_000)

interface CallRowView { call_id: string; status: string; answered_by: string | null; hangup_by: string | null; outcome_published_at: number | null }

t.test('a database locked by another process when ringlead is killed: the journal lands at the next start with the whole end of the call', async (t) => {
  const { sim, dbPath, env: base } = await simAndDb(t, 'ringlead-locked-kill-', ['101'])
  const hooks = await webhookReceiver(t)
  const env = { ...base, RINGLEAD_WEBHOOKS_URLS: hooks.url, RINGLEAD_WEBHOOKS_PUMP_EVERY_MS: '50', RINGLEAD_WEBHOOKS_TIMEOUT_MS: '200' }
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected', 20_000)

  const locker = new Database(dbPath)
  locker.exec('BEGIN EXCLUSIVE')
  let locked = true
  t.teardown(() => { if (locked) locker.exec('COMMIT'); locker.close() })
  const caller = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('talking and recording', () => sim.mixMonitoring(caller.channelId), 15_000)
  sim.hangup(caller.channelId)
  await caller.ended
  const journal = `${dbPath}-writes.jsonl`
  await until('the end of the call journaled', () => existsSync(journal) && readFileSync(journal, 'utf8').includes('"calls.outcome"'), 20_000)
  t.equal(readRows(dbPath, 'SELECT * FROM calls').length, 0, 'nothing of the call in the database yet')
  await killHard(first.child)
  locker.exec('COMMIT')
  locked = false

  const second = startDaemonProcess(env)
  t.teardown(() => stopChild(second.child))
  await second.url
  const row = readRows<CallRowView>(dbPath, 'SELECT * FROM calls')[0]!
  t.match(row, { status: 'answered', answered_by: 'op_101', hangup_by: 'caller' }, 'the call as it really ended')
  t.ok(row.outcome_published_at)
  t.equal(readRows(dbPath, "SELECT * FROM call_attempts WHERE result = 'answered'").length, 1)
  t.equal(readRows(dbPath, 'SELECT * FROM leads WHERE phone = ?', '+79031112233').length, 1)
  t.equal(readRows(dbPath, "SELECT * FROM outbox WHERE type = 'call.ended'").length, 1)
  t.same(readRows(dbPath, 'SELECT kind, status, error FROM recordings ORDER BY kind'), ['caller', 'operator'].map((kind) => ({ kind, status: 'stored', error: null })))
  t.equal(readFileSync(journal, 'utf8'), '', 'journal emptied')
})

t.test('a database locked for the whole of a ringing call: the call is answered, talks and ends normally, and its rows, lead and webhook land once the lock is gone', async (t) => {
  const hooks = await webhookReceiver(t)
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-locked-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const dbPath = join(dir, 'ringlead.db')
  // Writes outside the call path (API, jobs) would wait this long for the lock: none happen here.
  const w = await startWorld({ db: { path: dbPath, busyTimeoutMs: 60_000 }, webhooks: { urls: hooks.url, pumpEveryMs: 50, timeoutMs: 200 } })
  t.teardown(() => w.close())
  const ana = w.addOperator('101')

  const locker = new Database(dbPath)
  locker.exec('BEGIN EXCLUSIVE')
  let locked = true
  t.teardown(() => { if (locked) locker.exec('COMMIT'); locker.close() })
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('talking and recording', () => w.sim.mixMonitoring(caller.channelId))
  w.sim.hangup(caller.channelId)
  const e = await ended
  t.match(e, { status: 'answered', answeredBy: ana, hangupBy: 'caller' }, 'the call went on as if nothing was locked')
  t.equal(e.recordings.length, 2)
  t.equal(readRows(dbPath, 'SELECT * FROM calls').length, 0, 'its rows wait for the lock')
  t.ok(w.daemon.writes.pending > 0)

  locker.exec('COMMIT')
  locked = false
  await until('the outcome landed', () => readRows<CallRowView>(dbPath, 'SELECT * FROM calls')[0]?.outcome_published_at != null, 20_000)
  t.match(readRows(dbPath, 'SELECT * FROM calls')[0], { status: 'answered', answered_by: ana, hangup_by: 'caller' })
  t.match(readRows(dbPath, 'SELECT result FROM call_attempts'), [{ result: 'answered' }])
  t.equal(readRows(dbPath, "SELECT * FROM recordings WHERE status = 'stored'").length, 2)
  t.equal(readRows(dbPath, 'SELECT * FROM customers WHERE phone = ?', '+79031112233').length, 1)
  t.equal(readRows(dbPath, 'SELECT * FROM leads WHERE phone = ?', '+79031112233').length, 1)
  await until('call.started and call.ended delivered', () => ['call.started', 'call.ended'].every((type) => hooks.events().some((h) => h.type === type && h.data.callId === e.callId)), 20_000)
})
