// WAL checkpoints run in a worker thread on the injected clock; the daemon's connection never
// checkpoints inside a commit, and falls back to doing so when the worker is gone.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { Checkpointer } from '../../src/db/checkpointer.js'
import { openDaemonDb } from '../../src/db/daemon-db.js'
import { openDb, type Db } from '../../src/db/open.js'
import { testLog } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-checkpoint-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** Enough committed pages to pass SQLite's own checkpoint threshold (1,000 pages) several times. */
function writeMuch (db: Db, transactions: number): void {
  const sqlite = db.$client
  sqlite.exec('create table if not exists filler (id integer primary key, body text)')
  const insert = sqlite.prepare('insert into filler (body) values (?)')
  const body = 'x'.repeat(3000)
  for (let i = 0; i < transactions; i++) sqlite.transaction(() => { for (let j = 0; j < 10; j++) insert.run(body) })()
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms) })

const walPages = (path: string): number => Math.floor((statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) / 4096)

t.test('the connection leaves checkpoints to the worker, which runs them when the clock says', async (t) => {
  const path = join(tempDir(t), 'ringlead.db')
  const clock = new VirtualClock()
  const { db, checkpoints, close } = openDaemonDb({ path, busyTimeoutMs: 500, checkpointEveryMs: 1000 }, clock, testLog)
  t.teardown(close)
  t.ok(checkpoints)
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 0, 'commits do not checkpoint')
  writeMuch(db, 400)
  // Without the worker SQLite would have checkpointed and reused the WAL from its start by now.
  t.ok(walPages(path) > 3000, `the WAL grew (${walPages(path)} pages)`)
  t.equal(checkpoints!.last, null)
  const done = new Promise<void>((resolve) => {
    const poll = (): void => { if (checkpoints!.last !== null) resolve(); else setTimeout(poll, 10) }
    poll()
  })
  await clock.advance(1000)
  await done
  const last = checkpoints!.last!
  t.ok(last.walPages > 3000, 'the checkpoint saw the whole WAL')
  t.equal(last.checkpointed, last.walPages, 'and copied all of it (nothing read or wrote meanwhile)')
  // A WAL this long is checkpointed a second time with the call path's writes held (see the last
  // test); the tick is over once the next one is set and the hold's deadline is gone.
  while (!clock.dueIn().includes(1000)) await sleep(5)
  t.same(clock.dueIn(), [1000], 'the next one is set, and nothing else waits')
  // The next commit starts the WAL over: it does not keep growing.
  const before = walPages(path)
  writeMuch(db, 5)
  t.equal(walPages(path), before, 'the WAL file is reused, not grown')
})

t.test('a worker that cannot open the database gives checkpoints back to the connection', async (t) => {
  const dir = tempDir(t)
  const db = openDb(join(dir, 'ringlead.db'))
  t.teardown(() => { db.$client.close() })
  const clock = new VirtualClock()
  const checkpoints = new Checkpointer({ db, path: join(dir, 'missing.db'), clock, log: testLog, everyMs: 1000 })
  checkpoints.start()
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 0)
  await new Promise<void>((resolve) => {
    const poll = (): void => { if (db.$client.pragma('wal_autocheckpoint', { simple: true }) === 1000) resolve(); else setTimeout(poll, 10) }
    poll()
  })
  t.pass('autocheckpoint is back at SQLite\'s 1,000 pages')
  t.equal(await checkpoints.checkpoint(), null, 'no checkpoint without a worker')
  await clock.advance(5000)
  t.equal(clock.timers, 0, 'and no timer keeps firing for it')
  await checkpoints.stop()
})

t.test('stop closes the worker\'s connection; the daemon\'s setting 0 leaves checkpoints to SQLite', async (t) => {
  const path = join(tempDir(t), 'ringlead.db')
  const clock = new VirtualClock()
  const a = openDaemonDb({ path, busyTimeoutMs: 500, checkpointEveryMs: 1000 }, clock, testLog)
  await a.close()
  t.equal(clock.timers, 0, 'no checkpoint left scheduled')
  const b = openDaemonDb({ path, busyTimeoutMs: 500, checkpointEveryMs: 0 }, clock, testLog)
  t.teardown(b.close)
  t.equal(b.checkpoints, null)
  t.equal(b.db.$client.pragma('wal_autocheckpoint', { simple: true }), 1000)
})

t.test('under writes that never pause the WAL still starts over: the call path\'s writes wait for a second checkpoint', async (t) => {
  const path = join(tempDir(t), 'ringlead.db')
  const clock = new VirtualClock()
  const { db, writes, checkpoints, close } = openDaemonDb({ path, busyTimeoutMs: 500, checkpointEveryMs: 1000 }, clock, testLog)
  t.teardown(close)
  writeMuch(db, 400)
  const insert = db.$client.prepare('insert into filler (body) values (?)')
  writes.register('filler', (body: string) => insert.run(body))
  const count = (): number => db.$client.prepare('select count(*) from filler').pluck().get() as number
  const before = count()
  // A commit every 2 ms or so, each through `later` as the call path writes: some land during any checkpoint.
  let given = 0
  let pumping = true
  const pump = (): void => {
    if (!pumping) return
    writes.later({ kind: 'filler', args: 'y'.repeat(500) })
    given++
    setTimeout(pump, 2)
  }
  pump()
  await clock.advance(1000)
  // The tick is over once the next one is set (the hold's deadline is another timer, of 100 ms).
  while (!clock.dueIn().includes(1000)) await sleep(5)
  t.equal(checkpoints!.holds, 1, 'the first checkpoint left a long WAL behind: the writes were held once')
  await sleep(20)
  const size = walPages(path)
  await sleep(300)
  t.equal(walPages(path), size, `the WAL file is reused from its start, not grown (${size} pages)`)
  const second = checkpoints!.last
  await clock.advance(1000)
  while (checkpoints!.last === second) await sleep(5)
  t.ok(checkpoints!.last!.walPages < 1000, `the next checkpoint finds a short WAL (${checkpoints!.last!.walPages} pages)`)
  pumping = false
  await writes.flushed()
  t.equal(count() - before, given, 'every held write landed')
})
