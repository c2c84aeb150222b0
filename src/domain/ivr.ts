// Pure: voice menus as data. Which menu a call gets, what a key (or silence) leads to, and whether a
// set of menus is sound before it is saved.

/** Where a key, a timeout or the night leads. */
export type MenuAction =
  | { kind: 'route' }
  | { kind: 'category'; categoryId: string }
  | { kind: 'menu'; menuId: string }
  | { kind: 'operator'; operatorId: string }
  | { kind: 'group'; operatorIds: string[] }
  | { kind: 'callback' }

export interface Menu {
  menuId: string
  name: string
  /** Played once when the caller enters the menu (media URIs: sound:…, recording:…). */
  greeting: string[]
  /** The choices, played on entry and on every repeat. */
  prompt: string[]
  /** Digit → action. */
  options: Record<string, MenuAction>
  /** How long to wait for a key after the prompt. */
  timeoutSeconds: number
  /** How many times the prompt is played again after silence or a wrong key, before the default. */
  repeats: number
  /** Where the caller goes after the last repeat. */
  defaultAction: MenuAction
  /** Outside working hours the caller goes here instead of hearing this menu (e.g. a callback, or a night menu). */
  afterHours: MenuAction | null
}

export type MenuInput = { kind: 'key'; digit: string } | { kind: 'timeout' }

/** What the call does next while in a menu. */
export type MenuStep =
  | { kind: 'ask'; media: string[]; timeoutSeconds: number; walk: MenuWalk }
  | { kind: 'done'; action: Exclude<MenuAction, { kind: 'menu' }>; path: string[]; reason: string }

export interface MenuWalk {
  menuId: string
  /** Prompts played in the current menu so far (1 on entry). */
  tries: number
  /** `menu:key` for every choice the caller made, `menu:timeout` / `menu:invalid` for the rest. */
  path: string[]
  /** Menus entered, to stop a menu loop from keeping a caller forever. */
  entered: number
}

/** A caller never walks more menus than this: a loop in the data ends at the default route. */
export const maxMenusEntered = 10

export const validDigits = '0123456789*#'

/** The menu a call meets first: outside working hours its after-hours action decides instead. */
export function enterMenu (menus: ReadonlyMap<string, Menu>, menuId: string, workingNow: boolean): MenuStep {
  return follow(menus, { kind: 'menu', menuId }, { menuId, tries: 0, path: [], entered: 0 }, workingNow)
}

/** The next step after a key or silence in `walk`'s menu. */
export function answerMenu (menus: ReadonlyMap<string, Menu>, walk: MenuWalk, input: MenuInput, workingNow: boolean): MenuStep {
  const menu = menus.get(walk.menuId)
  if (!menu) return { kind: 'done', action: { kind: 'route' }, path: walk.path, reason: `menu ${walk.menuId} no longer exists: default route` }
  const chosen = input.kind === 'key' ? menu.options[input.digit] : undefined
  if (input.kind === 'key' && chosen) {
    return follow(menus, chosen, { ...walk, path: [...walk.path, `${menu.menuId}:${input.digit}`] }, workingNow)
  }
  const what = input.kind === 'timeout' ? 'timeout' : 'invalid'
  const path = [...walk.path, `${menu.menuId}:${what}`]
  if (walk.tries > menu.repeats) {
    return follow(menus, menu.defaultAction, { ...walk, path }, workingNow, `${what === 'timeout' ? 'no key' : 'no valid key'} after ${walk.tries} prompts: default of ${menu.menuId}`)
  }
  return { kind: 'ask', media: menu.prompt, timeoutSeconds: menu.timeoutSeconds, walk: { ...walk, path, tries: walk.tries + 1 } }
}

function follow (menus: ReadonlyMap<string, Menu>, action: MenuAction, walk: MenuWalk, workingNow: boolean, why?: string): MenuStep {
  if (action.kind !== 'menu') {
    return { kind: 'done', action, path: walk.path, reason: why ?? describe(action) }
  }
  const menu = menus.get(action.menuId)
  if (!menu) return { kind: 'done', action: { kind: 'route' }, path: walk.path, reason: `menu ${action.menuId} not found: default route` }
  if (walk.entered >= maxMenusEntered) return { kind: 'done', action: { kind: 'route' }, path: walk.path, reason: `more than ${maxMenusEntered} menus entered: default route` }
  if (!workingNow && menu.afterHours) {
    return follow(menus, menu.afterHours, { ...walk, path: [...walk.path, `${menu.menuId}:after_hours`], entered: walk.entered + 1 }, workingNow, `${menu.menuId} after hours: ${describe(menu.afterHours)}`)
  }
  return { kind: 'ask', media: [...menu.greeting, ...menu.prompt], timeoutSeconds: menu.timeoutSeconds, walk: { menuId: menu.menuId, tries: 1, path: walk.path, entered: walk.entered + 1 } }
}

function describe (a: MenuAction): string {
  switch (a.kind) {
    case 'route': return 'default route'
    case 'category': return `category ${a.categoryId}`
    case 'menu': return `menu ${a.menuId}`
    case 'operator': return `operator ${a.operatorId}`
    case 'group': return `group ${a.operatorIds.join('+')}`
    case 'callback': return 'callback request'
  }
}

export interface KnownTargets {
  categories: ReadonlySet<string>
  operators: ReadonlySet<string>
}

/**
 * Problems with a set of menus, each naming the path to the bad value: a menu that points nowhere,
 * a key that is not a phone key, a prompt that is not a playable media URI.
 */
export function menuProblems (menus: ReadonlyMap<string, Menu>, known: KnownTargets): string[] {
  const problems: string[] = []
  const checkAction = (where: string, a: MenuAction): void => {
    switch (a.kind) {
      case 'menu': if (!menus.has(a.menuId)) problems.push(`${where}: menu "${a.menuId}" does not exist`); return
      case 'category': if (!known.categories.has(a.categoryId)) problems.push(`${where}: category "${a.categoryId}" does not exist`); return
      case 'operator': if (!known.operators.has(a.operatorId)) problems.push(`${where}: operator "${a.operatorId}" does not exist`); return
      case 'group':
        if (a.operatorIds.length === 0) problems.push(`${where}: the group names no operator`)
        for (const id of a.operatorIds) if (!known.operators.has(id)) problems.push(`${where}: operator "${id}" does not exist`)
        return
      default:
    }
  }
  for (const [id, m] of menus) {
    for (const [digit, action] of Object.entries(m.options)) {
      if (digit.length !== 1 || !validDigits.includes(digit)) problems.push(`${id}.options.${digit}: not a phone key (one of ${validDigits})`)
      checkAction(`${id}.options.${digit}`, action)
    }
    checkAction(`${id}.defaultAction`, m.defaultAction)
    if (m.afterHours) checkAction(`${id}.afterHours`, m.afterHours)
    m.greeting.forEach((media, i) => { if (!isMediaUri(media)) problems.push(`${id}.greeting.${i}: "${media}" is not a sound:, recording:, digits: or number: URI`) })
    m.prompt.forEach((media, i) => { if (!isMediaUri(media)) problems.push(`${id}.prompt.${i}: "${media}" is not a sound:, recording:, digits: or number: URI`) })
    if (m.prompt.length === 0 && Object.keys(m.options).length > 0) problems.push(`${id}.prompt: a menu with keys needs a prompt that tells them`)
  }
  return problems
}

export function isMediaUri (s: string): boolean {
  return /^(sound|recording):[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(s) && !s.includes('..') ||
    /^(digits|number):[0-9]{1,20}$/.test(s)
}
