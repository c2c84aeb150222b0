// Voice menus, stored as JSON definitions: plain reads and writes. Checks, transactions and the
// cache the calls read live in src/catalog/menu-service.ts.
import { asc, eq, isNull } from 'drizzle-orm'
import type { Menu } from '../domain/ivr.js'
import type { Sql } from './catalog-repo.js'
import { categories, menus, operators, trackingNumbers } from './schema.js'

export type MenuDefinition = Omit<Menu, 'menuId'>
export interface MenuView extends Menu { isDefault: boolean; updatedAt: number }

function toMenu (row: typeof menus.$inferSelect): MenuView {
  const definition = JSON.parse(row.definition) as MenuDefinition
  return { ...definition, menuId: row.menuId, isDefault: row.isDefault, updatedAt: row.updatedAt }
}

export function listMenus (db: Sql): MenuView[] {
  return db.select().from(menus).orderBy(asc(menus.menuId)).all().map(toMenu)
}

export function getMenu (db: Sql, menuId: string): MenuView | undefined {
  const row = db.select().from(menus).where(eq(menus.menuId, menuId)).get()
  return row === undefined ? undefined : toMenu(row)
}

/** The ids a menu may lead to: categories and live operators. */
export function menuTargets (db: Sql): { categories: Set<string>; operators: Set<string> } {
  return {
    categories: new Set(db.select({ id: categories.categoryId }).from(categories).all().map((r) => r.id)),
    operators: new Set(db.select({ id: operators.operatorId }).from(operators).where(isNull(operators.removedAt)).all().map((r) => r.id))
  }
}

/** The tracking numbers whose calls meet this menu. */
export function numbersWithMenu (db: Sql, menuId: string): string[] {
  return db.select({ did: trackingNumbers.did }).from(trackingNumbers).where(eq(trackingNumbers.menuId, menuId)).all().map((r) => r.did)
}

/** Writes a menu (insert or replace); `isDefault` takes the default from any other menu. */
export function writeMenu (db: Sql, menuId: string, definition: MenuDefinition, isDefault: boolean, updatedAt: number, created: boolean): void {
  if (isDefault) db.update(menus).set({ isDefault: false }).where(eq(menus.isDefault, true)).run()
  const row = { name: definition.name, definition: JSON.stringify(definition), isDefault, updatedAt }
  if (created) db.insert(menus).values({ menuId, ...row }).run()
  else db.update(menus).set(row).where(eq(menus.menuId, menuId)).run()
}

export function deleteMenuRow (db: Sql, menuId: string): void {
  db.delete(menus).where(eq(menus.menuId, menuId)).run()
}
