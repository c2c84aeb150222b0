// Dynamic number insertion: each traffic source has a pool of tracking numbers; a site visitor
// gets a free one for a hold time (the same one on every page view), so a call to it is that
// visit's. When every number is held, the source's default number is shown and the miss counted.
import { and, asc, eq, gt, inArray, max, ne, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { didPattern } from '../catalog/catalog-rules.js'
import { getTrackingNumber } from '../db/catalog-repo.js'
import type { CatalogContext } from '../catalog/catalog-service.js'
import type { Db } from '../db/open.js'
import { trackingNumbers, trackingPoolNumbers, trackingPools, trackingVisits } from '../db/schema.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'

export interface PoolInput { defaultDid: string; numbers: string[]; holdMinutes?: number | null }

export interface PoolView {
  source: string
  defaultDid: string
  holdMinutes: number | null
  numbers: string[]
  /** Numbers held by a visitor right now. */
  held: number
  /** Times a visitor got the default number because every pool number was held. */
  exhaustedCount: number
  lastExhaustedAt: number | null
}

export interface Utm { utm_source?: string; utm_medium?: string; utm_campaign?: string; utm_term?: string; utm_content?: string }

export interface NumberForVisitor {
  number: string
  /** False when the pool was exhausted (or empty) and this is the source's default number. */
  pooled: boolean
  visitId: string | null
  expiresAt: number | null
}

const didRe = new RegExp(didPattern)

function checkDid (field: string, did: string): void {
  if (!didRe.test(did)) throw new InvalidInput(field, `must be digits with an optional leading +, got ${JSON.stringify(did)}`)
}

/** Creates or replaces a source's pool; numbers not yet known become tracking numbers of that source. */
export function putPool (ctx: CatalogContext, source: string, input: PoolInput): PoolView {
  checkDid('defaultDid', input.defaultDid)
  input.numbers.forEach((did, i) => { checkDid(`numbers.${i}`, did) })
  if (new Set(input.numbers).size !== input.numbers.length) throw new InvalidInput('numbers', 'lists a number twice')
  if (input.numbers.includes(input.defaultDid)) throw new InvalidInput('defaultDid', 'must not be one of the pool numbers (it is what visitors see when the pool is used up)')
  ctx.db.transaction((db) => {
    const stored = (did: string): string => {
      const known = getTrackingNumber(db, did)
      if (known !== undefined) return known.did
      db.insert(trackingNumbers).values({ did, source, createdAt: ctx.now() }).run()
      return did
    }
    const defaultDid = stored(input.defaultDid)
    const dids = input.numbers.map(stored)
    const taken = dids.length === 0
      ? []
      : db.select().from(trackingPoolNumbers).where(and(inArray(trackingPoolNumbers.did, dids), ne(trackingPoolNumbers.source, source))).all()
    if (taken.length > 0) throw new Conflict(`${taken.map((t) => `${t.did} is in the pool of ${t.source}`).join('; ')}`)
    const existing = db.select().from(trackingPools).where(eq(trackingPools.source, source)).get()
    if (existing === undefined) {
      db.insert(trackingPools).values({ source, defaultDid, holdMinutes: input.holdMinutes ?? null, createdAt: ctx.now() }).run()
    } else {
      db.update(trackingPools).set({ defaultDid, holdMinutes: input.holdMinutes ?? null }).where(eq(trackingPools.source, source)).run()
    }
    db.delete(trackingPoolNumbers).where(eq(trackingPoolNumbers.source, source)).run()
    if (dids.length > 0) db.insert(trackingPoolNumbers).values(dids.map((did) => ({ did, source, createdAt: ctx.now() }))).run()
  })
  ctx.bus.emit('catalog.changed', { what: 'tracking_numbers' })
  return getPool(ctx.db, source, ctx.now())
}

export function getPool (db: Db, source: string, nowMs: number): PoolView {
  const pool = listPools(db, nowMs, source)[0]
  if (pool === undefined) throw new NotFound('tracking pool', source)
  return pool
}

export function listPools (db: Db, nowMs: number, only?: string): PoolView[] {
  const pools = db.select().from(trackingPools).where(only === undefined ? undefined : eq(trackingPools.source, only)).orderBy(asc(trackingPools.source)).all()
  return pools.map((p) => {
    const numbers = db.select({ did: trackingPoolNumbers.did }).from(trackingPoolNumbers)
      .where(eq(trackingPoolNumbers.source, p.source)).orderBy(asc(trackingPoolNumbers.did)).all().map((r) => r.did)
    const held = numbers.length === 0 ? 0 : new Set(db.select({ did: trackingVisits.did }).from(trackingVisits)
      .where(and(inArray(trackingVisits.did, numbers), gt(trackingVisits.expiresAt, nowMs))).all().map((r) => r.did)).size
    return { source: p.source, defaultDid: p.defaultDid, holdMinutes: p.holdMinutes, numbers, held, exhaustedCount: p.exhaustedCount, lastExhaustedAt: p.lastExhaustedAt }
  })
}

/**
 * The number to show this visitor: theirs if they hold one (the hold is extended), else the pool
 * number idle longest, else the default number (counted as an exhaustion).
 */
export function numberForVisitor (deps: { db: Db; log: Pick<Logger, 'warn'> | { warn: (obj: object, msg: string) => void }; newId: (prefix: string) => string; defaultHoldMinutes: number },
  req: { source: string; visitor: string; utm: Utm }, nowMs: number): NumberForVisitor {
  return deps.db.transaction((db) => {
    const pool = db.select().from(trackingPools).where(eq(trackingPools.source, req.source)).get()
    if (pool === undefined) throw new NotFound('tracking pool', req.source)
    const expiresAt = nowMs + (pool.holdMinutes ?? deps.defaultHoldMinutes) * 60_000
    const mine = db.select().from(trackingVisits)
      .where(and(eq(trackingVisits.source, req.source), eq(trackingVisits.visitor, req.visitor), gt(trackingVisits.expiresAt, nowMs)))
      .orderBy(asc(trackingVisits.createdAt)).limit(1).get()
    if (mine !== undefined) {
      db.update(trackingVisits).set({ expiresAt }).where(eq(trackingVisits.visitId, mine.visitId)).run()
      return { number: mine.did, pooled: true, visitId: mine.visitId, expiresAt }
    }
    const numbers = db.select({ did: trackingPoolNumbers.did }).from(trackingPoolNumbers).where(eq(trackingPoolNumbers.source, req.source)).all().map((r) => r.did)
    const lastUse = new Map(numbers.length === 0
      ? []
      : db.select({ did: trackingVisits.did, until: max(trackingVisits.expiresAt) }).from(trackingVisits)
        .where(inArray(trackingVisits.did, numbers)).groupBy(trackingVisits.did).all().map((r) => [r.did, r.until ?? 0] as const))
    const free = numbers.filter((did) => (lastUse.get(did) ?? 0) <= nowMs)
      .sort((a, b) => (lastUse.get(a) ?? 0) - (lastUse.get(b) ?? 0) || (a < b ? -1 : 1))
    const did = free[0]
    if (did === undefined) {
      db.update(trackingPools).set({ exhaustedCount: sql`${trackingPools.exhaustedCount} + 1`, lastExhaustedAt: nowMs }).where(eq(trackingPools.source, req.source)).run()
      deps.log.warn({ source: req.source, poolSize: numbers.length, exhaustedCount: pool.exhaustedCount + 1 }, 'tracking pool exhausted: default number shown')
      return { number: pool.defaultDid, pooled: false, visitId: null, expiresAt: null }
    }
    const visitId = deps.newId('vis')
    const u = req.utm
    db.insert(trackingVisits).values({
      visitId, source: req.source, visitor: req.visitor, did,
      utmSource: u.utm_source ?? null, utmMedium: u.utm_medium ?? null, utmCampaign: u.utm_campaign ?? null, utmTerm: u.utm_term ?? null, utmContent: u.utm_content ?? null,
      createdAt: nowMs, expiresAt
    }).run()
    return { number: did, pooled: true, visitId, expiresAt }
  })
}
