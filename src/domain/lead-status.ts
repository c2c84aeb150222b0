// Pure: the lead status matrix. Statuses, allowed transitions and per-status time limits are data.

export interface StatusDef {
  /** Open leads count toward the SLA and can be escalated. */
  open: boolean
  /** Time in this status past which the lead is flagged. */
  limitMinutes?: number
  /** Moving into this status is a response to the customer (stops the SLA clock). */
  isResponse?: boolean
  /** This status needs a reason (e.g. refusal). */
  needsReason?: boolean
  /** This status needs a follow-up date. */
  needsFollowUp?: boolean
}

export interface StatusMatrix {
  initial: string
  statuses: Record<string, StatusDef>
  transitions: Record<string, readonly string[]>
}

export const defaultStatusMatrix: StatusMatrix = {
  initial: 'new',
  statuses: {
    new: { open: true, limitMinutes: 40 },
    in_progress: { open: true, limitMinutes: 24 * 60, isResponse: true },
    callback_scheduled: { open: true, isResponse: true, needsFollowUp: true },
    deal: { open: false, isResponse: true },
    refused: { open: false, isResponse: true, needsReason: true },
    closed: { open: false }
  },
  transitions: {
    new: ['in_progress', 'deal', 'refused', 'callback_scheduled', 'closed'],
    in_progress: ['deal', 'refused', 'callback_scheduled', 'closed'],
    callback_scheduled: ['in_progress', 'deal', 'refused', 'closed'],
    deal: ['closed'],
    refused: ['closed', 'in_progress'],
    closed: []
  }
}

export type TransitionDecision =
  | { ok: true; isResponse: boolean; closes: boolean }
  | { ok: false; problem: string }

export function decideTransition (m: StatusMatrix, from: string, to: string, given: { reason?: string | null; followUpAt?: number | null; refusalReasons?: readonly string[] }): TransitionDecision {
  if (!(to in m.statuses)) return { ok: false, problem: `unknown status "${to}" (known: ${Object.keys(m.statuses).join(', ')})` }
  if (from === to) return { ok: false, problem: `lead is already ${to}` }
  if (!(m.transitions[from] ?? []).includes(to)) {
    const allowed = m.transitions[from] ?? []
    return { ok: false, problem: `lead cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}` }
  }
  const def = m.statuses[to]!
  if (def.needsReason) {
    if (!given.reason) return { ok: false, problem: `status ${to} needs a reason` }
    if (given.refusalReasons && given.refusalReasons.length > 0 && !given.refusalReasons.includes(given.reason)) {
      return { ok: false, problem: `reason "${given.reason}" is not one of ${given.refusalReasons.join(', ')}` }
    }
  }
  if (def.needsFollowUp && !given.followUpAt) return { ok: false, problem: `status ${to} needs a follow-up date` }
  return { ok: true, isResponse: def.isResponse === true, closes: !def.open }
}

/** Whether the lead has sat in its status longer than the matrix allows. */
export function isOverdueInStatus (m: StatusMatrix, status: string, sinceMs: number, nowMs: number): boolean {
  const limit = m.statuses[status]?.limitMinutes
  return limit !== undefined && nowMs - sinceMs > limit * 60_000
}

/** Checks a matrix given as configuration; returns the problems found. */
export function checkStatusMatrix (m: StatusMatrix): string[] {
  const problems: string[] = []
  if (!(m.initial in m.statuses)) problems.push(`initial status "${m.initial}" is not a status`)
  for (const [from, tos] of Object.entries(m.transitions)) {
    if (!(from in m.statuses)) problems.push(`transitions from unknown status "${from}"`)
    for (const to of tos) if (!(to in m.statuses)) problems.push(`transition ${from} → unknown status "${to}"`)
  }
  if (!Object.values(m.statuses).some((s) => !s.open)) problems.push('no closed status')
  return problems
}
