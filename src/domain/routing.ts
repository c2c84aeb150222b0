// Pure: the routing policy. Given the call, a snapshot of operators and the policy, returns the
// ordered ring steps with the reason for every operator chosen or skipped.
import type { Availability } from './operator-state.js'

export interface OperatorSnapshot {
  operatorId: string
  endpoint: string
  isManager: boolean
  /** categoryId → skill level (higher is better). */
  skills: Readonly<Record<string, number>>
  state: Availability
  stateReason: string
  /** Since when the operator has been free; longest idle wins ties. */
  idleSinceMs: number
  today: { currentCalls: number; answeredCalls: number; talkMs: number; deals: number }
}

export interface CallFacts {
  categoryId: string | null
  /** The customer's last operator and when they last talked. */
  stickyOperatorId: string | null
  lastCallAtMs: number | null
}

export interface RoutingPolicy {
  ringTimeoutSeconds: number
  stickyDays: number
  specialistsFirst: boolean
  anyOperatorStep: boolean
  ringAllStep: boolean
  managerLast: boolean
  /** Most ring steps in one plan, the manager's step included. */
  maxAttempts: number
  /** Weight of today's conversion in the load: higher → good sellers get fewer calls, sales even out. */
  efficiencyWeight: number
}

/** `menu`: whom the caller chose in a voice menu; `queue`: a freed operator rung for a waiting caller. */
export type StepKind = 'sticky' | 'specialist' | 'any' | 'ring_all' | 'manager' | 'menu' | 'queue'

export interface PlanTarget { operatorId: string; endpoint: string }

export interface PlanStep {
  kind: StepKind
  targets: PlanTarget[]
  ringTimeoutSeconds: number
  reasons: string[]
}

export interface RoutingPlan {
  steps: PlanStep[]
  /** Operators not considered, grouped by the reason. */
  skipped: Array<{ reason: string; operatorIds: string[] }>
  reasons: string[]
}

const dayMs = 86_400_000
/** Talk minutes that weigh as much as one answered call in the load. */
const talkMinutesPerCall = 3

/** Load used to balance operators: lower is served first. */
export function operatorLoad (op: OperatorSnapshot, efficiencyWeight: number): number {
  const { currentCalls, answeredCalls, talkMs, deals } = op.today
  const conversion = answeredCalls > 0 ? deals / answeredCalls : 0
  return currentCalls * 100 + answeredCalls + talkMs / 60_000 / talkMinutesPerCall + efficiencyWeight * conversion * 10
}

/**
 * `at`: the operator's index in the snapshot. A class, not an object literal: a load is a small
 * integer for some operators and a fraction for others, and V8 compiled a literal's field as an
 * integer again after every deoptimisation, so offer() and plan() fell back to the interpreter
 * again and again in a running daemon (--trace-deopt: "not a Smi" on the same store, call after call).
 */
class Ranked {
  constructor (readonly op: OperatorSnapshot, readonly at: number, readonly load: number, readonly level: number) {}
}

function compareRanked (a: Ranked, b: Ranked): number {
  return b.level - a.level || a.load - b.load || a.op.idleSinceMs - b.op.idleSinceMs || (a.op.operatorId < b.op.operatorId ? -1 : 1)
}

/**
 * The k best candidates in order, without sorting them all: k is a handful, candidates may be
 * thousands, and plan() runs on every call. Only candidates that enter the top k are allocated.
 */
class TopK {
  readonly best: Ranked[] = []
  constructor (private readonly k: number) {}
  offer (op: OperatorSnapshot, at: number, load: number, level: number): void {
    const { best, k } = this
    if (k <= 0) return
    if (best.length === k) {
      const worst = best[k - 1]!
      if ((worst.level - level || load - worst.load || op.idleSinceMs - worst.op.idleSinceMs || (op.operatorId < worst.op.operatorId ? -1 : 1)) >= 0) return
    }
    const r = new Ranked(op, at, load, level)
    let i = best.length === k ? k - 1 : best.length
    while (i > 0 && compareRanked(r, best[i - 1]!) < 0) { best[i] = best[i - 1]!; i-- }
    best[i] = r
  }
}

const fmt = (n: number): string => (Math.round(n * 100) / 100).toString()

