// Walks the SLA ladder: claims due steps from the database (with a lease, so none is lost and none
// runs twice at once), runs each (a reminder, a call to the owner's or the manager's phone, a
// follow-up) and writes down what happened and what comes next.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'
import type { Bus } from '../bus.js'
import type { Clock } from '../clock.js'
import type { OperatorBoard } from '../calls/operator-board.js'
import { DialAttempt } from '../calls/dial-attempt.js'
import type { EscalationRow, LeadRow, LeadsRepo } from '../db/leads-repo.js'
import { decideAfterStep, initialLadder, type LadderPolicy, type LadderStep, type StepOutcome } from '../domain/escalation.js'
import { sipCallerId } from '../domain/caller-id.js'
import { addWorkingTime, type WorkingCalendar } from '../domain/sla-clock.js'
import type { LeadService, OwnerPicker } from './lead-service.js'
import { viewLead } from './lead-service.js'
import { PhoneMenu } from '../asterisk/phone-menu.js'

export interface OperatorPhone { operatorId: string; endpoint: string; mobile: string | null; isManager: boolean }

export interface EscalationSettings {
  ladder: LadderPolicy
  calendar: WorkingCalendar
  leaseMs: number
  ringTimeoutSeconds: number
  keyTimeoutMs: number
  guardMs: number
  customerDialString: string
  mobileDialString: string
  outboundCallerId: string
  lang: string
  responseMinutes: number
  maxPerTick: number
  /** Steps (phone calls) running at once. */
  concurrency: number
}

