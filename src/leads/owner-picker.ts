// Who owns a lead that did not come with one: the operator the call routing would ring first now.
import type { CallsRepo } from '../db/calls-repo.js'
import { plan, type OperatorSnapshot, type RoutingPolicy } from '../domain/routing.js'
import type { OwnerPicker } from './lead-service.js'

/** States that do not stop someone from owning a lead, only from taking a call this second. */
const busyNow = new Set(['talking', 'ringing', 'wrap_up'])

/** `operators`: the routing snapshot of every operator at a moment (the call layer's board). */
export function ownerPicker (operators: (nowMs: number) => readonly OperatorSnapshot[], calls: CallsRepo, policy: RoutingPolicy, now: () => number): OwnerPicker {
  return ({ categoryId, phone, exclude = [] }) => {
    const customer = phone ? calls.customerByPhone(phone) : null
    const facts = { categoryId, stickyOperatorId: customer?.lastOperatorId ?? null, lastCallAtMs: customer?.lastCallAt ?? null }
    const t = now()
    const snapshot = operators(t).filter((o) => !exclude.includes(o.operatorId))
    const first = (p: ReturnType<typeof plan>): string | undefined => p.steps[0]?.targets[0]?.operatorId
    const free = plan(facts, snapshot, { ...policy, ringAllStep: false }, t)
    const pick = first(free)
    if (pick) return { operatorId: pick, reasons: free.steps[0]!.reasons }
    // Nobody free this second: owners are chosen among everyone working (not paused or away).
    const working: OperatorSnapshot[] = snapshot.map((o) => busyNow.has(o.state) ? { ...o, state: 'available', stateReason: 'free' } : o)
    const later = plan(facts, working, { ...policy, ringAllStep: false }, t)
    const second = first(later)
    if (second) return { operatorId: second, reasons: ['nobody free right now', ...later.steps[0]!.reasons] }
    return null
  }
}
