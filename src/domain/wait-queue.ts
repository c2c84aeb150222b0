// Pure: callers waiting when nobody is free. Who waits at all, who is served first, which waiting
// caller a freed operator takes, and what a caller is told about their wait.
import type { OperatorSnapshot, RoutingPolicy } from './routing.js'

export interface WaitingCall {
  callId: string
  arrivedAtMs: number
  /** A customer who has called before: served first when the policy says so. */
  returning: boolean
  categoryId: string | null
  stickyOperatorId: string | null
  /** A menu sent the caller to these operators only (a person or a group). */
  onlyOperatorIds: readonly string[] | null
  /** Operators rung for this call from the queue who did not answer: not offered it again. */
  triedOperatorIds: ReadonlySet<string>
}

export interface QueuePolicy {
  /** Returning customers go ahead of new ones; among each, first come first served. */
  priorityReturning: boolean
}

/** Whether `a` is served before `b`. */
export function servedBefore (a: WaitingCall, b: WaitingCall, q: QueuePolicy): boolean {
  if (q.priorityReturning && a.returning !== b.returning) return a.returning
  return a.arrivedAtMs < b.arrivedAtMs || (a.arrivedAtMs === b.arrivedAtMs && a.callId < b.callId)
}

/** Where a new caller goes in a list kept in serving order (binary search: the list can be long). */
export function insertionIndex (ordered: readonly WaitingCall[], call: WaitingCall, q: QueuePolicy): number {
  let lo = 0
  let hi = ordered.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (servedBefore(ordered[mid]!, call, q)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Whether the operator may take this call: what the call's plan would have allowed had they been
 * free. A named operator or group takes only its own callers; a category call with specialists
 * first and no "anyone" step needs a specialist; the manager takes a waiting call only when the
 * policy ends plans with the manager.
 */
export function fits (call: WaitingCall, op: OperatorSnapshot, policy: RoutingPolicy): boolean {
  if (call.triedOperatorIds.has(op.operatorId)) return false
  if (call.onlyOperatorIds !== null) return call.onlyOperatorIds.includes(op.operatorId)
  if (call.stickyOperatorId === op.operatorId) return true
  if (op.isManager) return policy.managerLast
  if (call.categoryId !== null && policy.specialistsFirst && !policy.anyOperatorStep && !policy.ringAllStep) {
    return (op.skills[call.categoryId] ?? 0) > 0
  }
  return policy.specialistsFirst || policy.anyOperatorStep || policy.ringAllStep
}

/**
 * The waiting caller a freed operator should take: the first in serving order (`ordered`) that is
 * free to be offered and that the operator fits.
 */
export function pickCallFor (op: OperatorSnapshot, ordered: readonly WaitingCall[], policyOf: (call: WaitingCall) => RoutingPolicy, offerable: (call: WaitingCall) => boolean): WaitingCall | null {
  if (op.state !== 'available') return null
  for (const call of ordered) if (offerable(call) && fits(call, op, policyOf(call))) return call
  return null
}

export type WaitVerdict = { wait: true; reason: string } | { wait: false; reason: string }

/**
 * Whether a caller nobody answered should wait: only when someone who could take the call is at
 * work but busy (talking, ringing, in wrap-up). With everyone paused or logged out, waiting would
 * be for nobody.
 */
export function shouldWait (call: WaitingCall, operators: readonly OperatorSnapshot[], policy: RoutingPolicy): WaitVerdict {
  let busy = 0
  for (const op of operators) {
    if (op.state !== 'talking' && op.state !== 'ringing' && op.state !== 'wrap_up') continue
    if (fits(call, { ...op, state: 'available' }, policy)) busy++
  }
  if (busy > 0) return { wait: true, reason: `${busy} operator${busy === 1 ? '' : 's'} who can take the call ${busy === 1 ? 'is' : 'are'} busy` }
  return { wait: false, reason: 'nobody who can take the call is at work' }
}

/**
 * An operator free now who may take this caller (idle longest first), or null. A caller is rung
 * through to them rather than answered into the waiting line.
 */
export function freeOperatorFor (call: WaitingCall, operators: readonly OperatorSnapshot[], policy: RoutingPolicy): OperatorSnapshot | null {
  let best: OperatorSnapshot | null = null
  for (const op of operators) {
    if (op.state !== 'available' || !fits(call, op, policy)) continue
    if (best === null || op.idleSinceMs < best.idleSinceMs) best = op
  }
  return best
}

/**
 * Expected wait in whole minutes (at least 1) for the caller at `position` (1-based), from the
 * average handling time and how many operators can serve them.
 */
export function expectedWaitMinutes (position: number, averageHandleMs: number, serving: number): number {
  const perCaller = averageHandleMs / Math.max(1, serving)
  return Math.max(1, Math.ceil((position * perCaller) / 60_000))
}

/** 1-based position of a call in serving order; 0 when it is not waiting. */
export function positionOf (ordered: readonly WaitingCall[], callId: string): number {
  const i = ordered.findIndex((c) => c.callId === callId)
  return i < 0 ? 0 : i + 1
}