export interface EscalationDeps {
  repo: LeadsRepo
  leads: LeadService
  ari: AriLink
  board: OperatorBoard
  bus: Bus
  log: Logger
  now: () => number
  /** Timers of the escalation calls (the ring guard). */
  clock: Clock
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
      setImmediate(() => { this.pump() })
    }
    return claimed.length
  }

  private pump (): void {
    while (this.active < this.deps.settings.concurrency && this.queue.length > 0) {
      const row = this.queue.shift()!
      this.active++
      void this.run(row).catch((err: Error) => {
        this.log.error({ err, leadId: row.leadId, escalationId: row.escalationId }, 'escalation step failed')
        this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'failed', `error: ${err.message}`, this.deps.now())
      }).finally(() => {
        this.active--
        this.held.delete(row.escalationId)
        this.pump()
        if (this.active === 0 && this.queue.length === 0) {
          for (const resolve of this.idle.splice(0)) resolve()
        }
      })
    }
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

  private target (row: EscalationRow, lead: LeadRow): OperatorPhone | undefined {
    if (row.step === 'owner_call') return lead.ownerId ? this.deps.phoneOf(lead.ownerId) : undefined
    const managers = this.deps.managers()
    const free = managers.find((m) => this.deps.board.view(m.operatorId)?.state === 'available')
    return free ?? managers[0]
  }

  /** The dial string for a person: their SIP phone, or their mobile through the trunk when the phone is away. */
  private dialString (p: OperatorPhone): string {
    const away = this.deps.board.view(p.operatorId)?.state === 'unregistered'
    if (away && p.mobile && this.deps.settings.mobileDialString) return this.deps.settings.mobileDialString.replace('{number}', p.mobile.replace(/^\+/, ''))
    return p.endpoint
  }

  private async callStep (row: EscalationRow, lead: LeadRow, log: Logger): Promise<void> {
    const who = this.target(row, lead)
    let outcome: StepOutcome
    let detail: Record<string, unknown> = {}
    if (!who) {
      outcome = 'skipped'
      detail = { problem: row.step === 'owner_call' ? 'the lead has no owner' : 'no manager configured' }
    } else {
      const r = await this.ringPerson(row, lead, who, log)
      outcome = r.outcome
      detail = { operatorId: who.operatorId, ...r.detail }
    }
    const now = this.deps.now()
    const fresh = this.deps.repo.get(lead.leadId) ?? lead
    const decision = decideAfterStep({ step: row.step as LadderStep, dueAt: row.dueAt, attempt: row.attempt }, outcome,
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
      this.deps.repo.finishStep(row.escalationId, this.deps.worker, 'done', `${outcome}; ${decision.reason}`, now, who?.operatorId ?? null)
    })
    log.info({ outcome, next: decision.kind === 'next' ? decision.step : null, operatorId: who?.operatorId }, 'escalation call done')
  }

  /** Rings the person, plays the lead's summary and acts on their key. */
  private async ringPerson (row: EscalationRow, lead: LeadRow, who: OperatorPhone, log: Logger): Promise<{ outcome: StepOutcome; detail: Record<string, unknown> }> {
    const s = this.deps.settings
    const number = (lead.phone ?? '').replace(/[^\d]/g, '')
    const leg = new DialAttempt(this.deps.ari, {
      endpoint: this.dialString(who), callerId: sipCallerId(`Lead ${lead.name ?? ''}`, number || 'ringlead'),
      timeoutSeconds: s.ringTimeoutSeconds, appArgs: `escalation,${row.escalationId}`, guardMs: s.guardMs
    }, this.deps.clock)
    this.deps.board.legRinging(who.operatorId)
    void leg.start()
    const answered = await leg.outcome
    this.deps.board.legStoppedRinging(who.operatorId)
    if (answered.result !== 'answered') {
      leg.dispose()
      return { outcome: 'no_answer', detail: { result: answered.result, cause: answered.cause } }
    }
    leg.dispose()
    const menu = new PhoneMenu(this.deps.ari, leg.channelId, s.lang, log, leg.takeKeys())
    this.deps.board.talkStarted(who.operatorId)
    const startedAt = this.deps.now()
    try {
      const overdueMinutes = Math.max(0, Math.round((this.deps.now() - (lead.deadlineAt ?? this.deps.now())) / 60_000))
      const isManager = row.step === 'manager_call'
      const prompt = [
        'sound:ringlead/lead-waiting', `number:${overdueMinutes}`,
        ...(number ? ['sound:ringlead/lead-from-number', `digits:${number}`] : []),
        ...(number ? ['sound:ringlead/press-1-to-call'] : []),
        ...(isManager ? ['sound:ringlead/press-2-reassign'] : [])
      ]
      const key = await menu.ask(prompt, isManager ? '12' : '1', s.keyTimeoutMs)
      if (key === null) return { outcome: menu.gone ? 'no_answer' : 'no_key', detail: {} }
      if (key === '2') {
        const next = this.deps.pickOwner({ categoryId: lead.categoryId, phone: null, exclude: [lead.ownerId ?? '', who.operatorId] })
        if (!next) return { outcome: 'no_key', detail: { problem: 'nobody else to give the lead to' } }
        this.deps.leads.assignOwner(lead.leadId, next.operatorId, `phone:${who.operatorId}`, 'reassigned by the manager from the escalation call')
        await menu.say(['sound:ringlead/reassigned'])
        return { outcome: 'reassigned', detail: { newOwnerId: next.operatorId } }
      }
      if (!number) return { outcome: 'no_key', detail: { problem: 'the lead has no phone number' } }
      await menu.say(['sound:ringlead/connecting'])
      return await this.connectToCustomer(row, lead, who, menu, number, log)
    } finally {
      this.deps.board.talkEnded(who.operatorId, this.deps.now() - startedAt)
      await menu.hangup()
    }
  }

  private async connectToCustomer (row: EscalationRow, lead: LeadRow, who: OperatorPhone, menu: PhoneMenu, number: string, log: Logger): Promise<{ outcome: StepOutcome; detail: Record<string, unknown> }> {
    const s = this.deps.settings
    const customer = new DialAttempt(this.deps.ari, {
      endpoint: s.customerDialString.replace('{number}', number), callerId: s.outboundCallerId || number,
      timeoutSeconds: s.ringTimeoutSeconds * 2, appArgs: `customer,${row.escalationId}`, guardMs: s.guardMs
    }, this.deps.clock)
    void customer.start()
    const got = await Promise.race([customer.outcome, menu.ended.then(() => null)])
    if (got === null || got.result !== 'answered') {
      await customer.cancel()
      customer.dispose()
      return { outcome: got === null ? 'no_answer' : 'failed', detail: { customer: got?.result ?? 'caller hung up first', cause: got?.cause ?? null } }
    }
    const bridgeId = `rl-esc-${row.escalationId}`
    try {
      await this.deps.ari.createBridge(bridgeId)
      await this.deps.ari.addToBridge(bridgeId, [menu.channelId, customer.channelId])
      this.deps.leads.recordResponse(lead.leadId, `phone:${who.operatorId}`, `${row.step === 'owner_call' ? 'owner' : 'manager'} called the customer from the escalation call`)
      log.info({ operatorId: who.operatorId }, 'connected to the customer')
      await Promise.race([customer.ended, menu.ended])
      return { outcome: 'connected', detail: {} }
    } finally {
      await customer.hangup()
      customer.dispose()
      await this.deps.ari.destroyBridge(bridgeId).catch(() => false)
    }
  }
}
