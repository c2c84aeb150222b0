// Outgoing webhooks through a durable outbox: a row per event and receiver URL, written in the
// database (inside the caller's transaction when there is one), then delivered by a pump that claims
// due rows with a lease, POSTs them signed, and records the outcome. Delivery is at least once; the
// event id is the receiver's idempotency key.
//
// Order: per URL, events are delivered one at a time in order of creation. A failing event holds back
// the later events for its URL until it is delivered or dead-lettered; a dead event no longer holds
// anything back. Different URLs are independent and are served concurrently (up to `concurrency`).
//
// Which path each event takes: every event type in `busEventTypes` is enqueued from the bus by
// `subscribe()`. The producers (calls, leads) write their own rows first and emit after the commit,
// so the outbox row is written just after the change, not atomically with it: a crash between the
// producer's commit and the emit loses that one webhook. Producers that cannot accept that window
// call `enqueue()` inside their own transaction instead, and leave that type out of `subscribe()`.
//
// Rows are ordered by (created_at, rowid): SQLite's rowid breaks ties within a millisecond. On
// PostgreSQL that tie-break would need a sequence column.
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Bus, BusEvents } from '../bus.js'
import type { Config } from '../config.js'
import type { Db } from '../db/open.js'
import { fixedLimit, runTransaction, insertByShape } from '../db/prepared.js'
import { outbox } from '../db/schema.js'
import { isBusy, withoutWaiting, type WriteBehind } from '../db/write-behind.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { randomId } from '../ids.js'
import { entry, type OutboxEntry, type OutboxState } from './outbox-entry.js'
import { describeFailure, eventHeaders, parseWebhookUrls, retryDelayMs, safeUrl, WebhookClient } from './webhook-http.js'

export { parseWebhookUrls, retryDelayMs, safeUrl }
export type { OutboxEntry, OutboxState }

export type WebhooksConfig = Config['webhooks']
export const outboxStates: readonly OutboxState[] = ['pending', 'delivering', 'delivered', 'dead']

/** Bus events sent to the CRM, by `subscribe()`. */
export const busEventTypes = [
  'call.started', 'call.ended', 'call.qa_alert', 'call.customer_alert',
  'lead.created', 'lead.updated', 'lead.status_changed', 'lead.escalated',
  'disposition.recorded'
] as const satisfies ReadonlyArray<keyof BusEvents>

export interface WebhookPayload {
  id: string
  type: string
  createdAt: string
  data: Record<string, unknown>
}

export interface OutboxOptions {
  db: Db
  config: WebhooksConfig
  log: Logger
  now?: () => number
  newId?: (prefix: string) => string
  /** In [0, 1); spreads retries ±20% so receivers coming back are not hit by every sender at once. */
  random?: () => number
  /** URLs served at the same time. */
  concurrency?: number
  /** Events claimed per URL in one pass; they are sent one after another, so the lease covers them all. */
  batchPerUrl?: number
  /** Bus events and delivery marks are written through it: while another process locks the database they wait in its journal. */
  writes?: WriteBehind
}

type NewRow = typeof outbox.$inferInsert
type Delivered = { outboxId: string; atMs: number; attempts: number }
type Row = typeof outbox.$inferSelect
type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string }

const errorBodyChars = 200
const live = ['pending', 'delivering'] as const

export class Outbox {
  private readonly db: Db
  private readonly config: WebhooksConfig
  private readonly log: Logger
  private readonly now: () => number
  private readonly newId: (prefix: string) => string
  private readonly random: () => number
  private readonly concurrency: number
  private readonly batchPerUrl: number
  private readonly urls: readonly string[]
  private readonly writes: WriteBehind | null
  private timer: NodeJS.Timeout | null = null
  private pass: Promise<void> | null = null
  private running = false
  /** Set while stop() waits: the pass in flight sends nothing more. */
  private stopping = false
  private readonly insertRow: (row: NewRow) => number
  /** The pump's statements, prepared once: it claims and marks on every pass. */
  private readonly delivered
  private readonly head
  private readonly claim
  private readonly client = new WebhookClient()

