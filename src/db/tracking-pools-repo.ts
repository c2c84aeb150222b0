// Rows of dynamic number insertion: pools of tracking numbers per traffic source, and the visits
// holding them. Reads and writes only; which number a visitor gets is decided in pbx/tracking-pools.ts.
import { and, asc, eq, gt, inArray, max, ne, sql } from 'drizzle-orm'
import { getTrackingNumber, type Sql } from './catalog-repo.js'
import { trackingNumbers, trackingPoolNumbers, trackingPools, trackingVisits } from './schema.js'

export type PoolRow = typeof trackingPools.$inferSelect
export type VisitRow = typeof trackingVisits.$inferSelect
export type NewVisit = typeof trackingVisits.$inferInsert

/** The number as stored (either spelling of it), or the one written now for `source`. */
export function storeTrackingNumber (db: Sql, did: string, source: string, nowMs: number): string {
  const known = getTrackingNumber(db, did)
  if (known !== undefined) return known.did
  db.insert(trackingNumbers).values({ did, source, createdAt: nowMs }).run()
  return did
}

/** Which of `dids` are in the pool of another source than `source`. */
export function poolNumbersOfOthers (db: Sql, dids: readonly string[], source: string): Array<{ did: string; source: string }> {
  if (dids.length === 0) return []
  return db.select({ did: trackingPoolNumbers.did, source: trackingPoolNumbers.source }).from(trackingPoolNumbers)
    .where(and(inArray(trackingPoolNumbers.did, [...dids]), ne(trackingPoolNumbers.source, source))).all()
}

/** Writes a source's pool whole: its settings and exactly these numbers. */
export function writePool (db: Sql, source: string, pool: { defaultDid: string; holdMinutes: number | null; dids: readonly string[] }, nowMs: number): void {
  const existing = db.select().from(trackingPools).where(eq(trackingPools.source, source)).get()
  if (existing === undefined) {
    db.insert(trackingPools).values({ source, defaultDid: pool.defaultDid, holdMinutes: pool.holdMinutes, createdAt: nowMs }).run()
  } else {
    db.update(trackingPools).set({ defaultDid: pool.defaultDid, holdMinutes: pool.holdMinutes }).where(eq(trackingPools.source, source)).run()
  }
  db.delete(trackingPoolNumbers).where(eq(trackingPoolNumbers.source, source)).run()
  if (pool.dids.length > 0) db.insert(trackingPoolNumbers).values(pool.dids.map((did) => ({ did, source, createdAt: nowMs }))).run()
}

export function poolRows (db: Sql, only?: string): PoolRow[] {
  return db.select().from(trackingPools).where(only === undefined ? undefined : eq(trackingPools.source, only)).orderBy(asc(trackingPools.source)).all()
}

export function poolNumbers (db: Sql, source: string): string[] {
  return db.select({ did: trackingPoolNumbers.did }).from(trackingPoolNumbers)
    .where(eq(trackingPoolNumbers.source, source)).orderBy(asc(trackingPoolNumbers.did)).all().map((r) => r.did)
}

/** Which of `dids` a visit holds at `nowMs`. */
export function heldNumbers (db: Sql, dids: readonly string[], nowMs: number): Set<string> {
  if (dids.length === 0) return new Set()
  return new Set(db.select({ did: trackingVisits.did }).from(trackingVisits)
    .where(and(inArray(trackingVisits.did, [...dids]), gt(trackingVisits.expiresAt, nowMs))).all().map((r) => r.did))
}

/** The visitor's oldest visit of the source still holding a number at `nowMs`. */
export function liveVisitOf (db: Sql, source: string, visitor: string, nowMs: number): VisitRow | undefined {
  return db.select().from(trackingVisits)
    .where(and(eq(trackingVisits.source, source), eq(trackingVisits.visitor, visitor), gt(trackingVisits.expiresAt, nowMs)))
    .orderBy(asc(trackingVisits.createdAt)).limit(1).get()
}

export function extendVisit (db: Sql, visitId: string, expiresAt: number): void {
  db.update(trackingVisits).set({ expiresAt }).where(eq(trackingVisits.visitId, visitId)).run()
}

/** Until when each of `dids` was last held (numbers never held are absent). */
export function lastHeldUntil (db: Sql, dids: readonly string[]): Map<string, number> {
  if (dids.length === 0) return new Map()
  return new Map(db.select({ did: trackingVisits.did, until: max(trackingVisits.expiresAt) }).from(trackingVisits)
    .where(inArray(trackingVisits.did, [...dids])).groupBy(trackingVisits.did).all().map((r) => [r.did, r.until ?? 0] as const))
}

export function countExhaustion (db: Sql, source: string, nowMs: number): void {
  db.update(trackingPools).set({ exhaustedCount: sql`${trackingPools.exhaustedCount} + 1`, lastExhaustedAt: nowMs }).where(eq(trackingPools.source, source)).run()
}

export function insertVisit (db: Sql, visit: NewVisit): void {
  db.insert(trackingVisits).values(visit).run()
}
