// Step: the routing plan and its ring steps. The number's (or the menu's) category and policy
// decide the plan; an operator or group picked in the menu rings first.
import { applyMenuPick, mergePolicy, plan, type RoutingPlan } from '../../domain/routing.js'
import type { CallContext, OperatorLeg } from '../call-context.js'
import { ringStep } from './ring-step.js'

export function planRoute (ctx: CallContext): RoutingPlan {
  const { repo, board, settings } = ctx.deps
  const facts = ctx.facts
  const choice = facts.menuChoice
  const menuCategory = choice?.kind === 'category' ? choice.categoryId : null
  const categoryPolicy = menuCategory !== null && menuCategory !== facts.tracking?.categoryId
    ? repo.categoryPolicy(menuCategory)
    : facts.tracking?.categoryPolicy
  const policy = mergePolicy(settings.basePolicy, categoryPolicy, facts.tracking?.numberPolicy)
  facts.policy = policy
  const now = ctx.now()
  const operators = board.snapshot(now)
  let route = plan({
    categoryId: facts.categoryId,
    stickyOperatorId: facts.customer?.lastOperatorId ?? null,
    lastCallAtMs: facts.customer?.lastCallAt ?? null
  }, operators, policy, now)
  if (choice?.kind === 'operator' || choice?.kind === 'group') route = applyMenuPick(route, choice, operators, policy.ringTimeoutSeconds)
  return route
}

/** Logged once the first ring has left: the log is no part of the set-up. */
export function logRoute (ctx: CallContext, route: RoutingPlan): void {
  ctx.log.info({ steps: route.steps.map((s) => `${s.kind}:${s.targets.map((t) => t.operatorId).join('+')}`), reasons: route.reasons }, 'route planned')
}

/** Rings the plan's steps in order until an operator answers; null when none did or the caller left. */
export async function ringPlan (ctx: CallContext, route: RoutingPlan): Promise<OperatorLeg | null> {
  for (const step of route.steps) {
    if (ctx.isOver) return null
    const operator = await ringStep(ctx, step)
    if (operator) return operator
  }
  return null
}
