// The write path's statement helpers. Prepared statements carry their LIMIT in their text: a bound
// LIMIT (drizzle's `.limit(n)`) is read by SQLite's planner, which then recompiles the statement
// every time the parameter is bound again. Transactions run through one function per connection.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { desc, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { openDb } from '../../src/db/open.js'
import { fixedLimit, runTransaction } from '../../src/db/prepared.js'
import { leads } from '../../src/db/schema.js'

t.test('fixedLimit writes the number into the statement, with no parameter for it', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const bound = db.select().from(leads).where(eq(leads.phone, sql.placeholder('phone'))).orderBy(desc(leads.updatedAt)).limit(1).toSQL()
  t.match(bound.sql, /limit \?$/, 'drizzle binds a plain .limit(n)')
  const fixed = db.select().from(leads).where(eq(leads.phone, sql.placeholder('phone'))).orderBy(desc(leads.updatedAt)).limit(fixedLimit(1))
  t.match(fixed.toSQL().sql, /limit 1$/)
  t.equal(fixed.toSQL().params.length, 1, 'only the phone is bound')
  const stmt = fixed.prepare()
  db.$client.prepare("insert into leads (lead_id, phone, channel, status, status_since, created_at, updated_at) values ('l1', '+7901', 'call', 'new', 1, 1, 1), ('l2', '+7901', 'call', 'new', 2, 2, 2)").run()
  t.equal(stmt.all({ phone: '+7901' }).length, 1, 'and the statement still returns one row')
  t.equal(stmt.get({ phone: '+7901' })?.leadId, 'l2')
})

t.test('fixedLimit refuses what is not a whole number of rows', async (t) => {
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => fixedLimit(bad), { name: 'RangeError', message: /a LIMIT must be a whole number ≥ 0/ }, String(bad))
  }
  t.doesNotThrow(() => fixedLimit(0))
})

t.test('runTransaction commits, rolls back on a throw, nests as a savepoint, and takes the write lock at once when asked', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const sqlite = db.$client
  sqlite.exec('create table t (v integer)')
  const values = (): number[] => sqlite.prepare('select v from t order by v').all().map((r) => (r as { v: number }).v)
  t.equal(runTransaction(sqlite, () => { sqlite.prepare('insert into t values (1)').run(); return 'done' }), 'done')
  t.throws(() => runTransaction(sqlite, () => { sqlite.prepare('insert into t values (2)').run(); throw new Error('refused') }), /refused/)
  t.same(values(), [1], 'the throwing one left nothing')
  runTransaction(sqlite, () => {
    sqlite.prepare('insert into t values (3)').run()
    t.ok(sqlite.inTransaction)
    t.throws(() => runTransaction(sqlite, () => { sqlite.prepare('insert into t values (4)').run(); throw new Error('inner') }), /inner/)
  })
  t.same(values(), [1, 3], 'the inner failure undid only its own write')
  runTransaction(sqlite, () => { t.ok(sqlite.inTransaction, 'immediate runs in a transaction too') }, 'immediate')
  t.notOk(sqlite.inTransaction)
})

t.test('runTransaction immediate fails at BEGIN while another connection holds the write lock', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-tx-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const a = openDb(join(dir, 'db.sqlite'), 0)
  const b = openDb(join(dir, 'db.sqlite'), 0)
  t.teardown(() => { a.$client.close(); b.$client.close() })
  a.$client.exec('create table t (v integer)')
  b.$client.exec('BEGIN IMMEDIATE')
  let ran = false
  t.throws(() => runTransaction(a.$client, () => { ran = true }, 'immediate'), { code: /^SQLITE_BUSY/ })
  t.notOk(ran, 'nothing ran without the lock')
  b.$client.exec('ROLLBACK')
  runTransaction(a.$client, () => { ran = true }, 'immediate')
  t.ok(ran)
})
