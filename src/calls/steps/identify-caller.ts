// Step: who calls and about what. Before the operator's phone rings only what routing and the
// phone's display need, from memory and one indexed read: caller id → E.164 and the customer as
// known; DID → tracking number and its category. After it: the site visit the number was handed
// to, and the row of a customer heard of for the first time.
import { normalisePhone } from '../../domain/phone.js'
import type { CallContext } from '../call-context.js'

export function identifyCaller (ctx: CallContext): void {
  const { repo, settings, newId } = ctx.deps
  const channel = ctx.channel
  const facts = ctx.facts
  const phone = normalisePhone(channel.callerNumber, settings.defaultRegion)
  facts.callerPhone = phone.e164
  if (phone.problem) facts.warnings.push(`caller id "${phone.raw}": ${phone.problem}`)
  facts.tracking = repo.trackingNumber(channel.did)
  facts.categoryId = facts.tracking?.categoryId ?? null
  if (!facts.tracking) facts.warnings.push(`unknown DID "${channel.did}": default routing policy`)
  if (facts.callerPhone) {
    // A new customer is what their row will say once written after the ring: no calls, no deals.
    facts.customer = repo.customerByPhone(facts.callerPhone) ?? {
      customerId: newId('cus'), phone: facts.callerPhone, name: channel.callerName.trim() || null,
      lastOperatorId: null, lastCallAt: null, earlierCalls: 0, deals: 0
    }
  }
}

/** What the call row needs and routing does not: the visit, and a new customer's row. */
export function completeIdentity (ctx: CallContext): void {
  const { repo } = ctx.deps
  const channel = ctx.channel
  const facts = ctx.facts
  if (!facts.tracking) ctx.log.warn({ did: channel.did }, 'unknown DID, default policy')
  facts.visit = facts.tracking ? repo.visitFor(facts.tracking.did, ctx.startedAt) : null
  const customer = facts.customer
  if (customer && customer.earlierCalls === 0 && customer.lastCallAt === null) {
    // Created now unless another call of the same number did first: the row's customer wins.
    facts.customer = repo.ensureCustomer(customer.phone, customer.customerId, ctx.startedAt, customer.name)
  }
  ctx.log.info({
    callerPhone: facts.callerPhone, did: channel.did, customerId: facts.customer?.customerId,
    categoryId: facts.tracking?.categoryId, visitId: facts.visit?.visitId
  }, 'call started')
}
