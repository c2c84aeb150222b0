// The customer card: everything known about one customer over all their numbers, their notes,
// and merging two customers who turn out to be one person.
import { and, asc, count, desc, eq, exists, inArray, isNotNull, or, sql } from 'drizzle-orm'
import { NotFound } from '../errors.js'
import type { Db } from './open.js'
import { runTransaction } from './prepared.js'
import { callAttempts, calls, customerMerges, customerNotes, customers, leads, operators, recordings } from './schema.js'

/** Calls on one card; older ones are counted, not listed. */
export const maxCardCalls = 500

export type CustomerRow = typeof customers.$inferSelect
type CallRow = typeof calls.$inferSelect

export interface CustomerCard {
  customerId: string
  name: string | null
  createdAt: number
  /** Every number of the customer: its own first, then the ones merged into it. */
  phones: Array<{ phone: string; fromCustomerId: string; mergedAt: number | null }>
  emails: string[]
  calls: Array<{
    callId: string; direction: CallRow['direction']; status: CallRow['status']; phone: string | null; did: string
    placedBy: CallRow['placedBy']; leadId: string | null
    operator: { operatorId: string; name: string } | null
    startedAt: number; answeredAt: number | null; endedAt: number | null; talkMs: number | null; endReason: string | null
    recordings: Array<{ recordingId: string; kind: string; status: string; path: string | null; durationMs: number | null }>
  }>
  callsTotal: number
  leads: Array<{
    leadId: string; status: string; channel: string; source: string | null; categoryId: string | null; ownerId: string | null
    refusalReason: string | null; createdAt: number; respondedAt: number | null; closedAt: number | null
  }>
  deals: number
  /** The operator who answered most of the customer's calls (ties: the most recent). */
  usualOperator: { operatorId: string; name: string; answeredCalls: number } | null
  notes: Array<{ noteId: string; text: string; createdBy: string; createdAt: number; updatedBy: string | null; updatedAt: number | null }>
  merges: Array<{ mergedId: string; mergedPhone: string; actor: string; at: number }>
}

export interface NoteRow { noteId: string; customerId: string; text: string; createdBy: string; createdAt: number; updatedBy: string | null; updatedAt: number | null }

export class CustomersRepo {
  constructor (private readonly db: Db, private readonly now: () => number, private readonly newId: (prefix: string) => string) {}

  private row (customerId: string): CustomerRow | undefined {
    return this.db.select().from(customers).where(eq(customers.customerId, customerId)).get()
  }

  /** The customer a card is about: merged customers lead to the one they were merged into. */
  resolve (customerId: string): CustomerRow {
    const row = this.row(customerId)
    if (row === undefined) throw new NotFound('customer', customerId)
    if (row.mergedInto === null) return row
    const primary = this.row(row.mergedInto)
    if (primary === undefined) throw new NotFound('customer', row.mergedInto)
    return primary
  }

  /** The customer's own id and the ids of every customer merged into it. */
  idsOf (customerId: string): string[] {
    const merged = this.db.select({ id: customers.customerId }).from(customers).where(eq(customers.mergedInto, customerId)).all()
    return [customerId, ...merged.map((m) => m.id)]
  }

  byPhone (e164: string): string | null {
    const row = this.db.select({ customerId: customers.customerId, mergedInto: customers.mergedInto }).from(customers).where(eq(customers.phone, e164)).get()
    return row === undefined ? null : row.mergedInto ?? row.customerId
  }

  byEmail (email: string): string[] {
    const rows = this.db.selectDistinct({ customerId: leads.customerId }).from(leads)
      .where(and(eq(leads.email, email.trim().toLowerCase()), isNotNull(leads.customerId))).all()
    const ids = new Set<string>()
    for (const r of rows) if (r.customerId !== null) ids.add(this.resolve(r.customerId).customerId)
    return [...ids]
  }

  /** Whether the operator answered or was rung for a call of the customer, or owns one of their leads. */
  operatorKnows (customerId: string, operatorId: string): boolean {
    const ids = this.idsOf(this.resolve(customerId).customerId)
    const call = this.db.select({ one: sql`1` }).from(calls)
      .where(and(inArray(calls.customerId, ids), or(
        eq(calls.answeredBy, operatorId),
        exists(this.db.select({ one: sql`1` }).from(callAttempts).where(and(eq(callAttempts.callId, calls.callId), eq(callAttempts.operatorId, operatorId))))
      ))).limit(1).get()
    if (call !== undefined) return true
    return this.db.select({ one: sql`1` }).from(leads).where(and(inArray(leads.customerId, ids), eq(leads.ownerId, operatorId))).limit(1).get() !== undefined
  }

