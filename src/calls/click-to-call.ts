// Click-to-call: checks and resolves a request for an outbound call (number, operator, lead,
// customer, the shop's caller id), then hands it to the call center.
import type { CallsRepo } from '../db/calls-repo.js'
import { getOperator } from '../db/catalog-repo.js'
import type { LeadsRepo } from '../db/leads-repo.js'
import type { Db } from '../db/open.js'
import { normalisePhone } from '../domain/phone.js'
import { InvalidInput, NotFound, Unavailable } from '../errors.js'
import type { OutboundRequest } from './outbound-call.js'

export interface ClickToCallInput {
  phone: string
  operatorId: string
  leadId?: string
  customerId?: string
  source?: string
  categoryId?: string
  /** operator:<id> or token:<id> */
  actor: string
}

export interface ClickToCallDeps {
  db: Db
  repo: CallsRepo
  leads: LeadsRepo
  place: (req: OutboundRequest) => string
  /** Whether Asterisk can be asked to dial now (ARI connected). */
  ready: () => boolean
  now: () => number
  newId: (prefix: string) => string
  defaultRegion: string
  /** Caller id when no tracking number fits the call's category or source. */
  outboundCallerId: string
}

export function clickToCall (deps: ClickToCallDeps, input: ClickToCallInput): { callId: string } {
  const phone = normalisePhone(input.phone, deps.defaultRegion)
  if (phone.e164 === null) throw new InvalidInput('phone', `"${input.phone}" cannot be dialled: ${phone.problem ?? 'not a phone number'}`)
  const operator = getOperator(deps.db, input.operatorId)
  if (operator === undefined || operator.removedAt !== null) throw new NotFound('operator', input.operatorId)
  const lead = input.leadId === undefined ? undefined : deps.leads.get(input.leadId)
  if (input.leadId !== undefined && lead === undefined) throw new NotFound('lead', input.leadId)
  if (!deps.ready()) throw new Unavailable('Asterisk is not connected: nothing can be dialled now; try again shortly')
  const customer = deps.repo.ensureCustomer(phone.e164, deps.newId('cus'), deps.now(), lead?.name ?? null)
  if (input.customerId !== undefined && input.customerId !== customer.customerId) {
    if (deps.repo.customerById(input.customerId) === null) throw new NotFound('customer', input.customerId)
    throw new InvalidInput('customerId', `${phone.e164} is a number of customer ${customer.customerId}, not of ${input.customerId}`)
  }
  const categoryId = input.categoryId ?? lead?.categoryId ?? null
  const source = input.source ?? lead?.source ?? null
  const trackingDid = deps.repo.trackingNumberFor(categoryId, source)
  const callId = deps.place({
    operator: { operatorId: operator.operatorId, name: operator.name, endpoint: operator.endpoint },
    phone: phone.e164, customer, leadId: lead?.leadId ?? null, source, categoryId,
    shopCallerId: trackingDid ?? deps.outboundCallerId, trackingDid,
    actor: input.actor
  })
  return { callId }
}