  constructor (opts: OutboxOptions) {
    this.db = opts.db
    this.config = opts.config
    this.log = opts.log.child({ part: 'webhooks' })
    this.now = opts.now ?? Date.now
    this.newId = opts.newId ?? randomId
    this.random = opts.random ?? Math.random
    this.concurrency = opts.concurrency ?? 4
    this.batchPerUrl = opts.batchPerUrl ?? 10
    this.urls = parseWebhookUrls(opts.config.urls)
    this.writes = opts.writes ?? null
    // Ids are chosen before the write: a journaled write applied twice inserts nothing the second time.
    const insertOnce = insertByShape(this.db, outbox, { ignoreExisting: true })
    this.writes?.register('outbox.insert', (rows: NewRow[]) => { for (const row of rows) insertOnce(row) })
    this.writes?.register('outbox.delivered', (marks: Delivered[]) => { for (const m of marks) this.delivered.run(m) })
    this.insertRow = insertByShape(this.db, outbox)
    this.head = this.db.select().from(outbox)
      .where(and(eq(outbox.url, sql.placeholder('url')), inArray(outbox.state, live)))
      .orderBy(asc(outbox.createdAt), sql`rowid`)
      .limit(fixedLimit(this.batchPerUrl)).prepare()
    this.claim = this.db.update(outbox).set({ state: 'delivering', leaseUntil: sql`${sql.placeholder('leaseUntil')}` })
      .where(eq(outbox.outboxId, sql.placeholder('outboxId'))).prepare()
    this.delivered = this.db.update(outbox)
      .set({ state: 'delivered', deliveredAt: sql`${sql.placeholder('atMs')}`, attempts: sql`${sql.placeholder('attempts')}`, leaseUntil: null, lastError: null })
      .where(and(eq(outbox.outboxId, sql.placeholder('outboxId')), inArray(outbox.state, live))).prepare()
  }

  /** How long a claim lasts: every claimed event of a URL may take the full timeout. */
  get leaseMs (): number {
    return this.config.timeoutMs * (this.batchPerUrl + 1)
  }

  /**
   * Writes the event for every configured URL and returns its event id (null when no URL is
   * configured). Synchronous: call it inside your own transaction, on the same Db, and the webhook
   * is written or rolled back with the change it announces.
   */
  enqueue (type: string, data: Record<string, unknown>): string | null {
    const rows = this.rowsFor(type, data)
    if (rows.length === 0) return null
    // All URLs or none (a savepoint inside the caller's transaction, when there is one).
    if (rows.length === 1) this.insertRow(rows[0]!)
    else runTransaction(this.db.$client, () => { for (const row of rows) this.insertRow(row) })
    return rows[0]!.eventId
  }

  /** The event's rows, one per configured URL, with their ids. */
  private rowsFor (type: string, data: Record<string, unknown>): NewRow[] {
    if (this.urls.length === 0) return []
    const nowMs = this.now()
    const eventId = this.newId('evt')
    const payload: WebhookPayload = { id: eventId, type, createdAt: new Date(nowMs).toISOString(), data }
    const body = JSON.stringify(payload)
    return this.urls.map((url) => ({
      outboxId: this.newId('obx'), eventId, type, url, payload: body,
      state: 'pending', attempts: 0, nextAttemptAt: nowMs, createdAt: nowMs
    }))
  }

  /**
   * Enqueues the bus events in `types` (all of `busEventTypes` unless told otherwise: leave out a type
   * whose producer enqueues it in its own transaction). Returns the unsubscribe function.
   */
  subscribe (bus: Bus, types: ReadonlyArray<typeof busEventTypes[number]> = busEventTypes): () => void {
    const off: Array<() => void> = []
    for (const type of types) {
      const listener = (event: BusEvents[typeof type][0]): void => {
        try {
          if (this.writes === null) this.enqueue(type, { ...event })
          else {
            const rows = this.rowsFor(type, { ...event })
            // With the event's other writes of this turn (a call's row): one commit, after the turn.
            if (rows.length > 0) this.writes.later({ kind: 'outbox.insert', args: rows })
          }
        } catch (err) {
          // The producer's change is committed; a lost webhook must not fail it, but a person must know.
          this.log.error({ err, type }, 'webhook not enqueued')
        }
      }
      bus.on(type, listener)
      off.push(() => { bus.off(type, listener) })
    }
    return () => { for (const f of off) f() }
  }

  start (): void {
    if (this.running) return
    if (this.urls.length === 0) {
      this.log.info('no webhook URLs configured: webhooks off')
      return
    }
    if (this.config.secret === '') this.log.warn('RINGLEAD_WEBHOOKS_SECRET is empty: webhooks are sent unsigned')
    const parked = this.parkedCount()
    if (parked > 0) this.log.warn({ parked }, 'undelivered webhooks for URLs no longer configured are kept but not sent')
    this.log.info({ urls: this.urls.map(safeUrl) }, 'webhooks on')
    this.running = true
    this.schedule(0)
  }

  /** Stops claiming; a delivery in flight finishes (at most timeoutMs) and the rest of its batch is released. */
  async stop (): Promise<void> {
    this.running = false
    this.stopping = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    try {
      await this.pass
    } finally {
      this.stopping = false
      this.client.close()
    }
  }

