// Runs before drizzle's migrator. drizzle applies every migration newer than the last row it recorded,
// so a database made by a migration set that was later rewritten (files regenerated in a merge, or an
// edited 0004) would have a migration run twice and fail. Such retired sets are kept as data in
// migrations/history/ (scripts/migration-history.ts wrote them): their recorded rows and the SQL that
// brings their schema to today's. Here we recognise the set, apply that SQL and rewrite the rows as
// today's files would have written them, so the migrator then carries on as for any database.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { UnknownMigrationHistory } from './errors.js'

export interface AppliedMigration { hash: string; createdAt: number }

/** One retired migration set, as stored in migrations/history/<commit>.json. */
export interface RetiredSet {
  commit: string
  rows: AppliedMigration[]
  /** How many of today's migrations the upgraded database then holds. */
  sameAsTodayUpTo: number
  upgrade: string[]
}

export type ReconcileOutcome =
  | { kind: 'new' }
  | { kind: 'current' }
  | { kind: 'upgraded'; fromCommit: string }

export function todaysMigrations (migrationsFolder: string): AppliedMigration[] {
  // drizzle's own reader, so the hashes are computed exactly as its migrator records them.
  return readMigrationFiles({ migrationsFolder }).map((m) => ({ hash: m.hash, createdAt: m.folderMillis }))
}

export function retiredSets (migrationsFolder: string): RetiredSet[] {
  const dir = join(migrationsFolder, 'history')
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => /^[0-9a-f]{12}\.json$/.test(f)).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RetiredSet)
}

const same = (a: AppliedMigration, b: AppliedMigration): boolean => a.hash === b.hash && a.createdAt === b.createdAt

export function reconcileMigrations (sqlite: Database.Database, migrationsFolder: string): ReconcileOutcome {
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined
  if (!hasTable) return { kind: 'new' }
  const applied = (sqlite.prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at').all() as AppliedMigration[])
    .map((r) => ({ hash: r.hash, createdAt: Number(r.createdAt) }))
  const today = todaysMigrations(migrationsFolder)
  if (applied.length <= today.length && applied.every((r, i) => same(r, today[i]!))) return { kind: 'current' }
  const retired = retiredSets(migrationsFolder)
    .find((s) => s.rows.length === applied.length && s.rows.every((r, i) => same(r, applied[i]!)))
  if (retired === undefined) throw new UnknownMigrationHistory(describeUnknown(sqlite.name, applied, today))
  upgrade(sqlite, retired, today)
  return { kind: 'upgraded', fromCommit: retired.commit }
}

function upgrade (sqlite: Database.Database, retired: RetiredSet, today: AppliedMigration[]): void {
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number
  // Tables are rebuilt by renaming the old one aside: with foreign keys off and the legacy rename,
  // other tables' REFERENCES keep naming the table, which is then created again under its name.
  sqlite.pragma('foreign_keys = OFF')
  sqlite.pragma('legacy_alter_table = ON')
  try {
    sqlite.transaction(() => {
      for (const statement of retired.upgrade) sqlite.exec(statement)
      sqlite.exec('DELETE FROM __drizzle_migrations')
      const insert = sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      for (const row of today.slice(0, retired.sameAsTodayUpTo)) insert.run(row.hash, row.createdAt)
    })()
  } finally {
    sqlite.pragma('legacy_alter_table = OFF')
    sqlite.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`)
  }
}

function describeUnknown (path: string, applied: AppliedMigration[], today: AppliedMigration[]): string {
  const first = applied.findIndex((r, i) => today[i] === undefined || !same(r, today[i]!))
  const row = applied[first]!
  const newer = first >= today.length
  return `database ${path} was migrated by ${newer ? 'a newer ringlead' : 'an unknown migration set'}: ` +
    `its migration ${first + 1} (sha256 ${row.hash.slice(0, 12)}, created_at ${row.createdAt}) is ` +
    (newer ? `beyond this version's ${today.length} migrations` : "neither today's nor in a retired set in migrations/history") +
    '; start the ringlead that made it, or restore a backup'
}