  card (customerId: string): CustomerCard {
    const c = this.resolve(customerId)
    const ids = this.idsOf(c.customerId)
    const phoneRows = this.db.select({ customerId: customers.customerId, phone: customers.phone, mergedAt: customers.mergedAt, createdAt: customers.createdAt })
      .from(customers).where(inArray(customers.customerId, ids)).orderBy(asc(customers.createdAt)).all()
    const phones = [
      ...phoneRows.filter((p) => p.customerId === c.customerId),
      ...phoneRows.filter((p) => p.customerId !== c.customerId)
    ].map((p) => ({ phone: p.phone, fromCustomerId: p.customerId, mergedAt: p.customerId === c.customerId ? null : p.mergedAt }))

    const callRows = this.db.select({ call: calls, operatorName: operators.name }).from(calls)
      .leftJoin(operators, eq(operators.operatorId, calls.answeredBy))
      .where(inArray(calls.customerId, ids)).orderBy(desc(calls.startedAt), desc(calls.callId)).limit(maxCardCalls).all()
    const callsTotal = this.db.select({ n: count() }).from(calls).where(inArray(calls.customerId, ids)).get()?.n ?? 0
    const recs = callRows.length === 0
      ? []
      : this.db.select().from(recordings).where(inArray(recordings.callId, callRows.map((r) => r.call.callId))).orderBy(asc(recordings.startedAt)).all()
    const recsByCall = new Map<string, typeof recs>()
    for (const r of recs) recsByCall.set(r.callId, [...(recsByCall.get(r.callId) ?? []), r])

    const leadRows = this.db.select().from(leads).where(inArray(leads.customerId, ids)).orderBy(desc(leads.createdAt)).all()
    const usual = this.db.select({ operatorId: calls.answeredBy, name: operators.name, n: count(), last: sql<number>`max(${calls.startedAt})` })
      .from(calls).innerJoin(operators, eq(operators.operatorId, calls.answeredBy))
      .where(and(inArray(calls.customerId, ids), isNotNull(calls.answeredBy)))
      .groupBy(calls.answeredBy, operators.name).orderBy(desc(count()), desc(sql`max(${calls.startedAt})`)).limit(1).get()
    const notes = this.db.select().from(customerNotes).where(inArray(customerNotes.customerId, ids)).orderBy(asc(customerNotes.createdAt), asc(customerNotes.noteId)).all()
    const merges = this.db.select().from(customerMerges).where(inArray(customerMerges.customerId, ids)).orderBy(asc(customerMerges.at)).all()
    const emails = [...new Set(leadRows.map((l) => l.email).filter((e): e is string => e !== null))]

    return {
      customerId: c.customerId,
      name: c.name ?? leadRows.find((l) => l.name !== null)?.name ?? null,
      createdAt: Math.min(c.createdAt, ...phoneRows.map((p) => p.createdAt)),
      phones,
      emails,
      calls: callRows.map(({ call: k, operatorName }) => ({
        callId: k.callId, direction: k.direction, status: k.status,
        phone: k.direction === 'outbound' ? k.dialledPhone : k.callerPhone, did: k.did, placedBy: k.placedBy, leadId: k.leadId,
        operator: k.answeredBy === null ? null : { operatorId: k.answeredBy, name: operatorName ?? k.answeredBy },
        startedAt: k.startedAt, answeredAt: k.answeredAt, endedAt: k.endedAt, talkMs: k.talkMs, endReason: k.endReason,
        recordings: (recsByCall.get(k.callId) ?? []).map((r) => ({ recordingId: r.recordingId, kind: r.kind, status: r.status, path: r.path, durationMs: r.durationMs }))
      })),
      callsTotal,
      leads: leadRows.map((l) => ({
        leadId: l.leadId, status: l.status, channel: l.channel, source: l.source, categoryId: l.categoryId, ownerId: l.ownerId,
        refusalReason: l.refusalReason, createdAt: l.createdAt, respondedAt: l.respondedAt, closedAt: l.closedAt
      })),
      deals: leadRows.filter((l) => l.status === 'deal').length,
      usualOperator: usual === undefined || usual.operatorId === null ? null : { operatorId: usual.operatorId, name: usual.name, answeredCalls: usual.n },
      notes: notes.map((n) => ({ noteId: n.noteId, text: n.text, createdBy: n.createdBy, createdAt: n.createdAt, updatedBy: n.updatedBy, updatedAt: n.updatedAt })),
      merges: merges.map((m) => ({ mergedId: m.mergedId, mergedPhone: m.mergedPhone, actor: m.actor, at: m.at }))
    }
  }

  addNote (customerId: string, text: string, actor: string): NoteRow {
    const c = this.resolve(customerId)
    const row: NoteRow = { noteId: this.newId('note'), customerId: c.customerId, text, createdBy: actor, createdAt: this.now(), updatedBy: null, updatedAt: null }
    this.db.insert(customerNotes).values(row).run()
    return row
  }

  note (customerId: string, noteId: string): NoteRow {
    const ids = this.idsOf(this.resolve(customerId).customerId)
    const row = this.db.select().from(customerNotes).where(and(eq(customerNotes.noteId, noteId), inArray(customerNotes.customerId, ids))).get()
    if (row === undefined) throw new NotFound('note', noteId)
    return row
  }

  editNote (customerId: string, noteId: string, text: string, actor: string): NoteRow {
    this.note(customerId, noteId)
    this.db.update(customerNotes).set({ text, updatedBy: actor, updatedAt: this.now() }).where(eq(customerNotes.noteId, noteId)).run()
    return this.note(customerId, noteId)
  }

  /** One customer as stored, merged or not. */
  get (customerId: string): CustomerRow | undefined { return this.row(customerId) }

  transaction<T> (fn: () => T): T { return runTransaction(this.db.$client, fn) }

  /**
   * Points `otherId` (and whatever was merged into it) at `customerId`, applies `target`'s new fields
   * and writes the merge down in customer_merges. The service decides whether the merge may happen.
   */
  writeMerge (customerId: string, otherId: string, mergedPhone: string, target: Partial<Pick<CustomerRow, 'name' | 'lastCallAt' | 'lastOperatorId'>>, actor: string): void {
    const now = this.now()
    // One hop only: customers merged into `other` now point straight at the target.
    this.db.update(customers).set({ mergedInto: customerId, mergedAt: now })
      .where(or(eq(customers.customerId, otherId), eq(customers.mergedInto, otherId))).run()
    this.db.update(customers).set(target).where(eq(customers.customerId, customerId)).run()
    this.db.insert(customerMerges).values({ mergeId: this.newId('merge'), customerId, mergedId: otherId, mergedPhone, actor, at: now }).run()
  }
}
