// Domain events other parts subscribe to. Plain data: ids, numbers, times.
import type { Availability } from './operator-state.js'

export interface CallEnded {
  callId: string
  direction: 'inbound' | 'outbound'
  /** callback: the caller asked to be called back (voice menu, or while waiting) and was let go. */
  status: 'answered' | 'missed' | 'abandoned' | 'callback' | 'interrupted' | 'failed'
  callerPhone: string | null
  callerRaw: string
  customerId: string | null
  did: string
  source: string | null
  categoryId: string | null
  /** Attribution of a pool number's visit: utm_campaign and every utm field; null without a visit. */
  campaign?: string | null
  utm?: Record<string, string> | null
  answeredBy: string | null
  /** Operators rung, in order, with their results. */
  attempts: Array<{ operatorId: string; result: string }>
  startedAt: number
  answeredAt: number | null
  endedAt: number
  ringMs: number
  talkMs: number
  hangupBy: 'caller' | 'operator' | 'system' | null
  recordings: Array<{ kind: 'mixed' | 'caller' | 'operator'; name: string }>
  /** The voice-menu choices the caller made (`menu:key`…). */
  menuPath: string[]
  /** How long the caller waited for a free operator; null when they did not wait. */
  waitMs: number | null
  endReason: string | null
  /** Outbound calls: the lead the call was made for, when it was made for one. */
  leadId?: string | null
  /**
   * Outbound calls: the customer's number as dialled. For outbound calls `callerRaw` is the
   * operator's endpoint and `did` the number dialled.
   */
  dialledPhone?: string | null
  /**
   * Cut by a restart while the caller was still on the line: they were routed again as a new call,
   * which makes their lead.
   */
  continued?: boolean
}

/** An operator's phone starts ringing for a call (the console pops the customer's card). */
export interface CallOffered {
  callId: string
  operatorId: string
  customerId: string | null
  direction: 'inbound' | 'outbound'
}

export interface CallStarted {
  callId: string
  callerPhone: string | null
  did: string
  source: string | null
  categoryId: string | null
  startedAt: number
}

export interface OperatorStateChanged {
  operatorId: string
  state: string
  reason: string
  atMs: number
}

/**
 * An operator as the wallboard shows them. While paused, `sinceMs` is when the pause began and
 * `pausedReason` why (a configured reason code, or free text from the API); `skills` are the
 * categories they take calls for (the board's view per category).
 */
export interface OperatorView { operatorId: string; name: string; endpoint: string; state: Availability; reason: string; sinceMs: number; pausedReason?: string | null; skills?: string[] }

/** A caller waiting for a free operator, in serving order. */
export interface WaitingCaller {
  callId: string
  callerPhone: string | null
  categoryId: string | null
  returning: boolean
  arrivedAt: number
  /** The operator being rung for this caller right now. */
  ringingOperatorId: string | null
}

/** A waiting caller as the wallboard and the API show them. */
export interface WaitingView extends WaitingCaller { position: number; waitedMs: number }

/** The line of waiting callers changed: someone joined or left. */
export interface QueueChanged { waiting: number; callers: WaitingCaller[] }

/** The line as shown at `nowMs`. */
export function waitingViews (callers: readonly WaitingCaller[], nowMs: number): WaitingView[] {
  // Spelled out: `{ ...c, position, waitedMs }` made a new hidden class for every view (V8 11), and a
  // long line is viewed again at each change of it.
  return callers.map((c, i) => ({
    callId: c.callId, callerPhone: c.callerPhone, categoryId: c.categoryId, returning: c.returning, arrivedAt: c.arrivedAt,
    ringingOperatorId: c.ringingOperatorId, position: i + 1, waitedMs: Math.max(0, nowMs - c.arrivedAt)
  }))
}
