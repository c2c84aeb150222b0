// Pure: today's wallboard figures from running totals, the shop's day boundaries, and a counter of
// open leads past their deadline that costs nothing per read when nothing has become overdue.
import { DateTime } from 'luxon'
import type { ServiceLevelView } from './service-level.js'

export interface TodayStats {
  answered: number
  missed: number
  missedPct: number | null
  avgAnswerMs: number | null
  openLeads: number
  overdueLeads: number
  deals: number
  /** Share answered within the configured seconds, overall and per category. */
  serviceLevel: ServiceLevelView
}

/** Inbound calls started today that have ended, summed as they end. */
export interface CallTotals {
  answered: number
  /** Missed or abandoned. */
  missed: number
  /** Sum of answeredAt − startedAt over answered calls with an answer time, and how many those are. */
  answerMsSum: number
  answerTimed: number
}

export const noCalls = (): CallTotals => ({ answered: 0, missed: 0, answerMsSum: 0, answerTimed: 0 })

/** What one ended call adds to today's totals (nothing when it started before `dayStartMs` or went out). */
export function addEndedCall (t: CallTotals, call: { direction: string; status: string; startedAt: number; answeredAt: number | null }, dayStartMs: number): void {
  if (call.direction !== 'inbound' || call.startedAt < dayStartMs) return
  if (call.status === 'answered') {
    t.answered++
    if (call.answeredAt !== null) { t.answerMsSum += call.answeredAt - call.startedAt; t.answerTimed++ }
  } else if (call.status === 'missed' || call.status === 'abandoned') t.missed++
}

export function statsOf (t: CallTotals, leads: { open: number; overdue: number; deals: number }, serviceLevel: ServiceLevelView): TodayStats {
  return {
    answered: t.answered,
    missed: t.missed,
    missedPct: t.answered + t.missed === 0 ? null : Math.round((t.missed / (t.answered + t.missed)) * 1000) / 10,
    avgAnswerMs: t.answerTimed === 0 ? null : Math.round(t.answerMsSum / t.answerTimed),
    openLeads: leads.open,
    overdueLeads: leads.overdue,
    deals: leads.deals,
    serviceLevel
  }
}

/** Midnight of `ms`'s day in `zone`, and the next one (a DST day may be 23 or 25 hours long). */
export function shopDay (ms: number, zone: string): { startMs: number; nextStartMs: number } {
  const start = DateTime.fromMillis(ms, { zone }).startOf('day')
  return { startMs: start.toMillis(), nextStartMs: start.plus({ days: 1 }).toMillis() }
}

/**
 * Open leads and their deadlines. Deadlines not yet passed wait in a min-heap; a read moves those
 * that passed into the overdue set, so a read costs only the leads that became overdue since the
 * last one. Heap entries of leads that closed or changed deadline are dropped when they surface.
 */
export class OpenLeads {
  private readonly deadlines = new Map<string, number | null>()
  private readonly overdue = new Set<string>()
  private heap: Array<{ atMs: number; leadId: string }> = []

  get open (): number { return this.deadlines.size }

  /** The lead is open with this deadline (null: none). */
  set (leadId: string, deadlineAt: number | null): void {
    if (this.deadlines.has(leadId) && this.deadlines.get(leadId) === deadlineAt) return
    this.deadlines.set(leadId, deadlineAt)
    this.overdue.delete(leadId)
    if (deadlineAt !== null) this.push({ atMs: deadlineAt, leadId })
  }

  close (leadId: string): void {
    this.deadlines.delete(leadId)
    this.overdue.delete(leadId)
  }

  clear (): void {
    this.deadlines.clear()
    this.overdue.clear()
    this.heap = []
  }

  /** Open leads whose deadline is before `nowMs`. */
  overdueAt (nowMs: number): number {
    for (let top = this.heap[0]; top !== undefined && top.atMs < nowMs; top = this.heap[0]) {
      this.pop()
      if (this.deadlines.get(top.leadId) === top.atMs) this.overdue.add(top.leadId)
    }
    return this.overdue.size
  }

  private push (e: { atMs: number; leadId: string }): void {
    const h = this.heap
    h.push(e)
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (h[parent]!.atMs <= h[i]!.atMs) break
      ;[h[parent], h[i]] = [h[i]!, h[parent]!]
      i = parent
    }
  }

  private pop (): void {
    const h = this.heap
    const last = h.pop()!
    if (h.length === 0) return
    h[0] = last
    for (let i = 0; ;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && h[l]!.atMs < h[m]!.atMs) m = l
      if (r < h.length && h[r]!.atMs < h[m]!.atMs) m = r
      if (m === i) break
      ;[h[m], h[i]] = [h[i]!, h[m]!]
      i = m
    }
  }
}
