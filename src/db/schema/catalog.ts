// Categories, operators and their skills, tracking numbers and IVR menus: what calls are routed by.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const categories = sqliteTable('categories', {
  categoryId: text('category_id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: per-category routing policy overrides (partial RoutingPolicy). */
  routingPolicy: text('routing_policy'),
  /** Language its calls are recognised in: ru | en | auto; null = the configured default. */
  speechLanguage: text('speech_language'),
  createdAt: integer('created_at').notNull()
})

export const operators = sqliteTable('operators', {
  operatorId: text('operator_id').primaryKey(),
  name: text('name').notNull(),
  /** Asterisk dial string of the operator's phone, e.g. PJSIP/101. */
  endpoint: text('endpoint').notNull(),
  mobile: text('mobile'),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull().default('operator'),
  isManager: integer('is_manager', { mode: 'boolean' }).notNull().default(false),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  pausedReason: text('paused_reason'),
  pausedAt: integer('paused_at'),
  createdAt: integer('created_at').notNull(),
  /** Removed operators stay for the history of their calls. */
  removedAt: integer('removed_at')
}, (t) => [uniqueIndex('operators_endpoint_live').on(t.endpoint).where(sql`removed_at IS NULL`)])

export const operatorSkills = sqliteTable('operator_skills', {
  operatorId: text('operator_id').notNull().references(() => operators.operatorId),
  categoryId: text('category_id').notNull().references(() => categories.categoryId),
  level: integer('level').notNull()
}, (t) => [primaryKey({ columns: [t.operatorId, t.categoryId] }), index('operator_skills_category').on(t.categoryId)])

export const trackingNumbers = sqliteTable('tracking_numbers', {
  /** The dialled number as Asterisk reports it (digits, optional leading +). */
  did: text('did').primaryKey(),
  source: text('source'),
  categoryId: text('category_id').references(() => categories.categoryId),
  label: text('label'),
  routingPolicy: text('routing_policy'),
  /** Voice menu callers on this number hear first; none → the default menu, if any. */
  menuId: text('menu_id'),
  /** ru | en | auto; null = the category's, then the configured default. */
  speechLanguage: text('speech_language'),
  createdAt: integer('created_at').notNull()
})

export const menus = sqliteTable('menus', {
  menuId: text('menu_id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: greeting, prompt, options, timeout, repeats, default and after-hours actions. */
  definition: text('definition').notNull(),
  /** The menu for numbers that name none. At most one. */
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull()
})
