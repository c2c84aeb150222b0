// Reads the PBX side needs: a customer's history for the phone display, the lead an operator
// still owes an outcome, an operator by the phone they call from.
import { and, count, desc, eq, isNull } from 'drizzle-orm'
import type { Db } from './open.js'
import { calls, customers, leads, operators } from './schema.js'

export interface CustomerSummary { customerId: string; name: string | null; phone: string; calls: number; orders: number }

export function customerSummary (db: Db, phone: string): CustomerSummary | null {
  const customer = db.select().from(customers).where(eq(customers.phone, phone)).get()
  if (customer === undefined) return null
  const callCount = db.select({ n: count() }).from(calls).where(eq(calls.customerId, customer.customerId)).get()?.n ?? 0
  // An order is a lead closed as a deal.
  const orders = db.select({ n: count() }).from(leads).where(and(eq(leads.customerId, customer.customerId), eq(leads.status, 'deal'))).get()?.n ?? 0
  return { customerId: customer.customerId, name: customer.name, phone: customer.phone, calls: callCount, orders }
}

/** The live operator whose phone is this dial string (PJSIP/101). */
export function operatorByEndpoint (db: Db, endpoint: string): { operatorId: string; name: string } | undefined {
  return db.select({ operatorId: operators.operatorId, name: operators.name }).from(operators)
    .where(and(eq(operators.endpoint, endpoint), isNull(operators.removedAt))).get()
}

/** The operator's most recent lead still waiting for its outcome. */
export function leadAwaitingDisposition (db: Db, operatorId: string): string | null {
  return db.select({ leadId: leads.leadId }).from(leads)
    .where(and(eq(leads.ownerId, operatorId), eq(leads.awaitingDisposition, true)))
    .orderBy(desc(leads.updatedAt)).limit(1).get()?.leadId ?? null
}
