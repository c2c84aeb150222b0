// Demo data for the embedded mode: categories, operators with skills, tracking numbers.
// Only written into an empty database.
import { count } from 'drizzle-orm'
import type { Db } from './db/open.js'
import { categories, menus, operators, operatorSkills, trackingNumbers } from './db/schema.js'
import type { MenuDefinition } from './catalog/menu-service.js'

export interface DemoWorld {
  endpoints: string[]
  dids: string[]
  /** Numbers whose callers meet the demo voice menu. */
  menuDids: string[]
}

/** The shop's main number greets callers with a menu; the product numbers go straight to specialists. */
function demoMenu (directorId: string): MenuDefinition {
  return {
    name: 'Main number', greeting: ['sound:ringlead/welcome'], prompt: ['sound:ringlead/demo-menu'],
    options: {
      1: { kind: 'category', categoryId: 'ovens' },
      2: { kind: 'category', categoryId: 'fridges' },
      3: { kind: 'operator', operatorId: directorId },
      9: { kind: 'callback' }
    },
    timeoutSeconds: 4, repeats: 1, defaultAction: { kind: 'route' }, afterHours: null
  }
}

const demoCategories = [
  { categoryId: 'dishwashers', name: 'Dishwashers' },
  { categoryId: 'fridges', name: 'Fridges' },
  { categoryId: 'ovens', name: 'Ovens' }
]

const names = ['Anna', 'Boris', 'Vera', 'Gleb', 'Darya', 'Egor', 'Zoya', 'Ilya', 'Kira', 'Lev', 'Mila', 'Nikita']

export function seedDemo (db: Db, operatorCount: number, nowMs: number): DemoWorld {
  const existing = db.select({ n: count() }).from(operators).get()?.n ?? 0
  if (existing === 0) {
    db.$client.transaction(() => {
      for (const c of demoCategories) db.insert(categories).values({ ...c, createdAt: nowMs }).run()
      for (let i = 0; i < operatorCount; i++) {
        const resource = String(101 + i)
        const isManager = i === operatorCount - 1
        const operatorId = `op_${resource}`
        db.insert(operators).values({
          operatorId,
          name: isManager ? `${names[i % names.length]} (sales director)` : `${names[i % names.length]} ${resource}`,
          endpoint: `PJSIP/${resource}`,
          isManager,
          role: isManager ? 'supervisor' : 'operator',
          createdAt: nowMs
        }).run()
        if (!isManager) {
          const category = demoCategories[i % demoCategories.length]!
          db.insert(operatorSkills).values({ operatorId, categoryId: category.categoryId, level: 3 + (i % 3) }).run()
        }
      }
      const menu = demoMenu(`op_${100 + operatorCount}`)
      db.insert(menus).values({ menuId: 'main', name: menu.name, definition: JSON.stringify(menu), isDefault: false, updatedAt: nowMs }).run()
      db.insert(trackingNumbers).values([
        { did: '74951234567', source: 'google-ads', categoryId: 'dishwashers', label: 'Dishwashers landing', createdAt: nowMs },
        { did: '74951234568', source: 'yandex-direct', categoryId: 'fridges', label: 'Fridges landing', createdAt: nowMs },
        { did: '74951234569', source: 'site', categoryId: 'ovens', label: 'Ovens page', createdAt: nowMs },
        { did: '74951230000', source: 'site', categoryId: null, label: 'Main number', menuId: 'main', createdAt: nowMs }
      ]).run()
    })()
  }
  const endpoints = db.select({ endpoint: operators.endpoint }).from(operators).all().map((o) => o.endpoint)
  const numbers = db.select({ did: trackingNumbers.did, menuId: trackingNumbers.menuId }).from(trackingNumbers).all()
  return { endpoints, dids: numbers.map((t) => t.did), menuDids: numbers.filter((t) => t.menuId !== null).map((t) => t.did) }
}
