// Walks the SLA ladder: claims due steps from the database (with a lease, so none is lost and none
// runs twice at once), runs each (a reminder, a call to the owner's or the manager's phone, a
// follow-up) and writes down what happened and what comes next.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { EscalationRow, LeadRow, LeadsRepo } from '../db/leads-repo.js'
import { decideAfterStep, initialLadder, type LadderPolicy, type LadderStep, type StepOutcome } from '../domain/escalation.js'
import { chooseEscalationCallee, type EscalationLine, type LadderPerson } from '../domain/escalation-callee.js'
import { addWorkingTime, type WorkingCalendar } from '../domain/sla-clock.js'
import type { LeadService, OwnerPicker } from './lead-service.js'
import { viewLead } from './lead-service.js'

/** A person's phones and their presence now (the board's state; undefined when not on it). */
export type OperatorPhone = LadderPerson

export interface EscalationSettings {
  ladder: LadderPolicy
  calendar: WorkingCalendar
  leaseMs: number
  /** Dial string of a mobile number through the trunk ({number}); empty: never call mobiles. */
  mobileDialString: string
  responseMinutes: number
  maxPerTick: number
  /** Steps (phone calls) running at once. */
  concurrency: number
}

export interface EscalationDeps {
  repo: LeadsRepo
  leads: LeadService
  /** The call layer's outbound leg: rings a person about a lead and says how it went. */
  line: EscalationLine
  bus: Bus
  log: Logger
  now: () => number
  newId: (prefix: string) => string
  pickOwner: OwnerPicker
  phoneOf: (operatorId: string) => OperatorPhone | undefined
  managers: () => OperatorPhone[]
  /** Distinguishes this daemon's claims from those of a previous (crashed) run. */
  worker: string
  settings: EscalationSettings
}

const phoneSteps = new Set<string>(['reminder', 'owner_call', 'manager_call'])

export class EscalationRunner {
  /** Claimed steps waiting for a free line, then running: their leases are kept alive. */
  private readonly queue: EscalationRow[] = []
  private readonly held = new Set<string>()
  private active = 0
  private idle: Array<() => void> = []
  private leaseKeeper: NodeJS.Timeout | null = null
  private pumpScheduled = false
  private readonly log: Logger

  constructor (private readonly deps: EscalationDeps) {
    this.log = deps.log.child({ part: 'escalation' })
  }

  get running (): number { return this.active + this.queue.length }

  /**
   * One sweep: claim what is due and queue it. Steps run at most `concurrency` at a time (each
   * may be a phone call); the rest wait their turn with their leases kept alive.
   */
  tick (nowMs = this.deps.now()): number {
    const claimed = this.deps.repo.claimDue(nowMs, this.deps.worker, this.deps.settings.leaseMs, this.deps.settings.maxPerTick)
    for (const row of claimed) {
      this.held.add(row.escalationId)
      this.queue.push(row)
    }
    if (claimed.length > 0) {
      this.keepLeases()
      this.pumpSoon()
    }
    return claimed.length
  }

  /**
   * Starts the next step in a turn of the event loop of its own. A reminder runs to its end without
   * waiting on anything: started back to back from one turn, a sweep's hundreds of due reminders held
   * the loop (and every call's set-up behind it) for all of them; one a turn, a call's events get in
   * between any two.
   */
  private pumpSoon (): void {
    if (this.pumpScheduled || this.queue.length === 0 || this.active >= this.deps.settings.concurrency) return
    this.pumpScheduled = true
    setImmediate(() => { this.pump() })
  }

