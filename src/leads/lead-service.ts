// The lead lifecycle: intake (calls, forms, API, messengers), ownership, the status matrix, responses
// and dispositions. Every change is one transaction with its append-only event and ladder rows.
import type { Logger } from 'pino'
import type { Bus, LeadChanged } from '../bus.js'
import type { CallsRepo } from '../db/calls-repo.js'
import type { EscalationRow, LeadEventRow, LeadFilters, LeadRow, LeadsRepo } from '../db/leads-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import { initialLadder, type LadderPolicy } from '../domain/escalation.js'
import { decideTransition, type StatusMatrix } from '../domain/lead-status.js'
import { normalisePhone } from '../domain/phone.js'
import { addWorkingTime, type WorkingCalendar } from '../domain/sla-clock.js'
import { NotFound, InvalidInput } from '../errors.js'
import { TransitionRefused } from './errors.js'

export type { EscalationRow, LeadEventRow, LeadFilters, LeadRow }

export interface LeadSettings {
  matrix: StatusMatrix
  calendar: WorkingCalendar
  responseMinutes: number
  /** "source:<s>" or "category:<c>" → minutes. */
  responseMinutesBy: Record<string, number>
  dedupWindowMs: number
  refusalReasons: readonly string[]
  ladder: LadderPolicy
  defaultRegion: string
}

/** Who should own a lead now, by the same policy that routes calls. */
export type OwnerPicker = (facts: { categoryId: string | null; phone: string | null; exclude?: readonly string[] }) => { operatorId: string; reasons: string[] } | null

export interface LeadServiceDeps {
  repo: LeadsRepo
  calls: CallsRepo
  bus: Bus
  log: Logger
  now: () => number
  newId: (prefix: string) => string
  settings: LeadSettings
  pickOwner: OwnerPicker
}

export interface LeadInput {
  channel: 'call' | 'form' | 'api' | 'telegram' | 'follow_up'
  name?: string | null
  phone?: string | null
  email?: string | null
  message?: string | null
  source?: string | null
  categoryId?: string | null
  utm?: Record<string, string> | null
  externalId?: string | null
  callId?: string | null
  ownerId?: string | null
  ownerReasons?: string[]
  /** Answered call leads: the customer was talked to; the operator owes the disposition. */
  answered?: boolean
}

export type DispositionOutcome = 'deal' | 'refused' | 'callback'

export interface LeadView extends Omit<LeadRow, 'utm' | 'ownerReasons'> {
  utm: Record<string, string> | null
  ownerReasons: string[]
}

const json = <T>(text: string | null, fallback: T): T => {
  if (!text) return fallback
  try { return JSON.parse(text) as T } catch { return fallback }
}

export function viewLead (row: LeadRow): LeadView {
  return { ...row, utm: json(row.utm, null), ownerReasons: json(row.ownerReasons, []) }
}

export class LeadService {
  private readonly log: Logger

  constructor (private readonly deps: LeadServiceDeps) {
    this.log = deps.log.child({ part: 'leads' })
  }

  private responseMinutes (source: string | null, categoryId: string | null): number {
    const by = this.deps.settings.responseMinutesBy
    return (categoryId ? by[`category:${categoryId}`] : undefined) ?? (source ? by[`source:${source}`] : undefined) ?? this.deps.settings.responseMinutes
  }

  private deadline (fromMs: number, source: string | null, categoryId: string | null): number {
    return addWorkingTime(this.deps.settings.calendar, fromMs, this.responseMinutes(source, categoryId) * 60_000)
  }

  private event (leadId: string, at: number, actor: string, kind: string, extra: { from?: string | null; to?: string | null; reason?: string | null; data?: unknown } = {}): void {
    this.deps.repo.addEvent({
      eventId: this.deps.newId('lev'), leadId, at, actor, kind,
      fromStatus: extra.from ?? null, toStatus: extra.to ?? null, reason: extra.reason ?? null,
      data: extra.data === undefined ? null : JSON.stringify(extra.data)
    })
  }

