// Statements of the call path prepared once and reused: drizzle builds a query's SQL anew on every
// call (and better-sqlite3 compiles it again), which cost more than running it. A write whose
// columns vary is prepared once per set of columns it sets: a call writes the same few sets again
// and again.
import { eq, getTableColumns, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Db } from './open.js'
import { emptyRecord } from '../domain/empty-record.js'

interface DriverColumn { mapToDriverValue: (v: unknown) => unknown }
interface Runnable { run: (values: Record<string, unknown>) => { changes: number } }

/** Each value as its column stores it (booleans as 0/1, JSON as text): placeholders skip drizzle's own mapping. */
function driverValues (columns: Record<string, DriverColumn>, keys: readonly string[], row: Record<string, unknown>, into: Record<string, unknown> = emptyRecord()): Record<string, unknown> {
  for (const k of keys) {
    const v = row[k]
    into[k] = v === null || v === undefined ? null : columns[k]!.mapToDriverValue(v)
  }
  return into
}

/**
 * An INSERT of the columns a row sets (the others take their defaults), prepared once per set of
 * columns. `ignoreExisting`: a row already there is left alone (a journaled write may be applied
 * twice, see write-behind.ts); without it a duplicate key throws as a plain insert does.
 */
export function insertByShape (db: Db, table: SQLiteTable, opts: { ignoreExisting?: boolean } = {}): (row: object) => number {
  const columns = getTableColumns(table) as unknown as Record<string, DriverColumn>
  const statements = new Map<string, Runnable>()
  return (row) => {
    const r = row as Record<string, unknown>
    const keys = Object.keys(r).filter((k) => k in columns && r[k] !== undefined)
    const shape = keys.join(',')
    let stmt = statements.get(shape)
    if (stmt === undefined) {
      const q = db.insert(table).values(Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as never)
      stmt = (opts.ignoreExisting === true ? q.onConflictDoNothing().prepare() : q.prepare()) as unknown as Runnable
      statements.set(shape, stmt)
    }
    return stmt.run(driverValues(columns, keys, r)).changes
  }
}

/** An UPDATE by primary key of the columns a patch sets, prepared once per set of columns. */
export function updateByShape (db: Db, table: SQLiteTable, idColumn: string): (id: string, patch: object) => number {
  const columns = getTableColumns(table) as unknown as Record<string, DriverColumn>
  const statements = new Map<string, Runnable>()
  const idKey = `${idColumn}Key`
  return (id, patch) => {
    const p = patch as Record<string, unknown>
    const keys = Object.keys(p).filter((k) => k in columns && p[k] !== undefined)
    if (keys.length === 0) return 0
    const shape = keys.join(',')
    let stmt = statements.get(shape)
    if (stmt === undefined) {
      const idCol = (table as unknown as Record<string, Parameters<typeof eq>[0]>)[idColumn]!
      stmt = db.update(table).set(Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as never)
        .where(eq(idCol, sql.placeholder(idKey))).prepare() as unknown as Runnable
      statements.set(shape, stmt)
    }
    const values = emptyRecord<unknown>() // filled by name: see empty-record.ts
    values[idKey] = id
    return stmt.run(driverValues(columns, keys, p, values)).changes
  }
}

/**
 * A LIMIT for a prepared statement, written into its text. drizzle binds `.limit(n)` as a parameter,
 * and SQLite reads a bound LIMIT while it plans the query: it then marks the statement to be compiled
 * anew whenever that parameter is bound again, so a prepared statement with `.limit(n)` was compiled
 * on every run (0.1 ms a call in the daemon's profile at 40 calls/s). drizzle writes an SQL value
 * as it is.
 */
export function fixedLimit (n: number): number {
  return sql.raw(String(wholeLimit(n))) as unknown as number
}

/** `n` when it can be a LIMIT written into a statement's text; else a RangeError naming it. */
export function wholeLimit (n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a LIMIT must be a whole number ≥ 0, not ${n}`)
  return n
}

/** A statement per variant of a query (which filters it has), built the first time it is needed. */
export function preparedVariants<S> (build: (variant: string) => S): (variant: string) => S {
  const statements = new Map<string, S>()
  return (variant) => {
    let stmt = statements.get(variant)
    if (stmt === undefined) {
      stmt = build(variant)
      statements.set(variant, stmt)
    }
    return stmt
  }
}

type Connection = Db['$client']
type Runner = (fn: () => unknown) => unknown
const runners = new WeakMap<Connection, { deferred: Runner; immediate: Runner }>()

/**
 * Runs `fn` in a transaction (a savepoint inside one already open) through a transaction function
 * made once per connection. better-sqlite3's `transaction(fn)` builds four wrappers and defines
 * their properties every time; made per write, that was 1 % of the daemon's main thread at 40
 * calls/s. `immediate` takes the write lock at BEGIN, so a busy database fails there, before any work.
 */
export function runTransaction<T> (sqlite: Connection, fn: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
  let r = runners.get(sqlite)
  if (r === undefined) {
    const run = sqlite.transaction((f: () => unknown) => f())
    r = { deferred: run, immediate: run.immediate }
    runners.set(sqlite, r)
  }
  return r[mode](fn) as T
}