  /** One pump pass at `nowMs`: claims due events and delivers them. Resolves when all are settled. */
  async deliverDue (nowMs: number = this.now()): Promise<{ claimed: number; delivered: number; failed: number }> {
    const started = this.now()
    // Times after I/O: the pass's `nowMs` moved on by what the injected clock saw pass.
    const clockAt = (): number => nowMs + Math.max(0, this.now() - started)
    const claimed = this.claimWithoutWaiting(nowMs)
    const byUrl = new Map<string, Row[]>()
    for (const row of claimed) {
      const rows = byUrl.get(row.url)
      if (rows === undefined) byUrl.set(row.url, [row])
      else rows.push(row)
    }
    const queues = [...byUrl.values()]
    const totals = { claimed: claimed.length, delivered: 0, failed: 0 }
    const worker = async (): Promise<void> => {
      for (let rows = queues.shift(); rows !== undefined; rows = queues.shift()) {
        const result = await this.deliverInOrder(rows, clockAt)
        totals.delivered += result.delivered
        totals.failed += result.failed
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queues.length) }, worker))
    // The pass's outcomes are in the database when it resolves.
    this.writes?.flushSoon()
    return totals
  }

  /**
   * Claims, per configured URL, the oldest live events that are due and not leased by anyone, stopping
   * at the first one that is not (it holds back the rest). Claimed rows become `delivering` with a
   * lease; a daemon that dies holding them leaves them to be claimed again once the lease runs out.
   */
  claimDue (nowMs: number): Row[] {
    const leaseUntil = nowMs + this.leaseMs
    return runTransaction(this.db.$client, () => {
      const claimed: Row[] = []
      for (const url of this.urls) {
        const due: Row[] = []
        for (const row of this.head.all({ url })) {
          if (row.nextAttemptAt > nowMs || (row.leaseUntil !== null && row.leaseUntil >= nowMs)) break
          due.push(row)
        }
        for (const row of due) this.claim.run({ outboxId: row.outboxId, leaseUntil })
        claimed.push(...due.map((r) => ({ ...r, state: 'delivering', leaseUntil })))
      }
      return claimed
    }, 'immediate')
  }

  /** The pump never waits on a database another process locked: it tries again on its next pass. */
  private claimWithoutWaiting (nowMs: number): Row[] {
    try {
      return withoutWaiting(this.db, () => this.claimDue(nowMs))
    } catch (err) {
      if (!isBusy(err)) throw err
      this.log.warn('database locked: webhooks wait for the next pass')
      return []
    }
  }

  /** A delivery's outcome; while the database is locked it is left to the lease (delivered again: at least once). */
  private record (write: () => void): void {
    try {
      withoutWaiting(this.db, write)
    } catch (err) {
      if (!isBusy(err)) throw err
      this.log.warn('database locked: delivery outcome not written, the event goes again after its lease')
    }
  }

  /** Newest first. */
  list (query: { state?: OutboxState; limit?: number } = {}): OutboxEntry[] {
    const limit = query.limit ?? 50
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidInput('limit', 'must be an integer from 1 to 1000')
    if (query.state !== undefined && !outboxStates.includes(query.state)) throw new InvalidInput('state', `must be one of ${outboxStates.join(', ')}`)
    return this.db.select().from(outbox)
      .where(query.state === undefined ? undefined : eq(outbox.state, query.state))
      .orderBy(desc(outbox.createdAt), desc(sql`rowid`))
      .limit(limit).all().map(entry)
  }

  /** Sends a dead-lettered delivery again, now, with a fresh attempt count. */
  retry (outboxId: string): OutboxEntry {
    const row = this.db.select().from(outbox).where(eq(outbox.outboxId, outboxId)).get()
    if (row === undefined) throw new NotFound('webhook delivery', outboxId)
    if (row.state !== 'dead') throw new Conflict(`webhook delivery ${outboxId} is ${row.state}, not dead`)
    this.db.update(outbox).set({ state: 'pending', attempts: 0, nextAttemptAt: this.now(), leaseUntil: null })
      .where(and(eq(outbox.outboxId, outboxId), eq(outbox.state, 'dead'))).run()
    this.log.info({ outboxId, eventId: row.eventId, type: row.type }, 'dead webhook queued again')
    return entry(this.db.select().from(outbox).where(eq(outbox.outboxId, outboxId)).get()!)
  }

  private schedule (delayMs: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.pass = this.deliverDue()
        .then(
          ({ claimed }) => claimed,
          (err: unknown) => { this.log.error({ err }, 'webhook pump failed'); return 0 }
        )
        .then((claimed) => {
          this.pass = null
          // A full batch means more may be waiting: go again at once.
          this.schedule(claimed >= this.batchPerUrl ? 0 : this.config.pumpEveryMs)
        })
    }, delayMs)
    this.timer.unref()
  }

  /** Sends one URL's claimed events in order; stops at the first failure and releases the rest. */
  private async deliverInOrder (rows: Row[], clockAt: () => number): Promise<{ delivered: number; failed: number }> {
    // Delivered events are marked together when the URL's batch ends (one commit, not one each);
    // a crash before that sends them again after their lease: at least once, as promised.
    const marks: Delivered[] = []
    try {
      for (const [i, row] of rows.entries()) {
        if (this.stopping) {
          this.record(() => { this.release(rows.slice(i)) })
          return { delivered: marks.length, failed: 0 }
        }
        const attempt = await this.post(row, clockAt)
        const atMs = clockAt()
        if (attempt.ok) {
          marks.push({ outboxId: row.outboxId, atMs, attempts: row.attempts + 1 })
          // Its fields (the URL cleaned of secrets) are built only when someone reads them.
          if (this.log.isLevelEnabled('info')) this.log.info({ status: attempt.status, attempts: row.attempts + 1, ...logFields(row) }, 'webhook delivered')
          continue
        }
        this.record(() => { this.markFailed(row, attempt, atMs, this.log.child(logFields(row))) })
        this.record(() => { this.release(rows.slice(i + 1)) })
        return { delivered: marks.length, failed: 1 }
      }
      return { delivered: marks.length, failed: 0 }
    } finally {
      if (marks.length > 0) this.markDelivered(marks)
    }
  }

  private async post (row: Row, clockAt: () => number): Promise<Attempt> {
    try {
      const { status, text } = await this.client.post(row.url, eventHeaders(row, this.config.secret, clockAt()), row.payload, this.config.timeoutMs, errorBodyChars)
      if (status >= 200 && status < 300) return { ok: true, status }
      return { ok: false, status, error: `HTTP ${status}${text === '' ? '' : `: ${text}`}` }
    } catch (err) {
      return { ok: false, status: null, error: describeFailure(err, this.config.timeoutMs) }
    }
  }

  private markDelivered (marks: Delivered[]): void {
    // Delivered is delivered, whoever's lease: no guard on leaseUntil here. Through the write-behind
    // they land with the turn's other writes, or wait in its journal while the database is locked.
    if (this.writes !== null) {
      this.writes.later({ kind: 'outbox.delivered', args: marks })
      return
    }
    this.record(() => { runTransaction(this.db.$client, () => { for (const m of marks) this.delivered.run(m) }) })
  }

  private markFailed (row: Row, attempt: Extract<Attempt, { ok: false }>, atMs: number, log: Logger): void {
    const attempts = row.attempts + 1
    // 410 Gone: the receiver says the endpoint is gone for good; retrying cannot help.
    const isDead = attempts >= this.config.maxAttempts || attempt.status === 410
    const nextAttemptAt = isDead ? row.nextAttemptAt : atMs + retryDelayMs(attempts, this.config, this.random())
    const changed = this.db.update(outbox)
      .set({ state: isDead ? 'dead' : 'pending', attempts, lastError: attempt.error, nextAttemptAt, leaseUntil: null })
      .where(ours(row)).run().changes
    if (changed === 0) {
      log.warn({ error: attempt.error }, 'webhook failed after its lease ran out; left to whoever holds it now')
      return
    }
    if (isDead) log.error({ attempts, error: attempt.error }, 'webhook dead-lettered')
    else log.warn({ attempts, error: attempt.error, retryInMs: nextAttemptAt - atMs }, 'webhook attempt failed')
  }

  /** Claimed but not attempted (an earlier event of the URL failed, or we are stopping): back to pending as they were. */
  private release (rows: Row[]): void {
    for (const row of rows) {
      this.db.update(outbox).set({ state: 'pending', leaseUntil: null }).where(ours(row)).run()
    }
  }

  private parkedCount (): number {
    const row = this.db.select({ n: sql<number>`count(*)` }).from(outbox)
      .where(and(inArray(outbox.state, live), notInArray(outbox.url, [...this.urls]))).get()
    return row?.n ?? 0
  }
}

/** What a delivery's log lines carry (the URL without its secrets). */
const logFields = (row: Row) => ({ eventId: row.eventId, type: row.type, outboxId: row.outboxId, url: safeUrl(row.url) })

/** The row is still ours: delivering under the lease we took. */
const ours = (row: Row) => and(eq(outbox.outboxId, row.outboxId), eq(outbox.state, 'delivering'), eq(outbox.leaseUntil, row.leaseUntil ?? -1))
