// Voice menus: checked as a whole before any is saved (a menu that points nowhere never reaches a
// caller), announced on the bus, and read by every call from a cache rebuilt on change.
import { menuProblems, type Menu, type MenuAction } from '../domain/ivr.js'
import { deleteMenuRow, getMenu, listMenus, menuTargets, numbersWithMenu, writeMenu, type MenuDefinition, type MenuView } from '../db/menus-repo.js'
import type { Db } from '../db/open.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { changed, type CatalogContext } from './catalog-service.js'

export type { MenuDefinition, MenuView } from '../db/menus-repo.js'

const menuIdRe = /^[a-z0-9][a-z0-9_-]{0,63}$/

export class MenuService {
  private cache: { menus: Map<string, Menu>; defaultId: string | null } | null = null

  constructor (private readonly ctx: CatalogContext) {
    ctx.bus.on('catalog.changed', ({ what }) => { if (what === 'menus' || what === 'categories' || what === 'operators') this.cache = null })
  }

  private get db (): Db { return this.ctx.db }

  private load (): { menus: Map<string, Menu>; defaultId: string | null } {
    if (this.cache) return this.cache
    const rows = listMenus(this.db)
    this.cache = { menus: new Map(rows.map((m) => [m.menuId, m])), defaultId: rows.find((m) => m.isDefault)?.menuId ?? null }
    return this.cache
  }

  /** Every menu by id, for walking a call through them. Read-only. */
  all (): ReadonlyMap<string, Menu> { return this.load().menus }

  /** The menu a call on a number without its own menu meets; null when none is the default. */
  defaultMenuId (): string | null { return this.load().defaultId }

  list (): MenuView[] { return listMenus(this.db) }

  get (menuId: string): MenuView | undefined { return getMenu(this.db, menuId) }

  /** Creates or replaces a menu; refused with every problem named when any menu would point nowhere. */
  save (menuId: string, definition: MenuDefinition, isDefault: boolean): { menu: MenuView; created: boolean } {
    if (!menuIdRe.test(menuId)) throw new InvalidInput('menuId', `must be lower-case letters, digits, _ or -, got ${JSON.stringify(menuId)}`)
    let created = false
    this.db.transaction((db) => {
      const all = new Map<string, Menu>(listMenus(db).map((m) => [m.menuId, m]))
      created = !all.has(menuId)
      all.set(menuId, { ...definition, menuId })
      const problems = menuProblems(all, menuTargets(db))
      if (problems.length > 0) throw new InvalidInput('menu', problems.join('; '))
      writeMenu(db, menuId, definition, isDefault, this.ctx.now(), created)
    })
    changed(this.ctx, 'menus')
    return { menu: this.get(menuId)!, created }
  }

  /** Removes a menu no number and no other menu leads to. */
  remove (menuId: string): void {
    this.db.transaction((db) => {
      const all = listMenus(db)
      if (!all.some((m) => m.menuId === menuId)) throw new NotFound('menu', menuId)
      const numbers = numbersWithMenu(db, menuId)
      if (numbers.length > 0) throw new Conflict(`menu ${menuId} is the menu of tracking number${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')}`)
      const others = all.filter((m) => m.menuId !== menuId && leadsTo(m, menuId))
      if (others.length > 0) throw new Conflict(`menu ${menuId} is reached from menu${others.length === 1 ? '' : 's'} ${others.map((m) => m.menuId).join(', ')}`)
      deleteMenuRow(db, menuId)
    })
    changed(this.ctx, 'menus')
  }
}

function leadsTo (m: Menu, menuId: string): boolean {
  const to = (a: MenuAction | null): boolean => a?.kind === 'menu' && a.menuId === menuId
  return Object.values(m.options).some(to) || to(m.defaultAction) || to(m.afterHours)
}
