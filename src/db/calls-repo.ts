// Write side of calls: what a CallSession records as the call happens.
import { and, asc, desc, eq, gte, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import pino from 'pino'
import { systemClock } from '../clock.js'
import type { Db } from './open.js'
import { fixedLimit, insertByShape, updateByShape } from './prepared.js'
import { WriteBehind } from './write-behind.js'
import type { SQL } from 'drizzle-orm'
import { calls, callAttempts, recordings, customers, trackingNumbers, trackingPoolNumbers, trackingVisits, categories, leads } from './schema.js'
import type { RoutingPolicy } from '../domain/routing.js'

export type CallRow = typeof calls.$inferSelect
export type NewCall = typeof calls.$inferInsert
export type AttemptRow = typeof callAttempts.$inferSelect
export type NewAttempt = typeof callAttempts.$inferInsert
export type RecordingRow = typeof recordings.$inferSelect
export type NewRecording = typeof recordings.$inferInsert

export interface TrackingNumberFacts {
  did: string; source: string | null; categoryId: string | null; menuId: string | null
  numberPolicy: Partial<RoutingPolicy> | null; categoryPolicy: Partial<RoutingPolicy> | null
  /** A site visit may hold the number: it is in a tracking pool, or a visit names it. */
  pooled: boolean
}

/** The site visit a pool number was handed to (dynamic number insertion). */
export interface VisitFacts {
  visitId: string; source: string; campaign: string | null
  utm: Record<string, string>
}

/**
 * A customer as a call sees it. For a number merged into another customer, the facts are that
 * customer's (`phone` stays the number looked up). `earlierCalls` and `deals` count over every
 * number of the customer.
 */
export interface CustomerFacts {
  customerId: string; phone: string; name: string | null; lastOperatorId: string | null; lastCallAt: number | null
  earlierCalls: number; deals: number
}

/**
 * Ids of a customer and of every customer merged into it (a correlated subquery on `customerId`).
 * Its own alias: unqualified `customers` inside would be the subquery's table, not the outer one.
 */
const family = alias(customers, 'family')
function customerIdsOf (customerId: SQL | string): SQL {
  return sql`(select ${family.customerId} from ${customers} ${sql.identifier('family')} where ${family.customerId} = ${customerId} or ${family.mergedInto} = ${customerId})`
}

function parsePolicy (text: string | null | undefined): Partial<RoutingPolicy> | null {
  if (!text) return null
  try { return JSON.parse(text) as Partial<RoutingPolicy> } catch { return null }
}

/** Call statuses of a call still going on. */
export const openCallStatuses = ['menu', 'ringing', 'waiting', 'talking'] as const

/**
 * Writes go through a WriteBehind: a call never waits on a database another process has locked;
 * its rows land when the database is free. Without one given, writes wait in memory only. A call's
 * rows and updates land at the end of the event loop's turn, with the other calls' of that turn,
 * in one transaction; reads made through this repository see them (it lands them first).
 */
export class CallsRepo {
  readonly writes: WriteBehind
  // The queries of every call set-up are prepared once: building them each time costs more than
  // running them.
  private readonly trackingByDigits
  private readonly customerByPhoneStmt
  private readonly visitByDidStmt
  private readonly trackingForStmt
  private readonly insertCallStmt
  private readonly insertAttemptStmt
  private readonly updateCallStmt
  private readonly updateAttemptStmt
  private readonly updateRecordingStmt
  private readonly insertRecordingStmt
  private readonly insertCustomerStmt
  private readonly updateCustomerStmt
  private readonly outcomePublishedStmt
  private readonly claimOutcomeStmt
  private readonly customerIdByPhoneStmt
  private readonly effectiveCustomerIdStmt
  /**
   * Our new customers another process wrote the phone of first (ours was then not written), and
   * whose customer has it: a call row naming ours names theirs instead. Rare, so kept for good.
   */
  private readonly customerTakenBy = new Map<string, string>()
  /**
   * New customers given to the write-behind and not yet in the database, by phone: asked for again
   * before they land, they land first; while the database is locked they are what is known.
   */
  private readonly pendingCustomers = new Map<string, CustomerFacts>()
  /** Tracking numbers by dialled number, read once; forgotten when the catalog changes. */
  private readonly trackingCache = new Map<string, TrackingNumberFacts | null>()

  constructor (private readonly db: Db, writes?: WriteBehind) {
    this.writes = writes ?? new WriteBehind({ db, journalPath: null, clock: systemClock, log: pino({ level: 'silent' }) })
    this.trackingByDigits = db.select({
      did: trackingNumbers.did, source: trackingNumbers.source, categoryId: trackingNumbers.categoryId, menuId: trackingNumbers.menuId,
      numberPolicy: trackingNumbers.routingPolicy, categoryPolicy: categories.routingPolicy,
      // Pools change through the catalog (forgetTrackingNumbers); a visit is only handed a pool's number.
      pooled: sql<number>`exists (select 1 from ${trackingPoolNumbers} where ${trackingPoolNumbers.did} in (${sql.placeholder('digits')}, ${sql.placeholder('plus')}))
        or exists (select 1 from ${trackingVisits} where ${trackingVisits.did} in (${sql.placeholder('digits')}, ${sql.placeholder('plus')}))`
    }).from(trackingNumbers)
      .leftJoin(categories, eq(categories.categoryId, trackingNumbers.categoryId))
      .where(or(eq(trackingNumbers.did, sql.placeholder('digits')), eq(trackingNumbers.did, sql.placeholder('plus')))).prepare()
    // One indexed lookup follows a merged number to its customer; the counts are index ranges.
    const primary = alias(customers, 'primary_customer')
    const effectiveId = sql<string>`coalesce(${primary.customerId}, ${customers.customerId})`
    this.customerByPhoneStmt = db.select({
      customerId: effectiveId, phone: customers.phone,
      name: sql<string | null>`coalesce(${primary.name}, ${customers.name})`,
      lastOperatorId: sql<string | null>`case when ${primary.customerId} is null then ${customers.lastOperatorId} else ${primary.lastOperatorId} end`,
      lastCallAt: sql<number | null>`case when ${primary.customerId} is null then ${customers.lastCallAt} else ${primary.lastCallAt} end`,
      earlierCalls: sql<number>`(select count(*) from ${calls} where ${calls.customerId} in ${customerIdsOf(effectiveId)})`,
      deals: sql<number>`(select count(*) from ${leads} where ${leads.customerId} in ${customerIdsOf(effectiveId)} and ${leads.status} = 'deal')`
    }).from(customers)
      .leftJoin(primary, eq(primary.customerId, customers.mergedInto))
      .where(eq(customers.phone, sql.placeholder('phone'))).prepare()
    // The same customer without its facts' counts: what a lead or a row naming the customer needs.
    this.effectiveCustomerIdStmt = db.select({ id: effectiveId }).from(customers)
      .leftJoin(primary, eq(primary.customerId, customers.mergedInto))
      .where(eq(customers.phone, sql.placeholder('phone'))).prepare()
    this.trackingForStmt = db.select({ did: trackingNumbers.did }).from(trackingNumbers)
      .where(or(eq(trackingNumbers.categoryId, sql.placeholder('categoryId')), eq(trackingNumbers.source, sql.placeholder('source'))))
      // Best match first: category and source, then the category alone, then the source alone.
      .orderBy(sql`(case when ${trackingNumbers.categoryId} = ${sql.placeholder('categoryId')} then 0 else 1 end)`,
        sql`(case when ${trackingNumbers.source} = ${sql.placeholder('source')} then 0 else 1 end)`, asc(trackingNumbers.createdAt), asc(trackingNumbers.did))
      .limit(fixedLimit(1)).prepare()
    // One equality per form of the number: SQLite answers an OR of the two (or an IN) with a sort of
    // its own, ten times slower than two index lookups, on every call.
    this.visitByDidStmt = db.select().from(trackingVisits)
      .where(and(eq(trackingVisits.did, sql.placeholder('did')), gte(trackingVisits.expiresAt, sql.placeholder('atMs'))))
      .orderBy(desc(trackingVisits.expiresAt)).limit(fixedLimit(1)).prepare()
    this.insertCallStmt = insertByShape(db, calls, { ignoreExisting: true })
    this.insertAttemptStmt = insertByShape(db, callAttempts, { ignoreExisting: true })
    this.insertRecordingStmt = insertByShape(db, recordings, { ignoreExisting: true })
    this.insertCustomerStmt = insertByShape(db, customers, { ignoreExisting: true })
    this.updateCallStmt = updateByShape(db, calls, 'callId')
    this.updateAttemptStmt = updateByShape(db, callAttempts, 'attemptId')
    this.updateRecordingStmt = updateByShape(db, recordings, 'recordingId')
    this.updateCustomerStmt = updateByShape(db, customers, 'customerId')
    this.outcomePublishedStmt = db.select({ at: calls.outcomePublishedAt }).from(calls).where(eq(calls.callId, sql.placeholder('callId'))).prepare()
    this.claimOutcomeStmt = db.update(calls).set({ outcomePublishedAt: sql`${sql.placeholder('atMs')}` })
      .where(and(eq(calls.callId, sql.placeholder('callId')), isNull(calls.outcomePublishedAt))).prepare()
    this.customerIdByPhoneStmt = db.select({ id: customers.customerId }).from(customers).where(eq(customers.phone, sql.placeholder('phone'))).prepare()
    this.registerWrites()
  }

  private registerWrites (): void {
    const w = this.writes
    const db = this.db
    w.register('calls.insert', (row: Record<string, unknown>) => {
      // The call is never refused for a customer that is not there: it names the one holding the phone.
      const holder = typeof row.customerId === 'string' ? this.customerTakenBy.get(row.customerId) : undefined
      this.insertCallStmt(holder === undefined ? row : { ...row, customerId: holder })
    })
    w.register('calls.update', ({ callId, patch }: { callId: string; patch: Partial<NewCall> }) => { this.updateCallStmt(callId, patch) })
    w.register('attempts.insert', (row: Record<string, unknown>) => { this.insertAttemptStmt(row) })
    w.register('attempts.update', ({ attemptId, patch }: { attemptId: string; patch: Partial<NewAttempt> }) => { this.updateAttemptStmt(attemptId, patch) })
    w.register('attempts.interrupt', ({ callId, endedAt }: { callId: string; endedAt: number }) => {
      db.update(callAttempts).set({ result: 'interrupted', endedAt })
        .where(and(eq(callAttempts.callId, callId), eq(callAttempts.result, 'ringing'))).run()
    })
    w.register('recordings.insert', (row: NewRecording) => { this.insertRecordingStmt(row) })
    w.register('recordings.update', ({ recordingId, patch }: { recordingId: string; patch: Partial<NewRecording> }) => { this.updateRecordingStmt(recordingId, patch) })
    w.register('customers.insert', (row: { customerId: string; phone: string; name: string | null; createdAt: number }) => {
      if (this.insertCustomerStmt(row) > 0) return
      // Not written: ours already (a journal replayed), or the phone is another customer's now.
      const holder = this.customerIdByPhoneStmt.get({ phone: row.phone })?.id
      if (holder !== undefined && holder !== row.customerId) this.customerTakenBy.set(row.customerId, holder)
    }, (row) => {
      if (this.pendingCustomers.get(row.phone)?.customerId === row.customerId) this.pendingCustomers.delete(row.phone)
    })
    w.register('customers.remember', ({ customerId, operatorId, atMs }: { customerId: string; operatorId: string | null; atMs: number }) => {
      this.updateCustomerStmt(customerId, operatorId ? { lastOperatorId: operatorId, lastCallAt: atMs } : { lastCallAt: atMs })
    })
  }

  /**
   * Finds the tracking number by its digits, whether stored with a leading + or not. From memory
   * after the first read; `forgetTrackingNumbers` is called when numbers or categories change.
   */
  trackingNumber (did: string): TrackingNumberFacts | null {
    const cached = this.trackingCache.get(did)
    if (cached !== undefined) return cached
    const digits = did.replace(/\D/g, '')
    const row = digits === '' ? undefined : this.trackingByDigits.get({ digits, plus: `+${digits}` })
    const facts = row ? { ...row, numberPolicy: parsePolicy(row.numberPolicy), categoryPolicy: parsePolicy(row.categoryPolicy), pooled: row.pooled === 1 } : null
    // Dialled numbers come from outside: the cache stays bounded whatever callers dial.
    if (this.trackingCache.size >= 10_000) this.trackingCache.clear()
    this.trackingCache.set(did, facts)
    return facts
  }

  /** Tracking numbers or categories changed: the next calls read them again. */
  forgetTrackingNumbers (): void { this.trackingCache.clear() }

  /** The visit holding this pool number at `atMs`, if any: the call is attributed to it. */
  visitFor (did: string, atMs: number): VisitFacts | null {
    const digits = did.replace(/\D/g, '')
    if (digits === '') return null
    const bare = this.visitByDidStmt.get({ did: digits, atMs })
    const plus = this.visitByDidStmt.get({ did: `+${digits}`, atMs })
    const row = bare === undefined || (plus !== undefined && plus.expiresAt > bare.expiresAt) ? plus : bare
    if (!row) return null
    const utm: Record<string, string> = {}
    const fields = { utm_source: row.utmSource, utm_medium: row.utmMedium, utm_campaign: row.utmCampaign, utm_term: row.utmTerm, utm_content: row.utmContent }
    for (const [k, v] of Object.entries(fields)) if (v !== null) utm[k] = v
    return { visitId: row.visitId, source: row.source, campaign: row.utmCampaign, utm }
  }

  customerByPhone (phone: string): CustomerFacts | null {
    const pending = this.landPending(phone)
    if (pending !== undefined) return pending
    const row = this.customerByPhoneStmt.get({ phone })
    return row === undefined ? null : { ...row, earlierCalls: Number(row.earlierCalls), deals: Number(row.deals) }
  }

  /**
   * A new customer of this phone given to the write-behind and asked for again before it landed: it
   * lands now (inside the caller's transaction when one is open), so rows naming it can be written
   * at once, even outside the write-behind. Returned while the database is locked and it waits in
   * the journal; undefined once it is in the database (or there was none).
   */
  private landPending (phone: string): CustomerFacts | undefined {
    if (!this.pendingCustomers.has(phone)) return undefined
    this.writes.flushSoon()
    return this.pendingCustomers.get(phone)
  }

  /**
   * The shop's number for a category or source: the DID of the tracking number that fits best
   * (same category and source, else same category, else same source; the oldest first), or null.
   */
  trackingNumberFor (categoryId: string | null, source: string | null): string | null {
    if (categoryId === null && source === null) return null
    return this.trackingForStmt.get({ categoryId, source })?.did ?? null
  }

  customerById (customerId: string): { customerId: string; phone: string; mergedInto: string | null } | null {
    return this.db.select({ customerId: customers.customerId, phone: customers.phone, mergedInto: customers.mergedInto })
      .from(customers).where(eq(customers.customerId, customerId)).get() ?? null
  }

  /**
   * The customer with this phone, created when first heard of: a new customer has no calls and no
   * deals yet, and lands with the call's first rows (the write-behind's `later`, one commit with
   * them instead of one of its own).
   */
  ensureCustomer (phone: string, customerId: string, nowMs: number, callerName: string | null = null): CustomerFacts {
    return this.customerByPhone(phone) ?? this.newCustomer(phone, customerId, nowMs, callerName)
  }

  /**
   * `ensureCustomer` for a writer that only names the customer (a lead): the id alone, one indexed
   * read, without the customer's call and deal counts (a range of the calls' index each).
   */
  ensureCustomerId (phone: string, customerId: string, nowMs: number, callerName: string | null = null): string {
    const pending = this.landPending(phone)
    if (pending !== undefined) return pending.customerId
    return this.effectiveCustomerIdStmt.get({ phone })?.id ?? this.newCustomer(phone, customerId, nowMs, callerName).customerId
  }

  private newCustomer (phone: string, customerId: string, nowMs: number, callerName: string | null): CustomerFacts {
    const facts: CustomerFacts = { customerId, phone, name: callerName, lastOperatorId: null, lastCallAt: null, earlierCalls: 0, deals: 0 }
    this.pendingCustomers.set(phone, facts)
    this.writes.later({ kind: 'customers.insert', args: { customerId, phone, name: callerName, createdAt: nowMs } })
    return facts
  }

  /** After a call: remember who served the customer and when. */
  rememberCustomerCall (customerId: string, operatorId: string | null, atMs: number): void {
    this.writes.later({ kind: 'customers.remember', args: { customerId, operatorId, atMs } })
  }

  /** A category's routing overrides, for a call whose category a voice menu chose. */
  categoryPolicy (categoryId: string): Partial<RoutingPolicy> | null {
    const row = this.db.select({ policy: categories.routingPolicy }).from(categories).where(eq(categories.categoryId, categoryId)).get()
    return parsePolicy(row?.policy)
  }

  /** The latest call of a channel: a caller Asterisk still holds after a restart continues it. */
  lastCallOfChannel (channelId: string): CallRow | undefined {
    this.writes.flushSoon()
    return this.db.select().from(calls).where(eq(calls.channelId, channelId)).orderBy(desc(calls.startedAt)).limit(1).get()
  }

  /**
   * Start and talk of the calls answered since a moment, read once at start for a waiting caller's
   * expected wait. By the start time's index: the status index would read every answered call ever.
   */
  answeredTalkSince (sinceMs: number): Array<{ startedAt: number; talkMs: number }> {
    this.writes.flushSoon()
    return this.db.select({ startedAt: calls.startedAt, talkMs: sql<number>`${calls.talkMs}` }).from(calls)
      .where(and(gte(calls.startedAt, sinceMs), sql`+${calls.status} = 'answered'`, isNotNull(calls.talkMs))).all()
  }

  insertCall (row: NewCall): void { this.writes.later({ kind: 'calls.insert', args: row }) }
  updateCall (callId: string, patch: Partial<NewCall>): void { this.writes.later({ kind: 'calls.update', args: { callId, patch } }) }
  call (callId: string): CallRow | undefined {
    this.writes.flushSoon()
    return this.db.select().from(calls).where(eq(calls.callId, callId)).get() }

  insertAttempt (row: NewAttempt): void { this.writes.later({ kind: 'attempts.insert', args: row }) }
  updateAttempt (attemptId: string, patch: Partial<NewAttempt>): void {
    this.writes.later({ kind: 'attempts.update', args: { attemptId, patch } })
  }
  /** Attempts still ringing when the call was cut off. */
  interruptAttempts (callId: string, endedAt: number): void {
    this.writes.submit({ kind: 'attempts.interrupt', args: { callId, endedAt } })
  }

  attempts (callId: string): AttemptRow[] {
    this.writes.flushSoon()
    return this.db.select().from(callAttempts).where(eq(callAttempts.callId, callId)).orderBy(callAttempts.startedAt).all()
  }

  insertRecording (row: NewRecording): void { this.writes.later({ kind: 'recordings.insert', args: row }) }
  updateRecording (recordingId: string, patch: Partial<NewRecording>): void {
    this.writes.later({ kind: 'recordings.update', args: { recordingId, patch } })
  }

  recordingsOf (callId: string): RecordingRow[] {
    this.writes.flushSoon()
    return this.db.select().from(recordings).where(eq(recordings.callId, callId)).all()
  }

  /** Several writes as one: a call is never half-written. */
  transaction<T> (fn: () => T): T {
    return this.writes.together(fn)
  }

  /**
   * Marks the call's outcome published, in the transaction that writes its webhook and lead: true
   * when this write publishes it, false when it was published before (a journaled outcome applied
   * again). A call without a row still has its outcome go out. One statement when the call is
   * there, which is every time but the rare one.
   */
  claimOutcome (callId: string, atMs: number): boolean {
    this.writes.flushSoon()
    if (this.claimOutcomeStmt.run({ callId, atMs }).changes > 0) return true
    return this.outcomePublishedStmt.get({ callId })?.at == null
  }

  /**
   * Calls whose outcome never went out (no call.ended webhook, no lead), started before `beforeMs`:
   * what a crash left, still open or ended.
   */
  unpublishedCalls (beforeMs: number): CallRow[] {
    this.writes.flushSoon()
    return this.db.select().from(calls).where(and(isNull(calls.outcomePublishedAt), lt(calls.startedAt, beforeMs))).orderBy(asc(calls.startedAt)).all()
  }

  /** Recordings left "recording" by an interrupted call: their files may still be in Asterisk. */
  unfinishedRecordings (): RecordingRow[] {
    this.writes.flushSoon()
    return this.db.select().from(recordings).where(eq(recordings.status, 'recording')).all()
  }

  /** Answered calls and talk time per operator since a moment (start of today). */
  statsSince (sinceMs: number): Map<string, { answeredCalls: number; talkMs: number }> {
    this.writes.flushSoon()
    const rows = this.db.select({
      operatorId: calls.answeredBy,
      answered: sql<number>`count(*)`,
      talkMs: sql<number>`coalesce(sum(${calls.talkMs}), 0)`
    }).from(calls).where(and(gte(calls.startedAt, sinceMs), isNotNull(calls.answeredBy))).groupBy(calls.answeredBy).all()
    return new Map(rows.map((r) => [r.operatorId as string, { answeredCalls: Number(r.answered), talkMs: Number(r.talkMs) }]))
  }
}
