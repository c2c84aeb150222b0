// Voice menus: stored as JSON definitions, checked as a whole before any is saved (a menu that
// points nowhere never reaches a caller), and read by every call from a cache rebuilt on change.
import { asc, eq, isNull } from 'drizzle-orm'
import { menuProblems, type Menu, type MenuAction } from '../domain/ivr.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { changed, type CatalogContext } from './catalog-repo.js'
import type { Db } from './open.js'
import { categories, menus, operators, trackingNumbers } from './schema.js'

export type MenuDefinition = Omit<Menu, 'menuId'>
export interface MenuView extends Menu { isDefault: boolean; updatedAt: number }

const menuIdRe = /^[a-z0-9][a-z0-9_-]{0,63}$/

function toMenu (row: typeof menus.$inferSelect): MenuView {
  const definition = JSON.parse(row.definition) as MenuDefinition
  return { ...definition, menuId: row.menuId, isDefault: row.isDefault, updatedAt: row.updatedAt }
}

export class MenusRepo {
  private cache: { menus: Map<string, Menu>; defaultId: string | null } | null = null

  constructor (private readonly ctx: CatalogContext) {
    ctx.bus.on('catalog.changed', ({ what }) => { if (what === 'menus' || what === 'categories' || what === 'operators') this.cache = null })
  }

  private get db (): Db { return this.ctx.db }

  private load (): { menus: Map<string, Menu>; defaultId: string | null } {
    if (this.cache) return this.cache
    const rows = this.db.select().from(menus).all().map(toMenu)
    this.cache = { menus: new Map(rows.map((m) => [m.menuId, m])), defaultId: rows.find((m) => m.isDefault)?.menuId ?? null }
    return this.cache
  }

  /** Every menu by id, for walking a call through them. Read-only. */
  all (): ReadonlyMap<string, Menu> { return this.load().menus }

  /** The menu a call on a number without its own menu meets; null when none is the default. */
  defaultMenuId (): string | null { return this.load().defaultId }

  list (): MenuView[] { return this.db.select().from(menus).orderBy(asc(menus.menuId)).all().map(toMenu) }

  get (menuId: string): MenuView | undefined {
    const row = this.db.select().from(menus).where(eq(menus.menuId, menuId)).get()
    return row === undefined ? undefined : toMenu(row)
  }

  /** Creates or replaces a menu; refused with every problem named when any menu would point nowhere. */
  save (menuId: string, definition: MenuDefinition, isDefault: boolean): { menu: MenuView; created: boolean } {
    if (!menuIdRe.test(menuId)) throw new InvalidInput('menuId', `must be lower-case letters, digits, _ or -, got ${JSON.stringify(menuId)}`)
    let created = false
    this.db.transaction((db) => {
      const all = new Map<string, Menu>(db.select().from(menus).all().map((r) => { const m = toMenu(r); return [m.menuId, m] }))
      created = !all.has(menuId)
      all.set(menuId, { ...definition, menuId })
      const known = {
        categories: new Set(db.select({ id: categories.categoryId }).from(categories).all().map((r) => r.id)),
        operators: new Set(db.select({ id: operators.operatorId }).from(operators).where(isNull(operators.removedAt)).all().map((r) => r.id))
      }
      const problems = menuProblems(all, known)
      if (problems.length > 0) throw new InvalidInput('menu', problems.join('; '))
      if (isDefault) db.update(menus).set({ isDefault: false }).where(eq(menus.isDefault, true)).run()
      const row = { name: definition.name, definition: JSON.stringify(definition), isDefault, updatedAt: this.ctx.now() }
      if (created) db.insert(menus).values({ menuId, ...row }).run()
      else db.update(menus).set(row).where(eq(menus.menuId, menuId)).run()
    })
    changed(this.ctx, 'menus')
    return { menu: this.get(menuId)!, created }
  }

  /** Removes a menu no number and no other menu leads to. */
  remove (menuId: string): void {
    this.db.transaction((db) => {
      if (db.select({ id: menus.menuId }).from(menus).where(eq(menus.menuId, menuId)).get() === undefined) throw new NotFound('menu', menuId)
      const numbers = db.select({ did: trackingNumbers.did }).from(trackingNumbers).where(eq(trackingNumbers.menuId, menuId)).all().map((r) => r.did)
      if (numbers.length > 0) throw new Conflict(`menu ${menuId} is the menu of tracking number${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')}`)
      const others = db.select().from(menus).all().map(toMenu).filter((m) => m.menuId !== menuId && leadsTo(m, menuId))
      if (others.length > 0) throw new Conflict(`menu ${menuId} is reached from menu${others.length === 1 ? '' : 's'} ${others.map((m) => m.menuId).join(', ')}`)
      db.delete(menus).where(eq(menus.menuId, menuId)).run()
    })
    changed(this.ctx, 'menus')
  }

}

function leadsTo (m: Menu, menuId: string): boolean {
  const to = (a: MenuAction | null): boolean => a?.kind === 'menu' && a.menuId === menuId
  return Object.values(m.options).some(to) || to(m.defaultAction) || to(m.afterHours)
}
