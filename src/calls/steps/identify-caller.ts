// Step: who calls and about what. Caller id → E.164 and customer; DID → tracking number, its
// category and the site visit it was handed to.
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
  if (!facts.tracking) {
    facts.warnings.push(`unknown DID "${channel.did}": default routing policy`)
    ctx.log.warn({ did: channel.did }, 'unknown DID, default policy')
  }
  facts.visit = facts.tracking ? repo.visitFor(facts.tracking.did, ctx.startedAt) : null
  if (facts.callerPhone) facts.customer = repo.ensureCustomer(facts.callerPhone, newId('cus'), ctx.startedAt, channel.callerName.trim() || null)
  ctx.log.info({
    callerPhone: facts.callerPhone, did: channel.did, customerId: facts.customer?.customerId,
    categoryId: facts.tracking?.categoryId, visitId: facts.visit?.visitId
  }, 'call started')
}
