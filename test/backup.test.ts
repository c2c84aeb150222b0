// Backup while another process keeps writing, and restore: the copy is one moment of the database.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { backupDatabase, manifestPathOf, restoreDatabase } from '../src/backup.js'
import { openDb } from '../src/db/open.js'
import { lockPathOf } from '../src/instance-lock.js'

function setup (t: Test): { dir: string; dbPath: string; recordings: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-backup-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const dbPath = join(dir, 'ringlead.db')
  const db = openDb(dbPath)
  db.$client.exec('CREATE TABLE probe (n INTEGER NOT NULL, half TEXT NOT NULL)')
  db.$client.close()
  const recordings = join(dir, 'recordings')
  mkdirSync(join(recordings, '2026-12'), { recursive: true })
  writeFileSync(join(recordings, '2026-12', 'call_1-mixed.wav'), Buffer.alloc(1000))
  return { dir, dbPath, recordings }
}

/** Another process writing pairs of rows, each pair in one transaction, until killed; `started` once 100 pairs are in. */
function startWriter (dbPath: string): { stop: () => Promise<void>; started: Promise<void> } {
  const code = `
    const Database = require('better-sqlite3')
    const db = new Database(process.argv[1]); db.pragma('journal_mode = WAL'); db.pragma('busy_timeout = 5000')
    const ins = db.prepare('INSERT INTO probe (n, half) VALUES (?, ?)')
    const pair = db.transaction((n) => { ins.run(n, 'a'); ins.run(n, 'b') })
    // Some pairs are in before the test takes its backup, whatever the machine's speed.
    let n = 0; while (n < 100) pair(n++)
    process.stdout.write('writing\\n')
    for (;;) pair(n++)`
  const child = spawn(process.execPath, ['-e', code, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] })
  const started = new Promise<void>((resolve) => { child.stdout.once('data', () => { resolve() }) })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return {
    started,
    stop: async () => { child.kill('SIGKILL'); await exited }
  }
}

const rows = (path: string): { total: number; a: number; b: number } => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare("SELECT count(*) AS total, sum(half = 'a') AS a, sum(half = 'b') AS b FROM probe").get() as { total: number; a: number; b: number }
  } finally { db.close() }
}

t.test('a backup taken while another process writes holds whole transactions only, and lists the recordings', async (t) => {
  const { dir, dbPath, recordings } = setup(t)
  const writer = startWriter(dbPath)
  t.teardown(writer.stop)
  await writer.started
  const target = join(dir, 'backups', 'ringlead-backup.db')
  const m = await backupDatabase({ dbPath, recordingsDir: recordings, target, nowMs: Date.UTC(2026, 11, 2) })
  await writer.stop()
  const copy = rows(target)
  t.ok(copy.total > 0, `${copy.total} rows copied`)
  t.equal(copy.a, copy.b, 'every pair is whole: no transaction cut in half')
  t.ok(rows(dbPath).total >= copy.total, 'the writer went on meanwhile')
  const onDisk = JSON.parse(readFileSync(manifestPathOf(target), 'utf8'))
  t.same(onDisk, m)
  t.match(m, { format: 1, createdAt: '2026-12-02T00:00:00.000Z', database: { file: target, sha256: /^[0-9a-f]{64}$/ } })
  t.same(m.recordings.files, [{ path: '2026-12/call_1-mixed.wav', bytes: 1000 }])
  await t.rejects(backupDatabase({ dbPath, recordingsDir: recordings, target, nowMs: 0 }), /exists; give a new file name/, 'never overwrites a backup')
})

t.test('restore puts the backup in place, keeps the old database aside and names recordings that are missing', async (t) => {
  const { dir, dbPath, recordings } = setup(t)
  const db = new Database(dbPath)
  db.prepare("INSERT INTO probe VALUES (1, 'a')").run()
  db.close()
  const target = join(dir, 'b.db')
  await backupDatabase({ dbPath, recordingsDir: recordings, target, nowMs: 1 })
  const after = new Database(dbPath)
  after.prepare("INSERT INTO probe VALUES (2, 'a')").run() // written after the backup
  after.close()
  rmSync(join(recordings, '2026-12', 'call_1-mixed.wav'))
  const r = await restoreDatabase({ dbPath, recordingsDir: recordings, source: target, nowMs: Date.UTC(2026, 11, 3) })
  t.equal(rows(dbPath).total, 1, 'the database is the backup again')
  t.ok(r.previous !== null && existsSync(r.previous), `the old one is kept: ${r.previous}`)
  t.equal(rows(r.previous!).total, 2)
  t.same(r.missingRecordings, ['2026-12/call_1-mixed.wav'])
  t.notOk(existsSync(lockPathOf(dbPath)), 'the lock it held is released')
})

t.test('restore refuses while a daemon runs on the database, and refuses a backup that does not match its manifest', async (t) => {
  const { dir, dbPath, recordings } = setup(t)
  const target = join(dir, 'b.db')
  await backupDatabase({ dbPath, recordingsDir: recordings, target, nowMs: 1 })
  writeFileSync(lockPathOf(dbPath), JSON.stringify({ pid: process.ppid, startedAt: 1, url: 'http://127.0.0.1:3000', simAmiPort: null, token: 'x' }))
  await t.rejects(restoreDatabase({ dbPath, recordingsDir: recordings, source: target, nowMs: 2 }), new RegExp(`ringlead is running on .* \\(pid ${process.ppid}\\): stop it first`))
  rmSync(lockPathOf(dbPath))
  const tampered = new Database(target)
  tampered.prepare("INSERT INTO probe VALUES (9, 'a')").run()
  tampered.close()
  await t.rejects(restoreDatabase({ dbPath, recordingsDir: recordings, source: target, nowMs: 2 }), /does not match its manifest/)
})
