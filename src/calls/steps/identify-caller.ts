// Step: who calls and about what. Before the operator's phone rings only what routing and the
// phone's display need, from memory and one indexed read: caller id → E.164 and the customer as
// known; DID → tracking number and its category. After it: the caller id's full parse (when the
// ring was planned with its plain form), the site visit the number was handed to, and the row of a
// customer heard of for the first time.
import { knownPhone, normalisePhone, plainE164 } from '../../domain/phone.js'
import type { CustomerFacts } from '../../db/calls-repo.js'
import type { CallContext } from '../call-context.js'

export function identifyCaller (ctx: CallContext): void {
  const { repo, settings } = ctx.deps
  const channel = ctx.channel
  const facts = ctx.facts
  const known = knownPhone(channel.callerNumber, settings.defaultRegion)
  const plain = known === undefined ? plainE164(channel.callerNumber, settings.defaultRegion) : null
  if (plain !== null) {
    facts.callerPhone = plain
    ctx.phoneParsed = false
  } else {
    const phone = normalisePhone(channel.callerNumber, settings.defaultRegion) // the known answer when there is one
    facts.callerPhone = phone.e164
    if (phone.problem) facts.warnings.push(`caller id "${phone.raw}": ${phone.problem}`)
  }
  facts.tracking = repo.trackingNumber(channel.did)
  facts.categoryId = facts.tracking?.categoryId ?? null
  if (!facts.tracking) facts.warnings.push(`unknown DID "${channel.did}": default routing policy`)
  facts.customer = facts.callerPhone ? customerOf(ctx, facts.callerPhone) : null
}

/** The customer as known, or what their row will say once written after the ring: no calls, no deals. */
function customerOf (ctx: CallContext, phone: string): CustomerFacts {
  return ctx.deps.repo.customerByPhone(phone) ?? {
    customerId: ctx.deps.newId('cus'), phone, name: ctx.channel.callerName.trim() || null,
    lastOperatorId: null, lastCallAt: null, earlierCalls: 0, deals: 0
  }
}

/** What the call row needs and routing does not: the caller id's full parse, the visit, and a new customer's row. */
export function completeIdentity (ctx: CallContext): void {
  const { repo, settings } = ctx.deps
  const channel = ctx.channel
  const facts = ctx.facts
  if (!ctx.phoneParsed) {
    ctx.phoneParsed = true
    const phone = normalisePhone(channel.callerNumber, settings.defaultRegion)
    if (phone.problem) facts.warnings.push(`caller id "${phone.raw}": ${phone.problem}`)
    if (phone.e164 !== facts.callerPhone) {
      // A rare number whose plain form is not its E.164 one: the rest of the call goes by the parse.
      ctx.log.info({ plain: facts.callerPhone, e164: phone.e164 }, 'caller id parsed to another number than its plain form')
      facts.callerPhone = phone.e164
      facts.customer = phone.e164 ? customerOf(ctx, phone.e164) : null
    }
  }
  if (!facts.tracking) ctx.log.warn({ did: channel.did }, 'unknown DID, default policy')
  facts.visit = facts.tracking?.pooled === true ? repo.visitFor(facts.tracking.did, ctx.startedAt) : null
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