  private pump (): void {
    this.pumpScheduled = false
    if (this.active >= this.deps.settings.concurrency || this.queue.length === 0) return
    const row = this.queue.shift()!
    this.active++
    void this.run(row).catch((err: Error) => {
      this.log.error({ err, leadId: row.leadId, escalationId: row.escalationId }, 'escalation step failed')
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'failed', `error: ${err.message}`, this.deps.now())
    }).finally(() => {
      this.active--
      this.held.delete(row.escalationId)
      this.pumpSoon()
      if (this.active === 0 && this.queue.length === 0) {
        for (const resolve of this.idle.splice(0)) resolve()
      }
    })
    this.pumpSoon()
  }

  private keepLeases (): void {
    if (this.leaseKeeper) return
    this.leaseKeeper = setInterval(() => {
      if (this.held.size === 0) {
        clearInterval(this.leaseKeeper!)
        this.leaseKeeper = null
        return
      }
      this.deps.repo.extendLeases([...this.held], this.deps.worker, this.deps.now() + this.deps.settings.leaseMs)
    }, Math.max(1000, this.deps.settings.leaseMs / 3))
    this.leaseKeeper.unref()
  }

  /** Resolves when nothing is queued or running. */
  drain (): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => { this.idle.push(resolve) })
  }

  private async run (row: EscalationRow): Promise<void> {
    const log = this.log.child({ leadId: row.leadId, escalationId: row.escalationId, step: row.step })
    const lead = this.deps.repo.get(row.leadId)
    const now = this.deps.now()
    if (!lead || (phoneSteps.has(row.step) && (lead.closedAt !== null || lead.deadlineAt === null))) {
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'cancelled', lead ? 'lead answered meanwhile' : 'lead gone', now)
      return
    }
    switch (row.step as LadderStep) {
      case 'reminder': return this.remind(row, lead, log)
      case 'owner_call': case 'manager_call': return await this.callStep(row, lead, log)
      case 'follow_up': return this.followUp(row, lead, log)
    }
  }

  private note (lead: LeadRow, row: EscalationRow, outcome: string, detail: Record<string, unknown>): void {
    const now = this.deps.now()
    this.deps.repo.addEvent({
      eventId: this.deps.newId('lev'), leadId: lead.leadId, at: now, actor: 'system', kind: 'escalation',
      reason: `${row.step}: ${outcome}`, data: JSON.stringify({ escalationId: row.escalationId, step: row.step, attempt: row.attempt, outcome, ...detail })
    })
    const fresh = this.deps.repo.get(lead.leadId)
    if (fresh) this.deps.bus.emit('lead.escalated', { leadId: lead.leadId, lead: viewLead(fresh) as unknown as Record<string, unknown>, change: { kind: row.step, reason: outcome, actor: 'system' }, atMs: now })
  }

  private remind (row: EscalationRow, lead: LeadRow, log: Logger): void {
    this.deps.repo.transaction(() => {
      this.note(lead, row, 'sent', { ownerId: lead.ownerId, deadlineAt: lead.deadlineAt })
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'done', 'sent', this.deps.now(), lead.ownerId)
    })
    log.info({ ownerId: lead.ownerId }, 'reminder sent')
  }

  private followUp (row: EscalationRow, lead: LeadRow, log: Logger): void {
    const now = this.deps.now()
    if (lead.closedAt === null) {
      // A scheduled call-back is due: the lead needs a response again, with its own ladder.
      const deadlineAt = addWorkingTime(this.deps.settings.calendar, now, this.deps.settings.responseMinutes * 60_000)
      this.deps.repo.transaction(() => {
        this.deps.repo.update(lead.leadId, { deadlineAt, respondedAt: null, updatedAt: now })
        for (const s of initialLadder(deadlineAt, now, this.deps.settings.ladder, this.deps.settings.calendar)) {
          this.deps.repo.addStep({ escalationId: this.deps.newId('esc'), leadId: lead.leadId, step: s.step, state: 'pending', dueAt: s.dueAt, attempt: 0, targetOperatorId: lead.ownerId, createdAt: now, updatedAt: now })
        }
        this.note(lead, row, 'call-back due', { deadlineAt })
        this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'done', 'call-back due: new deadline', now, lead.ownerId)
      })
      log.info({ deadlineAt }, 'call-back due')
      return
    }
    // A follow-up date on a closed deal: a new task (lead) for its owner, for the repeat sale.
    const created = this.deps.leads.intake({
      channel: 'follow_up', phone: lead.phone, email: lead.email, name: lead.name, source: lead.source, categoryId: lead.categoryId,
      ownerId: lead.ownerId, ownerReasons: [`follow-up of lead ${lead.leadId}`], message: `repeat sale follow-up of lead ${lead.leadId}`
    }, 'system')
    this.deps.repo.transaction(() => {
      this.note(lead, row, 'follow-up task created', { newLeadId: created.lead.leadId })
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'done', `follow-up lead ${created.lead.leadId}`, now, lead.ownerId)
    })
    log.info({ newLeadId: created.lead.leadId }, 'follow-up task created')
  }

  private async callStep (row: EscalationRow, lead: LeadRow, log: Logger): Promise<void> {
    const step = row.step as 'owner_call' | 'manager_call'
    const owner = lead.ownerId ? this.deps.phoneOf(lead.ownerId) : undefined
    const callee = chooseEscalationCallee(step, owner, step === 'manager_call' ? this.deps.managers() : [], this.deps.settings.mobileDialString)
    let outcome: StepOutcome
    let detail: Record<string, unknown> = {}
    if (callee.kind === 'skip') {
      outcome = 'skipped'
      detail = { problem: callee.problem }
    } else {
      log.info({ operatorId: callee.operatorId, reasons: callee.reasons }, 'escalation call placed')
      const r = await this.deps.line.call({
        leadId: lead.leadId, escalationId: row.escalationId, operatorId: callee.operatorId, dialString: callee.dialString,
        leadName: lead.name, customerNumber: (lead.phone ?? '').replace(/[^\d]/g, ''), deadlineAt: lead.deadlineAt,
        canReassign: step === 'manager_call',
        reassign: () => this.reassign(lead, callee.operatorId),
        connected: () => {
          this.deps.leads.recordResponse(lead.leadId, `phone:${callee.operatorId}`, `${step === 'owner_call' ? 'owner' : 'manager'} called the customer from the escalation call`)
        }
      })
      outcome = r.outcome
      detail = { operatorId: callee.operatorId, ...r.detail }
    }
    const calledId = callee.kind === 'call' ? callee.operatorId : null
    const now = this.deps.now()
    const fresh = this.deps.repo.get(lead.leadId) ?? lead
    const decision = decideAfterStep({ step, dueAt: row.dueAt, attempt: row.attempt }, outcome,
      lead.deadlineAt ?? row.dueAt, now, this.deps.settings.ladder, this.deps.settings.calendar)
    this.deps.repo.transaction(() => {
      this.note(lead, row, outcome, { ...detail, next: decision.reason })
      const stillOpen = fresh.closedAt === null && fresh.deadlineAt !== null
      if (decision.kind === 'next' && stillOpen) {
        this.deps.repo.addStep({
          escalationId: this.deps.newId('esc'), leadId: lead.leadId, step: decision.step.step, state: 'pending', dueAt: decision.step.dueAt,
          attempt: decision.step.attempt, targetOperatorId: null, createdAt: now, updatedAt: now
        })
      }
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'done', `${outcome}; ${decision.reason}`, now, calledId)
    })
    log.info({ outcome, next: decision.kind === 'next' ? decision.step : null, operatorId: calledId }, 'escalation call done')
  }

  /** The manager pressed 2: the lead goes to whoever the routing would pick, not its owner or the manager. */
  private reassign (lead: LeadRow, managerId: string): { newOwnerId: string } | { problem: string } {
    const next = this.deps.pickOwner({ categoryId: lead.categoryId, phone: null, exclude: [lead.ownerId ?? '', managerId] })
    if (!next) return { problem: 'nobody else to give the lead to' }
    this.deps.leads.assignOwner(lead.leadId, next.operatorId, `phone:${managerId}`, 'reassigned by the manager from the escalation call')
    return { newOwnerId: next.operatorId }
  }
}
