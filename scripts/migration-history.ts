// Writes what the runtime needs to know about migration sets that were released and later rewritten:
// `node --import tsx scripts/migration-history.ts` (run from the repository, with its git history).
//
// For every commit on main's first-parent line that changed migrations/, it builds a database with that
// commit's migration files (drizzle's own migrator, in memory) and reads the rows drizzle kept. A set
// whose rows are not a prefix of today's files is a retired variant: the script diffs its schema against
// today's first N migrations (N = its number of entries) and writes migrations/history/<commit>.json with
// those rows and the SQL that brings such a database to today's schema without losing rows. It also
// writes migrations/history/released.json, today's files' hashes; an entry there never changes (the test
// in test/db/migration-history.test.ts fails when a released file is edited).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'

const repoDir = resolve(import.meta.dirname, '..')
const migrationsDir = join(repoDir, 'migrations')
const historyDir = join(migrationsDir, 'history')
const git = (...args: string[]): string => execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })

interface Row { hash: string; createdAt: number }
interface SchemaObject { type: string; name: string; tblName: string; sql: string }

const scratch = mkdtempSync(join(tmpdir(), 'ringlead-migration-history-'))

/** A folder holding `commit`'s migrations/ (or today's first `take` migrations when commit is null). */
function migrationSet (commit: string | null, take?: number): string {
  const dir = join(scratch, `${commit ?? 'today'}-${take ?? 'all'}`)
  mkdirSync(join(dir, 'meta'), { recursive: true })
  if (commit !== null) {
    for (const file of git('ls-tree', '-r', '--name-only', commit, 'migrations/').trim().split('\n')) {
      if (!file.endsWith('.sql') && !file.endsWith('_journal.json')) continue
      writeFileSync(join(dir, file.slice('migrations/'.length)), execFileSync('git', ['-C', repoDir, 'show', `${commit}:${file}`]))
    }
    return dir
  }
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
  journal.entries = journal.entries.slice(0, take)
  for (const e of journal.entries) writeFileSync(join(dir, `${e.tag}.sql`), readFileSync(join(migrationsDir, `${e.tag}.sql`)))
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal))
  return dir
}

function built (folder: string): Database.Database {
  const sqlite = new Database(':memory:')
  migrate(drizzle(sqlite), { migrationsFolder: folder })
  return sqlite
}

