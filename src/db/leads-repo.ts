// Leads, their append-only events and their escalation ladder rows.
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, lt, sql, type SQL } from 'drizzle-orm'
import type { Db } from './open.js'
import { emptyRecord } from '../domain/empty-record.js'
import { fixedLimit, runTransaction, insertByShape, preparedVariants, updateByShape } from './prepared.js'
import { escalations, leadEvents, leads } from './schema.js'

export type LeadRow = typeof leads.$inferSelect
export type NewLead = typeof leads.$inferInsert
export type LeadEventRow = typeof leadEvents.$inferSelect
export type EscalationRow = typeof escalations.$inferSelect
export type NewEscalation = typeof escalations.$inferInsert

export interface LeadFilters {
  status?: string; ownerId?: string; source?: string; categoryId?: string; channel?: string
  open?: boolean; overdueAt?: number; phone?: string
  /** Closed in [closedFrom, closedTo): the board's closed columns, by period. */
  closedFrom?: number; closedTo?: number
  limit?: number
  /** Keyset cursor, newest first: only leads older than this one (by createdAt, then leadId). */
  before?: { createdAt: number; leadId: string }
  /** Only leads created before this instant; coarser than `before` (leads in one millisecond are not told apart). */
  beforeCreatedAt?: number
}

/** Ways to know a customer: any one of them finds their open lead. */
export interface CustomerKeys { phone: string | null; email: string | null; externalId: string | null }

export class LeadsRepo {
  // Prepared once: the sweep reads a lead per due step, and building the query each time costs more
  // than running it.
  private readonly byId
  // Every call that ends writes a lead, its event and its ladder: prepared once, like the call's rows.
  private readonly insertLead
  private readonly updateLead
  private readonly insertEvent
  private readonly insertStep
  /** By which keys the customer is looked for ("p", "pe", "pex" …). */
  private readonly openLeadBy
  constructor (readonly db: Db) {
    this.byId = db.select().from(leads).where(eq(leads.leadId, sql.placeholder('leadId'))).prepare()
    this.insertLead = insertByShape(db, leads)
    this.updateLead = updateByShape(db, leads, 'leadId')
    this.insertEvent = insertByShape(db, leadEvents)
    this.insertStep = insertByShape(db, escalations)
    this.openLeadBy = preparedVariants((keys) => {
      const who: SQL[] = []
      if (keys.includes('p')) who.push(eq(leads.phone, sql.placeholder('phone')))
      if (keys.includes('e')) who.push(eq(leads.email, sql.placeholder('email')))
      if (keys.includes('x')) who.push(eq(leads.externalId, sql.placeholder('externalId')))
      return db.select().from(leads)
        .where(and(or(...who), isNull(leads.closedAt), gte(leads.updatedAt, sql.placeholder('sinceMs'))))
        .orderBy(desc(leads.updatedAt)).limit(fixedLimit(1)).prepare()
    })
  }

  transaction<T> (fn: () => T): T { return runTransaction(this.db.$client, fn) }

  insert (row: NewLead): void { this.insertLead(row) }
  update (leadId: string, patch: Partial<NewLead>): void { this.updateLead(leadId, patch) }
  get (leadId: string): LeadRow | undefined { return this.byId.get({ leadId }) }
  byCall (callId: string): LeadRow | undefined { return this.db.select().from(leads).where(eq(leads.callId, callId)).get() }

  /** The customer's open lead touched within the window, by phone, e-mail or external id (a chat, a CRM record). */
  openLeadOf (keys: CustomerKeys, sinceMs: number): LeadRow | undefined {
    const variant = `${keys.phone ? 'p' : ''}${keys.email ? 'e' : ''}${keys.externalId ? 'x' : ''}`
    if (variant === '') return undefined
    const values = emptyRecord<unknown>()
    if (keys.phone) values.phone = keys.phone
    if (keys.email) values.email = keys.email
    if (keys.externalId) values.externalId = keys.externalId
    values.sinceMs = sinceMs
    return this.openLeadBy(variant).get(values)
  }

  addEvent (row: typeof leadEvents.$inferInsert): void { this.insertEvent(row) }
  /** A lead's history in the order it was written: events of one millisecond keep their order. */
  events (leadId: string): LeadEventRow[] {
    // The table is append-only, so rowid grows with every insert.
    return this.db.select().from(leadEvents).where(eq(leadEvents.leadId, leadId)).orderBy(asc(sql`rowid`)).all()
  }

