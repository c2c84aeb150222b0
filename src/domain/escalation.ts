// Pure: the SLA ladder. Which step is due when, and what follows a step's outcome.
import { addWorkingTime, nextWorkingMoment, type WorkingCalendar } from './sla-clock.js'

export type LadderStep = 'reminder' | 'owner_call' | 'manager_call' | 'follow_up'

export interface LadderPolicy {
  reminderBeforeMinutes: number
  ownerCallRetries: number
  retryEveryMinutes: number
  managerGraceMinutes: number
}

export interface PlannedStep { step: LadderStep; dueAt: number; attempt: number }

/** The first steps of a new open lead: a reminder before the deadline and the call at it. */
export function initialLadder (deadlineMs: number, createdMs: number, policy: LadderPolicy, cal: WorkingCalendar): PlannedStep[] {
  const steps: PlannedStep[] = []
  const reminderAt = deadlineMs - policy.reminderBeforeMinutes * 60_000
  if (policy.reminderBeforeMinutes > 0 && reminderAt > createdMs) steps.push({ step: 'reminder', dueAt: nextWorkingMoment(cal, reminderAt), attempt: 0 })
  steps.push({ step: 'owner_call', dueAt: nextWorkingMoment(cal, deadlineMs), attempt: 0 })
  return steps
}

/** Outcome of a phone step. `connected`: the person pressed 1 and was bridged to the customer. */
export type StepOutcome = 'sent' | 'connected' | 'reassigned' | 'no_answer' | 'no_key' | 'failed' | 'skipped'

export type LadderDecision =
  | { kind: 'done'; reason: string }
  | { kind: 'next'; step: PlannedStep; reason: string }

/** After a step ran: retry, climb to the manager, or stop. */
export function decideAfterStep (ran: PlannedStep, outcome: StepOutcome, deadlineMs: number, nowMs: number, policy: LadderPolicy, cal: WorkingCalendar): LadderDecision {
  const managerAt = (): number => nextWorkingMoment(cal, Math.max(nowMs, addWorkingTime(cal, deadlineMs, policy.managerGraceMinutes * 60_000)))
  switch (ran.step) {
    case 'reminder':
      return { kind: 'done', reason: 'reminder sent; the call to the owner stays due at the deadline' }
    case 'follow_up':
      return { kind: 'done', reason: 'follow-up task handed to the owner' }
    case 'owner_call':
      if (outcome === 'connected') return { kind: 'done', reason: 'owner called the customer' }
      if (ran.attempt < policy.ownerCallRetries) {
        const retryAt = nextWorkingMoment(cal, addWorkingTime(cal, nowMs, policy.retryEveryMinutes * 60_000))
        if (retryAt < managerAt()) {
          return { kind: 'next', step: { step: 'owner_call', dueAt: retryAt, attempt: ran.attempt + 1 }, reason: `owner ${outcome}: calling again (attempt ${ran.attempt + 2})` }
        }
      }
      return { kind: 'next', step: { step: 'manager_call', dueAt: managerAt(), attempt: 0 }, reason: `owner ${outcome}: the manager is next` }
    case 'manager_call':
      if (outcome === 'connected' || outcome === 'reassigned') return { kind: 'done', reason: `manager ${outcome === 'connected' ? 'called the customer' : 'reassigned the lead'}` }
      if (ran.attempt < policy.ownerCallRetries) {
        return { kind: 'next', step: { step: 'manager_call', dueAt: nextWorkingMoment(cal, addWorkingTime(cal, nowMs, policy.retryEveryMinutes * 60_000)), attempt: ran.attempt + 1 }, reason: `manager ${outcome}: calling again` }
      }
      return { kind: 'done', reason: `manager ${outcome} after ${ran.attempt + 1} calls: the lead stays overdue and flagged` }
  }
}