export function plan (call: CallFacts, operators: readonly OperatorSnapshot[], policy: RoutingPolicy, nowMs: number): RoutingPlan {
  const steps: PlanStep[] = []
  const skippedByReason = new Map<string, string[]>()
  const reasons: string[] = []
  // Who is in the plan already, by index in `operators`: asked of every free operator, a mark
  // costs no hashing of the operator's id (a fifth of plan() with 1,000 operators).
  const planned = new Uint8Array(operators.length)
  const timeout = policy.ringTimeoutSeconds
  // Indexes into `operators` and their loads: typed arrays keep plan() nearly allocation-free.
  const availableIdx = new Int32Array(operators.length)
  const loads = new Float64Array(operators.length)
  let availableCount = 0
  const managers: number[] = []

  for (let i = 0; i < operators.length; i++) {
    const op = operators[i]!
    if (op.isManager) managers.push(i)
    if (op.state !== 'available') {
      const group = skippedByReason.get(op.stateReason)
      if (group) group.push(op.operatorId)
      else skippedByReason.set(op.stateReason, [op.operatorId])
    } else if (!op.isManager) {
      availableIdx[availableCount] = i
      loads[availableCount++] = operatorLoad(op, policy.efficiencyWeight)
    }
  }
  const availableAt = (n: number): OperatorSnapshot => operators[availableIdx[n]!]!
  const managerAvailable = policy.managerLast && managers.some((m) => operators[m]!.state === 'available')
  const budget = Math.max(1, policy.maxAttempts - (managerAvailable ? 1 : 0))
  const idleFor = (op: OperatorSnapshot): string => `idle ${Math.max(0, Math.round((nowMs - op.idleSinceMs) / 1000))} s`
  const addSingle = (kind: StepKind, r: Ranked, why: string): void => {
    planned[r.at] = 1
    steps.push({ kind, targets: [{ operatorId: r.op.operatorId, endpoint: r.op.endpoint }], ringTimeoutSeconds: timeout, reasons: [why] })
  }

  // 1. The customer's own operator, whichever number they dialled.
  if (call.stickyOperatorId !== null) {
    const ageMs = call.lastCallAtMs === null ? Infinity : nowMs - call.lastCallAtMs
    const stickyAt = operators.findIndex((o) => o.operatorId === call.stickyOperatorId)
    const sticky = stickyAt < 0 ? undefined : operators[stickyAt]!
    if (ageMs > policy.stickyDays * dayMs) {
      reasons.push(`last operator ${call.stickyOperatorId} not preferred: last call over ${policy.stickyDays} days ago`)
    } else if (sticky === undefined) {
      reasons.push(`last operator ${call.stickyOperatorId} no longer works here`)
    } else if (sticky.state !== 'available') {
      reasons.push(`last operator ${sticky.operatorId} not rung first: ${sticky.stateReason}`)
    } else {
      planned[stickyAt] = 1
      steps.push({
        kind: 'sticky',
        targets: [{ operatorId: sticky.operatorId, endpoint: sticky.endpoint }],
        ringTimeoutSeconds: timeout,
        reasons: [`${sticky.operatorId}: served this customer ${Math.round(ageMs / dayMs)} days ago`]
      })
    }
  }

  // 2. Specialists for the number's category: best skill first, then least loaded.
  const category = call.categoryId
  if (policy.specialistsFirst && category !== null) {
    const top = new TopK(budget - steps.length)
    let found = 0
    for (let i = 0; i < availableCount; i++) {
      const op = availableAt(i)
      const level = op.skills[category] ?? 0
      if (level > 0 && planned[availableIdx[i]!] === 0) { found++; top.offer(op, availableIdx[i]!, loads[i]!, level) }
    }
    if (found === 0) reasons.push(`no free specialist for ${category}`)
    for (const r of top.best) {
      addSingle('specialist', r, `${r.op.operatorId}: specialist for ${category} (level ${r.level}), load ${fmt(r.load)}, ${idleFor(r.op)}`)
    }
  }

  // 3. Anyone free, least loaded first.
  if (policy.anyOperatorStep) {
    const top = new TopK(budget - steps.length)
    for (let i = 0; i < availableCount; i++) {
      if (planned[availableIdx[i]!] === 0) top.offer(availableAt(i), availableIdx[i]!, loads[i]!, 0)
    }
    for (const r of top.best) {
      addSingle('any', r, `${r.op.operatorId}: free, load ${fmt(r.load)}, ${idleFor(r.op)}`)
    }
  }

  // 4. Everyone free at once, as a last chance before the manager.
  if (policy.ringAllStep && availableCount > 1 && steps.length < budget) {
    const all = Array.from({ length: availableCount }, (_, i) => new Ranked(availableAt(i), availableIdx[i]!, loads[i]!, 0)).sort(compareRanked)
    steps.push({
      kind: 'ring_all',
      targets: all.map((r) => ({ operatorId: r.op.operatorId, endpoint: r.op.endpoint })),
      ringTimeoutSeconds: timeout,
      reasons: [`ring all ${all.length} free operators at once`]
    })
    for (const r of all) planned[r.at] = 1
  }

  let notPlanned = 0
  for (let i = 0; i < availableCount; i++) if (planned[availableIdx[i]!] === 0) notPlanned++
  if (notPlanned > 0) reasons.push(`${notPlanned} more free operators not planned: at most ${policy.maxAttempts} attempts`)

  // 5. The manager (sales director) last.
  if (policy.managerLast) {
    const manager = managers.filter((m) => operators[m]!.state === 'available' && planned[m] === 0).map((m) => operators[m]!).sort((a, b) => a.idleSinceMs - b.idleSinceMs)[0]
    if (manager !== undefined) {
      steps.push({
        kind: 'manager',
        targets: [{ operatorId: manager.operatorId, endpoint: manager.endpoint }],
        ringTimeoutSeconds: timeout,
        reasons: [`${manager.operatorId}: manager, last in the chain`]
      })
    } else {
      reasons.push(managers.length === 0 ? 'no manager configured' : 'no manager free')
    }
  }

  if (steps.length === 0) reasons.push('nobody free to ring')
  const skipped: RoutingPlan['skipped'] = []
  for (const [reason, operatorIds] of skippedByReason) skipped.push({ reason, operatorIds })
  return { steps, skipped, reasons }
}