  private scheduleLadder (lead: { leadId: string; deadlineAt: number | null; createdAt: number; ownerId: string | null }, nowMs: number): void {
    if (lead.deadlineAt === null) return
    for (const s of initialLadder(lead.deadlineAt, nowMs, this.deps.settings.ladder, this.deps.settings.calendar)) {
      this.deps.repo.addStep({
        escalationId: this.deps.newId('esc'), leadId: lead.leadId, step: s.step, state: 'pending', dueAt: s.dueAt, attempt: s.attempt,
        targetOperatorId: lead.ownerId, createdAt: nowMs, updatedAt: nowMs
      })
    }
  }

  /** Tells the bus; returns the lead as written, read once for both (undefined: no such lead). */
  private announce (type: 'lead.created' | 'lead.updated' | 'lead.status_changed' | 'lead.escalated' | 'disposition.recorded', leadId: string, change: LeadChanged['change']): LeadView | undefined {
    const row = this.deps.repo.get(leadId)
    if (!row) return undefined
    const lead = viewLead(row)
    this.deps.bus.emit(type, { leadId, lead: { ...lead } as unknown as Record<string, unknown>, change, atMs: this.deps.now() })
    return lead
  }

  /** A new request, or news on the customer's open one. */
  intake (input: LeadInput, actor: string): { lead: LeadView; created: boolean } {
    const now = this.deps.now()
    const phone = input.phone ? normalisePhone(input.phone, this.deps.settings.defaultRegion) : null
    const phoneValue = phone ? (phone.e164 ?? phone.raw) : null
    const email = input.email ? input.email.trim().toLowerCase() : null
    const externalId = input.externalId ? input.externalId.trim() || null : null
    // No dropped lead: any one way to reach or recognise the customer is enough.
    if (!phoneValue && !email && !externalId && !input.callId) throw new InvalidInput('phone', 'a lead needs a phone or an e-mail')
    const existing = this.deps.repo.openLeadOf({ phone: phone?.e164 ?? null, email, externalId }, now - this.deps.settings.dedupWindowMs)
    if (existing) return { lead: this.update(existing, input, actor, now), created: false }

    const leadId = this.deps.newId('lead')
    const categoryId = input.categoryId ?? null
    const source = input.source ?? null
    let ownerId = input.ownerId ?? null
    let ownerReasons = input.ownerReasons ?? []
    if (!ownerId) {
      const pick = this.deps.pickOwner({ categoryId, phone: phone?.e164 ?? null })
      ownerId = pick?.operatorId ?? null
      ownerReasons = pick?.reasons ?? ['nobody to own the lead: no operators']
    }
    const status = input.answered ? 'in_progress' : this.deps.settings.matrix.initial
    const deadlineAt = this.deadline(now, source, categoryId)
    this.deps.repo.transaction(() => {
      const customerId = phone?.e164 ? this.deps.calls.ensureCustomerId(phone.e164, this.deps.newId('cus'), now, input.name ?? null) : null
      this.deps.repo.insert({
        leadId, customerId, phone: phoneValue, phoneProblem: phone?.problem ?? null, email, name: input.name ?? null,
        channel: input.channel, source, categoryId, message: input.message ?? null,
        utm: input.utm ? JSON.stringify(input.utm) : null, externalId, callId: input.callId ?? null,
        status, statusSince: now, ownerId, ownerReasons: JSON.stringify(ownerReasons), deadlineAt, slaDueAt: deadlineAt,
        respondedAt: input.answered ? now : null, awaitingDisposition: input.answered === true,
        createdAt: now, updatedAt: now
      })
      this.event(leadId, now, actor, 'created', { to: status, data: { channel: input.channel, source, categoryId, ownerId, ownerReasons, callId: input.callId ?? null } })
      this.scheduleLadder({ leadId, deadlineAt, createdAt: now, ownerId }, now)
    })
    this.log.info({ leadId, ownerId, channel: input.channel, deadlineAt }, 'lead created')
    return { lead: this.announce('lead.created', leadId, { kind: 'created', to: status, actor })!, created: true }
  }

