// Idempotency keys: (scope, key) → the request's hash and the lead it made. Plain reads and writes.
import { and, eq, lt } from 'drizzle-orm'
import type { Db } from './open.js'
import { idempotencyKeys } from './schema.js'

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect

export function priorRequest (db: Db, scope: string, key: string): IdempotencyKeyRow | undefined {
  return db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))).get()
}

export function rememberRequest (db: Db, row: IdempotencyKeyRow): void {
  db.insert(idempotencyKeys).values(row).run()
}

/** Removes the keys written before `olderThanMs`; how many went. */
export function forgetRequestsBefore (db: Db, olderThanMs: number): number {
  return db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, olderThanMs)).run().changes
}

/**
 * Runs `fn` as one write transaction, taking the write lock first: a retry racing its original (in
 * this process or another) waits, then finds the key.
 */
export function inWriteTransaction<T> (db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate()
}