  list (f: LeadFilters): LeadRow[] {
    const where: SQL[] = []
    if (f.status) where.push(eq(leads.status, f.status))
    if (f.ownerId) where.push(eq(leads.ownerId, f.ownerId))
    if (f.source) where.push(eq(leads.source, f.source))
    if (f.categoryId) where.push(eq(leads.categoryId, f.categoryId))
    if (f.channel) where.push(eq(leads.channel, f.channel))
    if (f.phone) where.push(eq(leads.phone, f.phone))
    if (f.open === true) where.push(isNull(leads.closedAt))
    if (f.open === false) where.push(sql`${leads.closedAt} IS NOT NULL`)
    if (f.overdueAt !== undefined) where.push(lt(leads.deadlineAt, f.overdueAt))
    if (f.closedFrom !== undefined) where.push(gte(leads.closedAt, f.closedFrom))
    if (f.closedTo !== undefined) where.push(lt(leads.closedAt, f.closedTo))
    if (f.beforeCreatedAt !== undefined) where.push(lt(leads.createdAt, f.beforeCreatedAt))
    if (f.before !== undefined) {
      where.push(or(lt(leads.createdAt, f.before.createdAt), and(eq(leads.createdAt, f.before.createdAt), lt(leads.leadId, f.before.leadId)))!)
    }
    return this.db.select().from(leads).where(where.length ? and(...where) : undefined)
      .orderBy(desc(leads.createdAt), desc(leads.leadId)).limit(f.limit ?? 50).all()
  }

  // ---- the ladder ----

  addStep (row: NewEscalation): void { this.insertStep(row) }
  steps (leadId: string): EscalationRow[] {
    return this.db.select().from(escalations).where(eq(escalations.leadId, leadId)).orderBy(asc(escalations.dueAt), asc(escalations.createdAt)).all()
  }

  /** Cancels every step still waiting (the lead was answered or closed). */
  cancelPendingSteps (leadId: string, nowMs: number, why: string, steps?: string[]): void {
    this.db.update(escalations).set({ state: 'cancelled', result: why, updatedAt: nowMs })
      .where(and(eq(escalations.leadId, leadId), eq(escalations.state, 'pending'), steps ? inArray(escalations.step, steps) : undefined)).run()
  }

  /**
   * Claims up to `limit` due steps for `worker`: pending ones due now, and claimed ones whose lease
   * ran out (their worker died). One UPDATE … RETURNING over the (state, due_at) index, so two
   * workers never get the same step.
   */
  claimDue (nowMs: number, worker: string, leaseMs: number, limit: number): EscalationRow[] {
    return this.db.$client.prepare(`
      UPDATE escalations SET state = 'claimed', claimed_by = @worker, lease_until = @lease, updated_at = @now
      WHERE escalation_id IN (
        SELECT escalation_id FROM escalations WHERE state = 'pending' AND due_at <= @now
        UNION ALL
        SELECT escalation_id FROM escalations WHERE state = 'claimed' AND due_at <= @now AND lease_until < @now
        LIMIT @limit)
      RETURNING escalation_id AS escalationId, lead_id AS leadId, step, state, due_at AS dueAt, attempt,
        claimed_by AS claimedBy, lease_until AS leaseUntil, target_operator_id AS targetOperatorId, result,
        created_at AS createdAt, updated_at AS updatedAt`)
      .all({ now: nowMs, worker, lease: nowMs + leaseMs, limit }) as EscalationRow[]
  }

  /** Finishes a claimed step; false when the claim was lost (lease expired and taken by another). */
  finishStep (escalationId: string, worker: string, state: 'done' | 'failed' | 'cancelled', result: string, nowMs: number, targetOperatorId?: string | null): boolean {
    const r = this.db.update(escalations).set({ state, result, updatedAt: nowMs, leaseUntil: null, ...(targetOperatorId !== undefined ? { targetOperatorId } : {}) })
      .where(and(eq(escalations.escalationId, escalationId), eq(escalations.state, 'claimed'), eq(escalations.claimedBy, worker))).run()
    return r.changes === 1
  }

  /** Keeps the leases of steps still queued or in progress alive. */
  extendLeases (escalationIds: string[], worker: string, untilMs: number): void {
    if (escalationIds.length === 0) return
    this.db.update(escalations).set({ leaseUntil: untilMs })
      .where(and(inArray(escalations.escalationId, escalationIds), eq(escalations.claimedBy, worker), eq(escalations.state, 'claimed'))).run()
  }

  /** Steps due by `nowMs` still waiting: the sweep's backlog (for health and tests). */
  dueCount (nowMs: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(escalations).where(and(eq(escalations.state, 'pending'), lte(escalations.dueAt, nowMs))).get()?.n ?? 0
  }
}