  private update (lead: LeadRow, input: LeadInput, actor: string, now: number): LeadView {
    const patch: Partial<LeadRow> = { updatedAt: now }
    // The customer's phone, as intake keeps it, when the lead came without one (a chat, an e-mail).
    const phone = !lead.phone && input.phone ? normalisePhone(input.phone, this.deps.settings.defaultRegion) : null
    if (phone) {
      patch.phone = phone.e164 ?? phone.raw
      patch.phoneProblem = phone.problem ?? null
    }
    if (!lead.name && input.name) patch.name = input.name
    if (!lead.email && input.email) patch.email = input.email.trim().toLowerCase()
    const externalId = input.externalId ? input.externalId.trim() : ''
    if (!lead.externalId && externalId) patch.externalId = externalId
    if (!lead.categoryId && input.categoryId) patch.categoryId = input.categoryId
    if (input.message) patch.message = lead.message ? `${lead.message}\n---\n${input.message}` : input.message
    if (input.answered && lead.ownerId !== input.ownerId && input.ownerId) {
      patch.ownerId = input.ownerId
      patch.ownerReasons = JSON.stringify(input.ownerReasons ?? ['answered the customer\'s call'])
    }
    if (input.answered) {
      patch.awaitingDisposition = true
      patch.respondedAt = lead.respondedAt ?? now
    }
    const filled = (['phone', 'email', 'externalId'] as const).filter((k) => patch[k] !== undefined)
    this.deps.repo.transaction(() => {
      if (phone?.e164 && !lead.customerId) patch.customerId = this.deps.calls.ensureCustomerId(phone.e164, this.deps.newId('cus'), now, lead.name ?? input.name ?? null)
      this.deps.repo.update(lead.leadId, patch)
      this.event(lead.leadId, now, actor, 'updated', { data: { channel: input.channel, callId: input.callId ?? null, message: input.message ?? null, source: input.source ?? null, ...(filled.length > 0 ? { filled } : {}) } })
    })
    this.log.info({ leadId: lead.leadId, channel: input.channel, filled }, 'lead updated by a new request')
    return this.announce('lead.updated', lead.leadId, { kind: 'updated', actor })!
  }

  /** Leads by the filters, newest first (the repository's paging by createdAt). */
  list (filters: LeadFilters): LeadRow[] { return this.deps.repo.list(filters) }
  /** The lead's history, oldest first. */
  events (leadId: string): LeadEventRow[] { return this.deps.repo.events(leadId) }
  /** The lead's escalation ladder. */
  steps (leadId: string): EscalationRow[] { return this.deps.repo.steps(leadId) }

  get (leadId: string): LeadRow {
    const row = this.deps.repo.get(leadId)
    if (!row) throw new NotFound('lead', leadId)
    return row
  }

