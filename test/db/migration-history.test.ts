import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import t from 'tap'
import { UnknownMigrationHistory } from '../../src/db/errors.js'
import { todaysMigrations } from '../../src/db/migration-history.js'
import { migrationsFolder, openDb } from '../../src/db/open.js'

const repoDir = resolve(import.meta.dirname, '../..')

/** The first-parent commits that changed migrations/, newest first; or why there are none to test. */
function migrationCommits (): string[] | string {
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    if (git('rev-parse', '--is-shallow-repository') === 'true') return 'the repository is a shallow clone'
    const commits = git('rev-list', '--first-parent', 'HEAD', '--', 'migrations/').split('\n').filter((c) => c !== '')
    return commits.length > 0 ? commits : 'no commit in the history changed migrations/'
  } catch (err) {
    if (err instanceof Error && ('status' in err || 'code' in err)) return `git history unavailable (${err.message.split('\n')[0]})`
    throw err
  }
}

/** Writes `commit`'s migration files (SQL and journal) into `dir`. */
function checkOutMigrations (commit: string, dir: string): void {
  mkdirSync(join(dir, 'meta'), { recursive: true })
  const files = execFileSync('git', ['-C', repoDir, 'ls-tree', '-r', '--name-only', commit, 'migrations/'], { encoding: 'utf8' }).trim().split('\n')
  for (const file of files) {
    if (!file.endsWith('.sql') && !file.endsWith('meta/_journal.json')) continue
    writeFileSync(join(dir, file.slice('migrations/'.length)), execFileSync('git', ['-C', repoDir, 'show', `${commit}:${file}`]))
  }
}

type Row = Record<string, unknown>

/** Inserts `given` into `table`, filling the other required columns by their type; returns the row. */
function insert (sqlite: Database.Database, table: string, given: Row): Row {
  const cols = sqlite.prepare('SELECT name, type, "notnull", dflt_value FROM pragma_table_info(?)').all(table) as Array<{ name: string; type: string; notnull: number; dflt_value: string | null }>
  const row: Row = { ...given }
  for (const c of cols) {
    if (c.name in row || c.notnull === 0 || c.dflt_value !== null) continue
    row[c.name] = c.type.toUpperCase() === 'INTEGER' ? 7 : c.type.toUpperCase() === 'REAL' ? 0.5 : `${table}.${c.name}`
  }
  const names = Object.keys(row)
  sqlite.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...names.map((n) => row[n]))
  return row
}

const hasTable = (sqlite: Database.Database, table: string): boolean =>
  sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined

/** A little of everything the core tables hold, with the keys each row is found by again. */
function seed (sqlite: Database.Database): Array<{ table: string; key: string; row: Row }> {
  const rows: Array<{ table: string; key: string; row: Row }> = []
  const add = (table: string, key: string, given: Row): void => {
    if (hasTable(sqlite, table)) rows.push({ table, key, row: insert(sqlite, table, given) })
  }
  add('operators', 'operator_id', { operator_id: 'op_ana', name: 'Ana', endpoint: 'PJSIP/201', created_at: 1_000 })
  add('categories', 'category_id', { category_id: 'cat_sales', name: 'Sales', created_at: 1_000 })
  add('customers', 'customer_id', { customer_id: 'cu_1', phone: '+4915100000001', name: 'Ivan', created_at: 1_000 })
  add('calls', 'call_id', {
    call_id: 'call_1', direction: 'inbound', status: 'answered', channel_id: 'ch-1', caller_raw: '015100000001', caller_phone: '+4915100000001',
    customer_id: 'cu_1', did: '+493000000', category_id: 'cat_sales', answered_by: 'op_ana', started_at: 2_000, answered_at: 3_000, ended_at: 9_000, talk_ms: 6_000
  })
  add('recordings', 'recording_id', { recording_id: 'rec_1', call_id: 'call_1', kind: 'mixed', name: 'call_1-mixed', format: 'wav', path: 'call_1.wav', status: 'stored', started_at: 3_000 })
  add('leads', 'lead_id', { lead_id: 'ld_1', customer_id: 'cu_1', owner_id: 'op_ana', phone: '+4915100000001', status: 'new', created_at: 2_000 })
  return rows
}

