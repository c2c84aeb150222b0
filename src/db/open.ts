// Opens the database with its pragmas in one place and applies the SQL migrations.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { reconcileMigrations } from './migration-history.js'
import * as schema from './schema.js'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

const here = dirname(fileURLToPath(import.meta.url))
/** `migrations/` at the repository root, whether this runs from src/ or from the built dist/src/. */
export const migrationsFolder = [resolve(here, '../../migrations'), resolve(here, '../../../migrations')]
  .find((dir) => existsSync(join(dir, 'meta', '_journal.json'))) ?? resolve(here, '../../migrations')

/**
 * `path` ':memory:' gives a private in-memory database (tests). `busyTimeoutMs`: how long a write
 * waits for another process's lock (calls never wait: see write-behind.ts).
 */
export function openDb (path: string, busyTimeoutMs = 5000): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true })
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL under WAL keeps every committed transaction across a process crash (only an OS crash
  // can lose the last ones), which is the failure we guard against.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
  // 64 MB of page cache (the default is 2 MB): reports read large index ranges again and again.
  sqlite.pragma('cache_size = -65536')
  // A savepoint (a lead taken in with its call's other writes) keeps the pages it changes in a
  // sub-journal, which past 64 KiB spills to a temporary file SQLite creates, writes and deletes on
  // every call (the lead's writes took 0.3 ms more a call at 40 calls/s). In memory it is a copy of
  // the pages.
  sqlite.pragma('temp_store = MEMORY')
  const db = drizzle(sqlite, { schema })
  // A database made by a since-rewritten migration set is brought in line first (migrations/history).
  reconcileMigrations(sqlite, migrationsFolder)
  migrate(db, { migrationsFolder })
  return db as Db
}

/** Asks the database a trivial question; throws when it cannot answer. */
export function pingDb (db: Db): void {
  db.$client.prepare('select 1').get()
}

export { schema }