  /** Moves a lead through the matrix; refused with a message naming both statuses. */
  changeStatus (leadId: string, to: string, o: { actor: string; reason?: string | null; followUpAt?: number | null; kind?: string; dealAmount?: number | null }): LeadView {
    const lead = this.get(leadId)
    const now = this.deps.now()
    if (o.dealAmount !== undefined && o.dealAmount !== null && to !== 'deal') throw new InvalidInput('dealAmount', `only a deal has an amount; lead ${leadId} is moving to ${to}`)
    const d = decideTransition(this.deps.settings.matrix, lead.status, to, {
      reason: o.reason, followUpAt: o.followUpAt, refusalReasons: to === 'refused' ? this.deps.settings.refusalReasons : undefined
    })
    if (!d.ok) throw new TransitionRefused(leadId, d.problem)
    this.deps.repo.transaction(() => {
      const patch: Partial<LeadRow> = { status: to, statusSince: now, updatedAt: now }
      if (d.isResponse) { patch.respondedAt = lead.respondedAt ?? now; patch.deadlineAt = null }
      if (d.closes) patch.closedAt = now
      if (to === 'refused') { patch.refusalReason = o.reason ?? null; patch.refusedAt = now }
      if (to === 'deal') {
        // The first deal counts for the reports; a later close keeps it.
        patch.dealAt = lead.dealAt ?? now
        patch.dealAmount = o.dealAmount ?? lead.dealAmount
      }
      if (o.followUpAt) patch.followUpAt = o.followUpAt
      patch.awaitingDisposition = false
      this.deps.repo.update(leadId, patch)
      const data = { ...(o.followUpAt ? { followUpAt: o.followUpAt } : {}), ...(o.dealAmount != null ? { dealAmount: o.dealAmount } : {}) }
      this.event(leadId, now, o.actor, o.kind ?? 'status', { from: lead.status, to, reason: o.reason ?? null, data: Object.keys(data).length > 0 ? data : undefined })
      if (d.isResponse || d.closes) this.deps.repo.cancelPendingSteps(leadId, now, `lead ${to}`, ['reminder', 'owner_call', 'manager_call'])
      if (o.followUpAt) {
        this.deps.repo.addStep({
          escalationId: this.deps.newId('esc'), leadId, step: 'follow_up', state: 'pending', dueAt: o.followUpAt, attempt: 0,
          targetOperatorId: lead.ownerId, createdAt: now, updatedAt: now
        })
      }
    })
    this.log.info({ leadId, from: lead.status, to, actor: o.actor }, 'lead status changed')
    this.announce('lead.status_changed', leadId, { kind: 'status', from: lead.status, to, reason: o.reason ?? null, actor: o.actor })
    return viewLead(this.deps.repo.get(leadId)!)
  }

  /** The outcome of a conversation: from the phone menu, the API or the console. */
  recordDisposition (leadId: string, outcome: DispositionOutcome, o: { actor: string; reason?: string | null; followUpAt?: number | null; dealAmount?: number | null }): LeadView {
    const to = outcome === 'deal' ? 'deal' : outcome === 'refused' ? 'refused' : 'callback_scheduled'
    const lead = this.get(leadId)
    if (lead.status === to && to === 'deal' && o.dealAmount != null) {
      // The amount told after the deal was recorded (e.g. on the phone first, in the console later).
      this.setDealAmount(leadId, o.dealAmount, o.actor)
      return viewLead(this.get(leadId))
    }
    // An answered call's lead is in progress already; from "new" the matrix allows the same moves.
    const view = lead.status === to ? viewLead(lead) : this.changeStatus(leadId, to, { ...o, kind: 'disposition' })
    this.announce('disposition.recorded', leadId, { kind: 'disposition', from: lead.status, to, reason: o.reason ?? null, actor: o.actor })
    return view
  }

  /** Corrects or adds the amount of a lead that is (or was) a deal. */
  setDealAmount (leadId: string, dealAmount: number, actor: string): LeadView {
    const lead = this.get(leadId)
    if (lead.dealAt === null) throw new InvalidInput('dealAmount', `lead ${leadId} is not a deal (status ${lead.status})`)
    const now = this.deps.now()
    this.deps.repo.transaction(() => {
      this.deps.repo.update(leadId, { dealAmount, updatedAt: now })
      this.event(leadId, now, actor, 'deal_amount', { data: { from: lead.dealAmount, to: dealAmount } })
    })
    this.announce('lead.updated', leadId, { kind: 'deal_amount', actor })
    return viewLead(this.deps.repo.get(leadId)!)
  }

  assignOwner (leadId: string, operatorId: string, actor: string, reason: string): LeadView {
    const lead = this.get(leadId)
    const now = this.deps.now()
    this.deps.repo.transaction(() => {
      this.deps.repo.update(leadId, { ownerId: operatorId, ownerReasons: JSON.stringify([reason]), updatedAt: now })
      this.event(leadId, now, actor, 'owner', { reason, data: { from: lead.ownerId, to: operatorId } })
    })
    this.announce('lead.updated', leadId, { kind: 'owner', from: lead.ownerId, to: operatorId, reason, actor })
    return viewLead(this.deps.repo.get(leadId)!)
  }

