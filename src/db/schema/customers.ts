// Customers, operators' notes on them and the history of merges.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { operators } from './catalog.js'

export const customers = sqliteTable('customers', {
  customerId: text('customer_id').primaryKey(),
  phone: text('phone').notNull(),
  name: text('name'),
  lastOperatorId: text('last_operator_id').references(() => operators.operatorId),
  lastCallAt: integer('last_call_at'),
  createdAt: integer('created_at').notNull(),
  /**
   * Set when this customer was merged into another (one person, two numbers): calls from this
   * phone then belong to that customer. Always points at a customer that is not merged itself.
   */
  mergedInto: text('merged_into'),
  mergedAt: integer('merged_at')
}, (t) => [uniqueIndex('customers_phone').on(t.phone), index('customers_merged_into').on(t.mergedInto).where(sql`merged_into IS NOT NULL`)])

/** Notes on a customer, written by operators; edits keep who and when. */
export const customerNotes = sqliteTable('customer_notes', {
  noteId: text('note_id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.customerId),
  text: text('text').notNull(),
  /** operator:<id> | token:<id> */
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: integer('updated_at')
}, (t) => [index('customer_notes_customer').on(t.customerId, t.createdAt)])

/** Every merge, append-only: which customer was folded into which, by whom. */
export const customerMerges = sqliteTable('customer_merges', {
  mergeId: text('merge_id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.customerId),
  mergedId: text('merged_id').notNull().references(() => customers.customerId),
  mergedPhone: text('merged_phone').notNull(),
  actor: text('actor').notNull(),
  at: integer('at').notNull()
}, (t) => [index('customer_merges_customer').on(t.customerId, t.at)])