/** Above this many categories the objects would leave V8's fast mode: kept as they are. */
const maxShapedCategories = 500

/**
 * Every operator's skills as objects of one shape: every category any of them has, in one order,
 * 0 where the operator has none (0 is no skill to plan() and to the waiting line). plan() reads
 * `skills[category]` of every free operator on every call; on objects of one shape that is one
 * cached lookup, on objects of many shapes a search each: 0.12 → 0.03 ms a plan with 1,000 operators.
 */
export function skillsOfOneShape (all: ReadonlyArray<Readonly<Record<string, number>>>): Array<Readonly<Record<string, number>>> {
  const categories = [...new Set(all.flatMap((skills) => Object.keys(skills)))].sort()
  if (categories.length > maxShapedCategories) return [...all]
  return all.map((skills) => {
    const shaped: Record<string, number> = {}
    for (const c of categories) shaped[c] = skills[c] ?? 0
    return shaped
  })
}

/** Overlay a partial policy (from a tracking number or category) onto the base. */
export function mergePolicy (base: RoutingPolicy, ...overrides: Array<Partial<RoutingPolicy> | null | undefined>): RoutingPolicy {
  let out = base
  for (const o of overrides) if (o) out = { ...out, ...o }
  return out
}

/** Whom a caller picked in a voice menu: one operator, or a group rung together. */
export type MenuPick = { kind: 'operator'; operatorId: string } | { kind: 'group'; operatorIds: readonly string[] }

/**
 * The plan after a voice-menu pick: the picked operators who are free ring first, together, and
 * leave the later steps; when none of them is free the usual plan stands, and says so.
 */
export function applyMenuPick (route: RoutingPlan, pick: MenuPick, operators: readonly OperatorSnapshot[], ringTimeoutSeconds: number): RoutingPlan {
  const wanted = pick.kind === 'operator' ? [pick.operatorId] : pick.operatorIds
  const free = operators.filter((o) => wanted.includes(o.operatorId) && o.state === 'available')
  const label = `chosen in the voice menu: ${wanted.join('+')}`
  if (free.length === 0) return { ...route, reasons: [`${label}, but none of them is free: the usual plan`, ...route.reasons] }
  const chosen = new Set(free.map((o) => o.operatorId))
  const rest = route.steps
    .map((step) => ({ ...step, targets: step.targets.filter((t) => !chosen.has(t.operatorId)) }))
    .filter((step) => step.targets.length > 0)
  const first: PlanStep = { kind: 'menu', targets: free.map((o) => ({ operatorId: o.operatorId, endpoint: o.endpoint })), ringTimeoutSeconds, reasons: [label] }
  return { ...route, steps: [first, ...rest] }
}
