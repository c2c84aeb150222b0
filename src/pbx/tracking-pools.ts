// Dynamic number insertion: each traffic source has a pool of tracking numbers; a site visitor
// gets a free one for a hold time (the same one on every page view), so a call to it is that
// visit's. When every number is held, the source's default number is shown and the miss counted.
import type { Logger } from 'pino'
import { didPattern } from '../catalog/catalog-rules.js'
import type { CatalogContext } from '../catalog/catalog-service.js'
import type { Db } from '../db/open.js'
import {
  countExhaustion, extendVisit, heldNumbers, insertVisit, lastHeldUntil, liveVisitOf, poolNumbers, poolNumbersOfOthers, poolRows, storeTrackingNumber, writePool
} from '../db/tracking-pools-repo.js'
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
    const defaultDid = storeTrackingNumber(db, input.defaultDid, source, ctx.now())
    const dids = input.numbers.map((did) => storeTrackingNumber(db, did, source, ctx.now()))
    const taken = poolNumbersOfOthers(db, dids, source)
    if (taken.length > 0) throw new Conflict(`${taken.map((t) => `${t.did} is in the pool of ${t.source}`).join('; ')}`)
    writePool(db, source, { defaultDid, holdMinutes: input.holdMinutes ?? null, dids }, ctx.now())
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
  return poolRows(db, only).map((p) => {
    const numbers = poolNumbers(db, p.source)
    const held = heldNumbers(db, numbers, nowMs).size
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
    const pool = poolRows(db, req.source)[0]
    if (pool === undefined) throw new NotFound('tracking pool', req.source)
    const expiresAt = nowMs + (pool.holdMinutes ?? deps.defaultHoldMinutes) * 60_000
    const mine = liveVisitOf(db, req.source, req.visitor, nowMs)
    if (mine !== undefined) {
      extendVisit(db, mine.visitId, expiresAt)
      return { number: mine.did, pooled: true, visitId: mine.visitId, expiresAt }
    }
    const numbers = poolNumbers(db, req.source)
    const lastUse = lastHeldUntil(db, numbers)
    const free = numbers.filter((did) => (lastUse.get(did) ?? 0) <= nowMs)
      .sort((a, b) => (lastUse.get(a) ?? 0) - (lastUse.get(b) ?? 0) || (a < b ? -1 : 1))
    const did = free[0]
    if (did === undefined) {
      countExhaustion(db, req.source, nowMs)
      deps.log.warn({ source: req.source, poolSize: numbers.length, exhaustedCount: pool.exhaustedCount + 1 }, 'tracking pool exhausted: default number shown')
      return { number: pool.defaultDid, pooled: false, visitId: null, expiresAt: null }
    }
    const visitId = deps.newId('vis')
    const u = req.utm
    insertVisit(db, {
      visitId, source: req.source, visitor: req.visitor, did,
      utmSource: u.utm_source ?? null, utmMedium: u.utm_medium ?? null, utmCampaign: u.utm_campaign ?? null, utmTerm: u.utm_term ?? null, utmContent: u.utm_content ?? null,
      createdAt: nowMs, expiresAt
    })
    return { number: did, pooled: true, visitId, expiresAt }
  })
}