interface Shape { objects: unknown[]; columns: Record<string, unknown[]>; migrations: unknown[] }

function shapeOf (sqlite: Database.Database): Shape {
  const objects = sqlite.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all()
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name)
  const columns = Object.fromEntries(tables.map((name) => [name, sqlite.prepare('SELECT * FROM pragma_table_xinfo(?)').all(name)]))
  const migrations = sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at').all()
  return { objects, columns, migrations }
}

const scratch = mkdtempSync(join(tmpdir(), 'ringlead-migrations-'))
t.teardown(() => { rmSync(scratch, { recursive: true, force: true }) })

const commits = migrationCommits()
const noHistory = typeof commits === 'string' ? `no migration history to replay: ${commits}` : false

t.test('a database made by every earlier migration set opens with today\'s code, keeps its rows and gets today\'s schema', { skip: noHistory }, async (t) => {
  if (typeof commits === 'string') return
  const fresh = openDb(':memory:')
  const want = shapeOf(fresh.$client)
  fresh.$client.close()
  for (const commit of commits) {
    const short = commit.slice(0, 7)
    await t.test(`the set of ${short}`, async (t) => {
      const folder = join(scratch, short)
      checkOutMigrations(commit, folder)
      const path = join(folder, 'ringlead.db')
      const old = new Database(path)
      migrate(drizzle(old), { migrationsFolder: folder })
      const seeded = old.transaction(() => seed(old))()
      old.close()
      t.ok(seeded.some((s) => s.table === 'calls'), 'the core tables were seeded')

      const db = openDb(path)
      for (const { table, key, row } of seeded) {
        t.match(db.$client.prepare(`SELECT * FROM ${table} WHERE ${key} = ?`).get(row[key]), row, `${table} ${String(row[key])} is still there`)
      }
      t.same(shapeOf(db.$client), want, 'tables, columns, indexes and migration rows equal a fresh database\'s')
      t.same(db.$client.pragma('foreign_key_check'), [], 'every reference still holds')
      db.$client.close()
      const again = openDb(path)
      t.same(shapeOf(again.$client), want, 'opening it again changes nothing')
      again.$client.close()
    })
  }
})

t.test('no released migration file has been edited: today\'s files hash as recorded in migrations/history/released.json', async (t) => {
  const released = JSON.parse(readFileSync(join(migrationsFolder, 'history', 'released.json'), 'utf8')) as Array<{ tag: string; when: number; hash: string }>
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
  const files = todaysMigrations(migrationsFolder)
  const today = journal.entries.map((e, i) => ({ tag: e.tag, when: files[i]!.createdAt, hash: files[i]!.hash }))
  for (const r of released) {
    t.same(today.find((m) => m.tag === r.tag), r, `${r.tag} is as released (never edit it: add a new migration)`)
  }
  for (const m of today.slice(released.length)) {
    t.fail(`${m.tag} is not in migrations/history/released.json: run node --import tsx scripts/migration-history.ts`)
  }
})

t.test('a database from a migration set nobody knows fails to open with an error that says so', async (t) => {
  const path = join(scratch, 'unknown.db')
  openDb(path).$client.close()
  const edit = new Database(path)
  edit.prepare('UPDATE __drizzle_migrations SET hash = ? WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)').run('0'.repeat(64))
  edit.close()
  const err = t.throws(() => openDb(path))
  t.ok(err instanceof UnknownMigrationHistory)
  // The changed row is the newest: today's last migration, counted from 1.
  const count = (JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
  t.match(err, { code: 'UNKNOWN_MIGRATION_HISTORY', message: new RegExp(`unknown migration set: its migration ${count} \\(sha256 000000000000`) })
})

t.test('a database migrated by a newer version fails to open and says it is newer', async (t) => {
  const path = join(scratch, 'newer.db')
  openDb(path).$client.close()
  const edit = new Database(path)
  edit.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), 9_999_999_999_999)
  edit.close()
  t.throws(() => openDb(path), { name: 'UnknownMigrationHistory', message: /a newer ringlead/ })
})
