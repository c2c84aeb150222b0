// Step: the voice menu. Plays the menu of the number the caller dialled and follows their keys
// until it leads somewhere: routing (maybe to a category, an operator or a group) or a callback.
import { answerMenu, enterMenu, validDigits, type MenuStep } from '../../domain/ivr.js'
import type { CallContext } from '../call-context.js'

/** The menu callers on this number hear, if any. */
export function menuOf (ctx: CallContext): string | null {
  const menus = ctx.deps.menus
  if (!menus) return null
  const own = ctx.facts.tracking?.menuId ?? null
  const id = own ?? menus.defaultMenuId()
  if (id !== null && !menus.all().has(id)) {
    ctx.facts.warnings.push(`menu ${id} not found: no menu`)
    return null
  }
  return id
}

/** Plays the menu and follows the caller's keys until it leads somewhere. */
export async function walkMenu (ctx: CallContext, menuId: string): Promise<void> {
  const menus = ctx.deps.menus!.all()
  const working = ctx.deps.isWorkingTime?.(ctx.now()) ?? true
  const facts = ctx.facts
  facts.menuEntered = true
  if (!await ctx.caller.answer()) return
  const keys = ctx.caller.keys()
  try {
    let step: MenuStep = enterMenu(menus, menuId, working)
    while (step.kind === 'ask') {
      const invalid = step.walk.path.at(-1)?.endsWith(':invalid') === true
      const media = invalid ? ['sound:ringlead/invalid-key', ...step.media] : step.media
      const key = await keys.ask(media, validDigits, step.timeoutSeconds * 1000)
      if (ctx.isOver) {
        facts.menuPath = step.walk.path
        return
      }
      step = answerMenu(menus, step.walk, key === null ? { kind: 'timeout' } : { kind: 'key', digit: key }, working)
    }
    facts.menuPath = step.path
    ctx.log.info({ path: step.path, action: step.action, reason: step.reason }, 'voice menu done')
    facts.menuChoice = step.action
    if (step.action.kind === 'callback' && !facts.callerPhone) {
      // Nobody could call back a hidden number: route the call instead.
      facts.warnings.push('callback chosen in the menu, but the caller\'s number is unknown: routed instead')
      facts.menuChoice = { kind: 'route' }
    }
    if (step.action.kind === 'category') facts.categoryId = step.action.categoryId
  } finally {
    keys.dispose()
  }
}
