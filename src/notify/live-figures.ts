// Today's wallboard figures, kept in memory by the events that change them (calls ending, leads
// opening, changing and closing). The database is read once at start and again at each midnight in
// the shop's time zone; a read is a few additions, never a query.
import type { Bus, LeadChanged } from '../bus.js'
import type { Clock, CancelTimer } from '../clock.js'
import type { CallEnded } from '../domain/call-events.js'
import { addToServiceLevel, noServiceLevel, serviceLevelView, type ServiceLevelTotals } from '../domain/service-level.js'
import { addEndedCall, noCalls, OpenLeads, shopDay, statsOf, type CallTotals, type TodayStats } from '../domain/today-figures.js'

export interface FiguresSource {
  callTotals (dayStartMs: number): CallTotals
  serviceLevel (dayStartMs: number, withinMs: number): ServiceLevelTotals
  openLeads (): Array<{ leadId: string; deadlineAt: number | null }>
  dealsSince (dayStartMs: number): string[]
}

export interface LiveFiguresDeps {
  bus: Bus
  source: FiguresSource
  clock: Clock
  /** The shop's time zone: "today" starts at its midnight. */
  timeZone: string
  /** A call answered within this long of arriving counts toward the service level. */
  serviceLevelMs: number
  /** Called after midnight's figures are loaded (wallboards show the new day at once). */
  dayTurned?: () => void
}

const leadEvents = ['lead.created', 'lead.updated', 'lead.status_changed', 'lead.escalated', 'disposition.recorded'] as const

export class LiveFigures {
  private calls: CallTotals = noCalls()
  private serviceLevel: ServiceLevelTotals = noServiceLevel()
  private readonly open = new OpenLeads()
  private readonly deals = new Set<string>()
  private dayStartMs = 0
  private nextDayMs = 0
  private cancelDayTurn: CancelTimer = () => {}
  private readonly off: Array<() => void> = []

  constructor (private readonly deps: LiveFiguresDeps) {}

  start (): void {
    const { bus } = this.deps
    const onEnded = (e: CallEnded): void => { this.rollIfDue(); addEndedCall(this.calls, e, this.dayStartMs); addToServiceLevel(this.serviceLevel, e, this.dayStartMs, this.deps.serviceLevelMs) }
    bus.on('call.ended', onEnded)
    this.off.push(() => { bus.off('call.ended', onEnded) })
    const onLead = (e: LeadChanged): void => { this.rollIfDue(); this.leadChanged(e.leadId, e.lead) }
    for (const name of leadEvents) {
      bus.on(name, onLead)
      this.off.push(() => { bus.off(name, onLead) })
    }
    this.load()
  }

  stop (): void {
    this.cancelDayTurn()
    for (const off of this.off.splice(0)) off()
  }

  stats (): TodayStats {
    this.rollIfDue()
    return statsOf(this.calls, { open: this.open.open, overdue: this.open.overdueAt(this.deps.clock.now()), deals: this.deals.size }, serviceLevelView(this.serviceLevel))
  }

  /** Aggregates today from the database and sets the timer for the next midnight. */
  private load (): void {
    const { source, clock, timeZone } = this.deps
    const day = shopDay(clock.now(), timeZone)
    this.dayStartMs = day.startMs
    this.nextDayMs = day.nextStartMs
    this.calls = source.callTotals(day.startMs)
    this.serviceLevel = source.serviceLevel(day.startMs, this.deps.serviceLevelMs)
    this.open.clear()
    for (const l of source.openLeads()) this.open.set(l.leadId, l.deadlineAt)
    this.deals.clear()
    for (const leadId of source.dealsSince(day.startMs)) this.deals.add(leadId)
    this.cancelDayTurn()
    this.cancelDayTurn = clock.setTimeout(() => { this.turnDay() }, day.nextStartMs - clock.now())
  }

  private turnDay (): void {
    const { clock } = this.deps
    if (clock.now() < this.nextDayMs) {
      this.cancelDayTurn = clock.setTimeout(() => { this.turnDay() }, this.nextDayMs - clock.now())
      return
    }
    this.load()
    this.deps.dayTurned?.()
  }

  /** Past midnight (the timer may be late, or a read comes first): start the new day from the database. */
  private rollIfDue (): void {
    if (this.deps.clock.now() >= this.nextDayMs) this.load()
  }

  private leadChanged (leadId: string, lead: Record<string, unknown>): void {
    if (lead.closedAt === null || lead.closedAt === undefined) this.open.set(leadId, (lead.deadlineAt as number | null | undefined) ?? null)
    else this.open.close(leadId)
    if (lead.status === 'deal' && typeof lead.statusSince === 'number' && lead.statusSince >= this.dayStartMs) this.deals.add(leadId)
    else this.deals.delete(leadId)
  }
}