function rowsOf (sqlite: Database.Database): Row[] {
  return (sqlite.prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at').all() as Row[])
    .map((r) => ({ hash: r.hash, createdAt: Number(r.createdAt) }))
}

/** Tables, virtual tables and indexes we create ourselves (not SQLite's automatic or shadow ones). */
function schemaOf (sqlite: Database.Database): Map<string, SchemaObject> {
  const shadow = new Set((sqlite.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'").all() as Array<{ name: string }>).map((r) => r.name))
  const objects = sqlite.prepare("SELECT type, name, tbl_name AS tblName, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY rowid").all() as SchemaObject[]
  return new Map(objects.filter((o) => !shadow.has(o.name)).map((o) => [o.name, o]))
}

function columnsOf (sqlite: Database.Database, table: string): Array<{ name: string; notnull: number; dflt_value: string | null }> {
  return sqlite.prepare('SELECT name, "notnull", dflt_value FROM pragma_table_xinfo(?)').all(table) as Array<{ name: string; notnull: number; dflt_value: string | null }>
}

const q = (name: string): string => `\`${name}\``

/**
 * SQL that turns the schema of `variant` into that of `canonical`. A table whose definition differs is
 * rebuilt (renamed aside, created from today's text, rows copied by column name, old one dropped), so the
 * result matches a fresh database to the letter, column order included. Nothing of the variant is dropped
 * that today's schema lacks: that would lose data, so the script stops instead.
 */
function upgradeSql (variant: Database.Database, canonical: Database.Database): string[] {
  const have = schemaOf(variant)
  const want = schemaOf(canonical)
  for (const [name, o] of have) {
    if (!want.has(name)) throw new Error(`the retired set has ${o.type} ${name}, which today's migrations lack: write its upgrade by hand`)
  }
  const out: string[] = []
  const rebuilt = new Set<string>()
  for (const o of want.values()) {
    if (o.type !== 'table') continue
    const old = have.get(o.name)
    if (old === undefined) { out.push(o.sql); continue }
    if (old.sql === o.sql) continue
    if (o.sql.startsWith('CREATE VIRTUAL TABLE')) throw new Error(`virtual table ${o.name} changed: write its upgrade by hand`)
    const oldCols = new Set(columnsOf(variant, o.name).map((c) => c.name))
    const newCols = columnsOf(canonical, o.name)
    const lost = [...oldCols].filter((c) => !newCols.some((n) => n.name === c))
    if (lost.length > 0) throw new Error(`table ${o.name} loses columns ${lost.join(', ')}: write its upgrade by hand`)
    const unfillable = newCols.filter((c) => !oldCols.has(c.name) && c.notnull === 1 && c.dflt_value === null)
    if (unfillable.length > 0) throw new Error(`table ${o.name} gains NOT NULL columns without a default (${unfillable.map((c) => c.name).join(', ')}): write its upgrade by hand`)
    const common = newCols.filter((c) => oldCols.has(c.name)).map((c) => q(c.name)).join(', ')
    const aside = `__retired_${o.name}`
    out.push(`ALTER TABLE ${q(o.name)} RENAME TO ${q(aside)}`, o.sql,
      `INSERT INTO ${q(o.name)} (${common}) SELECT ${common} FROM ${q(aside)}`, `DROP TABLE ${q(aside)}`)
    rebuilt.add(o.name)
  }
  for (const o of want.values()) {
    if (o.type === 'table') continue
    const old = have.get(o.name)
    if (old !== undefined && old.sql === o.sql && !rebuilt.has(o.tblName)) continue
    if (old !== undefined && !rebuilt.has(o.tblName)) out.push(`DROP ${o.type.toUpperCase()} ${q(o.name)}`)
    out.push(o.sql)
  }
  return out
}

const todayRows: Row[] = readMigrationFiles({ migrationsFolder: migrationsDir }).map((m) => ({ hash: m.hash, createdAt: m.folderMillis }))
const isPrefixOfToday = (rows: Row[]): boolean =>
  rows.length <= todayRows.length && rows.every((r, i) => r.hash === todayRows[i]!.hash && r.createdAt === todayRows[i]!.createdAt)

try {
  mkdirSync(historyDir, { recursive: true })
  const commits = git('rev-list', '--first-parent', 'HEAD', '--', 'migrations/').trim().split('\n').filter((c) => c !== '')
  const written: string[] = []
  for (const commit of commits.reverse()) {
    if (!git('ls-tree', '--name-only', commit, 'migrations/meta/').includes('_journal.json')) continue
    const variant = built(migrationSet(commit))
    const rows = rowsOf(variant)
    if (isPrefixOfToday(rows)) continue
    if (rows.length > todayRows.length) throw new Error(`${commit} has more migrations than today's set`)
    const canonical = built(migrationSet(null, rows.length))
    const upgrade = upgradeSql(variant, canonical)
    const tags = git('ls-tree', '-r', '--name-only', commit, 'migrations/').trim().split('\n').filter((f) => f.endsWith('.sql')).map((f) => f.slice('migrations/'.length, -4))
    const file = join(historyDir, `${commit.slice(0, 12)}.json`)
    writeFileSync(file, JSON.stringify({
      commit,
      subject: git('log', '-1', '--format=%s', commit).trim(),
      tags,
      rows,
      sameAsTodayUpTo: rows.length,
      upgrade
    }, null, 2) + '\n')
    written.push(file)
  }
  // Retired sets that no longer appear (history rewritten) stay: databases made by them still exist.
  const releasedFile = join(historyDir, 'released.json')
  const released = existsSync(releasedFile) ? JSON.parse(readFileSync(releasedFile, 'utf8')) as Array<{ tag: string; when: number; hash: string }> : []
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
  const today = journal.entries.map((e, i) => ({ tag: e.tag, when: todayRows[i]!.createdAt, hash: todayRows[i]!.hash }))
  for (const r of released) {
    const now = today.find((t) => t.tag === r.tag)
    if (now === undefined || now.hash !== r.hash || now.when !== r.when) throw new Error(`released migration ${r.tag} was edited or removed: restore it and add a new migration instead`)
  }
  writeFileSync(releasedFile, JSON.stringify(today, null, 2) + '\n')
  console.log(`${written.length} retired migration sets described in ${historyDir}; ${readdirSync(historyDir).length} files there`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
