// The connection's settings that the call path's cost rests on. A savepoint (a call's lead taken in
// with the call's other writes) keeps the pages it changes in a sub-journal; past 64 KiB SQLite spilled
// it into a temporary file it created, wrote and deleted on every call. It stays in memory now.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { openDb, type Db } from '../../src/db/open.js'
import { runTransaction } from '../../src/db/prepared.js'

/** A database file of its own, closed and removed after the test. */
function fileDb (t: Test): Db {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-open-'))
  const db = openDb(join(dir, 'r.db'))
  t.teardown(() => { db.$client.close(); rmSync(dir, { recursive: true, force: true }) })
  return db
}

t.test('temporary storage, sub-journals included, is kept in memory', async (t) => {
  const db = fileDb(t)
  t.equal(db.$client.pragma('temp_store', { simple: true }), 2, 'MEMORY')
  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal')
})

t.test('a savepoint that changes far more than 64 KiB of pages still rolls back exactly', async (t) => {
  const db = fileDb(t)
  const sqlite = db.$client
  sqlite.exec('create table big (id integer primary key, body text)')
  const insert = sqlite.prepare('insert into big (body) values (?)')
  runTransaction(sqlite, () => { for (let i = 0; i < 50; i++) insert.run('a'.repeat(3000)) })
  const count = (): number => sqlite.prepare('select count(*) from big').pluck().get() as number
  runTransaction(sqlite, () => {
    insert.run('kept')
    t.throws(() => runTransaction(sqlite, () => {
      sqlite.prepare("update big set body = ? where body <> 'kept'").run('b'.repeat(3000))
      for (let i = 0; i < 50; i++) insert.run('c'.repeat(3000))
      throw new Error('lead refused')
    }), /lead refused/)
  })
  t.equal(count(), 51, 'the outer transaction kept its row, the savepoint left nothing')
  t.equal(sqlite.prepare("select count(*) from big where body like 'b%' or body like 'c%'").pluck().get(), 0)
})