  /** A note counts as a response: someone worked on the lead. */
  addNote (leadId: string, text: string, actor: string): LeadView {
    const lead = this.get(leadId)
    const now = this.deps.now()
    this.deps.repo.transaction(() => {
      this.deps.repo.update(leadId, { updatedAt: now, respondedAt: lead.respondedAt ?? now, deadlineAt: lead.awaitingDisposition ? lead.deadlineAt : null })
      this.event(leadId, now, actor, 'note', { reason: text })
      if (!lead.awaitingDisposition) this.deps.repo.cancelPendingSteps(leadId, now, 'answered with a note', ['reminder', 'owner_call', 'manager_call'])
    })
    this.announce('lead.updated', leadId, { kind: 'note', actor })
    return viewLead(this.deps.repo.get(leadId)!)
  }

  /** The customer was reached on the phone (an escalation call bridged, an outbound call answered). */
  recordResponse (leadId: string, actor: string, what: string): void {
    const lead = this.get(leadId)
    const now = this.deps.now()
    this.deps.repo.transaction(() => {
      this.deps.repo.update(leadId, { respondedAt: lead.respondedAt ?? now, deadlineAt: null, updatedAt: now })
      this.event(leadId, now, actor, 'response', { reason: what })
      this.deps.repo.cancelPendingSteps(leadId, now, what, ['reminder', 'owner_call', 'manager_call'])
    })
    if (lead.status === this.deps.settings.matrix.initial && this.deps.settings.matrix.transitions[lead.status]?.includes('in_progress')) {
      this.changeStatus(leadId, 'in_progress', { actor, reason: what })
    } else {
      this.announce('lead.updated', leadId, { kind: 'response', actor })
    }
  }

  /**
   * call.ended → a lead: missed calls become callback leads, answered ones await the disposition.
   * Outbound calls never make a lead: an answered one is the response to the lead it was made for
   * (or to the customer's open lead).
   */
  fromCall (e: CallEnded): LeadView | null {
    if (e.direction === 'outbound') return this.fromOutboundCall(e)
    if (!e.callerPhone && !e.callerRaw) return null
    const answered = e.status === 'answered' || (e.status === 'interrupted' && e.answeredBy !== null)
    const input: LeadInput = {
      channel: 'call', phone: e.callerPhone ?? e.callerRaw, source: e.source, categoryId: e.categoryId, callId: e.callId,
      ...(e.utm ? { utm: e.utm } : {}),
      message: answered ? null : e.status === 'callback' ? `callback requested: ${e.endReason ?? 'by the caller'} (${e.did})` : `missed call (${e.status}) to ${e.did}`,
      ...(answered ? { ownerId: e.answeredBy, ownerReasons: ['answered the call'], answered: true } : {})
    }
    try {
      return this.intake(input, 'system').lead
    } catch (err) {
      if (err instanceof InvalidInput) {
        this.log.warn({ callId: e.callId, err: err.message }, 'call made no lead')
        return null
      }
      throw err
    }
  }

  private fromOutboundCall (e: CallEnded): LeadView | null {
    if (e.status !== 'answered' || e.answeredBy === null) return null
    const lead = e.leadId ? this.deps.repo.get(e.leadId) : e.dialledPhone ? this.deps.repo.openLeadOf({ phone: e.dialledPhone, email: null, externalId: null }, this.deps.now() - this.deps.settings.dedupWindowMs) : undefined
    if (!lead) return null
    this.recordResponse(lead.leadId, `operator:${e.answeredBy}`, `outbound call ${e.callId} answered by the customer`)
    return viewLead(this.deps.repo.get(lead.leadId)!)
  }
}
