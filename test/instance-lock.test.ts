import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { AlreadyRunning, lockPathOf, runningDaemon, takeInstanceLock } from '../src/instance-lock.js'

function dbIn (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-lock-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return join(dir, 'ringlead.db')
}

/** The pid of a process that has ended (a daemon killed with -9 leaves its lock behind). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!

t.test('a second daemon on the same database is refused with the pid and URL of the first', async (t) => {
  const db = dbIn(t)
  const parent = process.ppid // alive, and not this process
  writeFileSync(lockPathOf(db), JSON.stringify({ pid: parent, startedAt: 1, url: 'http://127.0.0.1:3000', simAmiPort: null, token: 'x' }))
  const err = t.throws(() => takeInstanceLock(db, 2)) as unknown as AlreadyRunning
  t.ok(err instanceof AlreadyRunning)
  t.match(err.message, new RegExp(`already running on .*ringlead\\.db \\(pid ${parent}, http://127\\.0\\.0\\.1:3000\\)`))
  t.match(err.message, /RINGLEAD_DB_PATH/)
  t.same(runningDaemon(db), { pid: parent, startedAt: 1, url: 'http://127.0.0.1:3000', simAmiPort: null })
})

t.test('a lock left by a killed daemon is taken over', async (t) => {
  const db = dbIn(t)
  writeFileSync(lockPathOf(db), JSON.stringify({ pid: deadPid(), startedAt: 1, url: null, simAmiPort: null, token: 'old' }))
  t.equal(runningDaemon(db), null)
  const lock = takeInstanceLock(db, 2)
  lock.update({ url: 'http://127.0.0.1:3311', simAmiPort: 4242 })
  t.match(JSON.parse(readFileSync(lockPathOf(db), 'utf8')), { pid: process.pid, url: 'http://127.0.0.1:3311', simAmiPort: 4242 })
  lock.release()
  t.notOk(existsSync(lockPathOf(db)), 'released on a clean stop')
})

t.test('a lock naming this very pid is a previous run of a restarted container, not a second daemon', async (t) => {
  const db = dbIn(t)
  writeFileSync(lockPathOf(db), JSON.stringify({ pid: process.pid, startedAt: 1, url: null, simAmiPort: null, token: 'old' }))
  const lock = takeInstanceLock(db, 2)
  lock.release()
  t.notOk(existsSync(lockPathOf(db)))
})

t.test('release leaves a lock another daemon took meanwhile alone', async (t) => {
  const db = dbIn(t)
  const lock = takeInstanceLock(db, 1)
  writeFileSync(lockPathOf(db), JSON.stringify({ pid: process.ppid, startedAt: 3, url: null, simAmiPort: null, token: 'theirs' }))
  lock.release()
  t.ok(existsSync(lockPathOf(db)))
})

t.test('an in-memory database takes no lock', async (t) => {
  takeInstanceLock(':memory:', 1).release()
  t.equal(runningDaemon(':memory:'), null)
})
