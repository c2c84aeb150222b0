// Pure: whom an SLA ladder call rings and on which phone, and what the call layer is asked and
// answers for such a call.
import type { StepOutcome } from './escalation.js'

/** A person the ladder may ring, with their presence on the operator board (undefined: not on it). */
export interface LadderPerson { operatorId: string; endpoint: string; mobile: string | null; state: string | undefined }

export type CalleeDecision =
  | { kind: 'call'; operatorId: string; dialString: string; reasons: string[] }
  | { kind: 'skip'; problem: string; reasons: string[] }

/**
 * The owner for the owner's call; for the manager's call the first free manager, else the first
 * manager. A phone that is not registered is reached on the person's mobile through the trunk,
 * when they have one and a mobile dial string is set (`{number}`: the number without its plus).
 */
export function chooseEscalationCallee (step: 'owner_call' | 'manager_call', owner: LadderPerson | undefined, managers: readonly LadderPerson[], mobileDialString: string): CalleeDecision {
  const reasons: string[] = []
  let who: LadderPerson | undefined
  if (step === 'owner_call') {
    if (owner === undefined) return { kind: 'skip', problem: 'the lead has no owner', reasons: ['no owner to call'] }
    who = owner
    reasons.push(`${owner.operatorId}: owns the lead`)
  } else {
    for (const m of managers) if (m.state !== 'available') reasons.push(`${m.operatorId}: ${m.state ?? 'not on the board'}`)
    const free = managers.find((m) => m.state === 'available')
    who = free ?? managers[0]
    if (who === undefined) return { kind: 'skip', problem: 'no manager configured', reasons: ['no manager configured'] }
    reasons.push(free ? `${who.operatorId}: free manager` : `${who.operatorId}: no manager free, the first one`)
  }
  if (who.state === 'unregistered' && who.mobile && mobileDialString) {
    reasons.push(`${who.operatorId}: phone not registered, calling the mobile`)
    return { kind: 'call', operatorId: who.operatorId, dialString: mobileDialString.replace('{number}', who.mobile.replace(/^\+/, '')), reasons }
  }
  return { kind: 'call', operatorId: who.operatorId, dialString: who.endpoint, reasons }
}

/** What the ladder asks of the call layer: ring one person about one lead. */
export interface EscalationCallRequest {
  leadId: string
  escalationId: string
  operatorId: string
  dialString: string
  leadName: string | null
  /** The customer's number, digits only; empty when the lead has none (no key 1 then). */
  customerNumber: string
  /** The lead's response deadline: the summary says how long ago it passed. */
  deadlineAt: number | null
  /** A manager may press 2 to give the lead to someone else. */
  canReassign: boolean
  /** Key 2: the lead is given to someone else now; a problem when nobody else can take it. */
  reassign: () => { newOwnerId: string } | { problem: string }
  /** The person and the customer were just bridged: the lead has its response. */
  connected: () => void
}

/** How the call went, in the ladder's words, and facts for the lead's history. */
export interface EscalationCallResult { outcome: StepOutcome; detail: Record<string, unknown> }

/** The call layer's outbound leg for the ladder. */
export interface EscalationLine { call: (req: EscalationCallRequest) => Promise<EscalationCallResult> }
