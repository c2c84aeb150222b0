// Operators, their skills, categories and tracking numbers: plain reads and writes over drizzle.
// Checks, transactions and the `catalog.changed` announcement belong to src/catalog/catalog-service.ts.
import type { RunResult } from 'better-sqlite3'
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { Role } from '../domain/roles.js'
import { routingPolicyProblem } from '../domain/routing-policy.js'
import type { RoutingPolicy } from '../domain/routing.js'
import type { Db } from './open.js'
import type * as schema from './schema.js'
import { categories, menus, operatorSkills, operators, trackingNumbers, trackingPoolNumbers, trackingPools } from './schema.js'

/** The database or a transaction on it. */
export type Sql = BaseSQLiteDatabase<'sync', RunResult, typeof schema>

function parsePolicy (text: string | null): Partial<RoutingPolicy> | null {
  if (text === null) return null
  try {
    const value: unknown = JSON.parse(text)
    // Written through the catalog's checks; text edited by hand into something unreadable means no overrides.
    return routingPolicyProblem(value) === null ? value as Partial<RoutingPolicy> : null
  } catch (err) {
    if (err instanceof SyntaxError) return null
    throw err
  }
}

const storedPolicy = (policy: Partial<RoutingPolicy> | null): string | null => (policy === null ? null : JSON.stringify(policy))

// ---- operators ----

export interface Operator {
  operatorId: string
  name: string
  endpoint: string
  mobile: string | null
  role: Role
  isManager: boolean
  paused: boolean
  pausedReason: string | null
  pausedAt: number | null
  createdAt: number
  removedAt: number | null
  /** categoryId → level (higher is better). */
  skills: Record<string, number>
}

export type OperatorRow = typeof operators.$inferSelect

function skillsByOperator (db: Sql, operatorIds: readonly string[] | 'live'): Map<string, Record<string, number>> {
  const rows = operatorIds === 'live'
    ? db.select({ operatorId: operatorSkills.operatorId, categoryId: operatorSkills.categoryId, level: operatorSkills.level })
      .from(operatorSkills).innerJoin(operators, eq(operators.operatorId, operatorSkills.operatorId))
      .where(isNull(operators.removedAt)).all()
    : operatorIds.length === 0 ? [] : db.select().from(operatorSkills).where(inArray(operatorSkills.operatorId, [...operatorIds])).all()
  const out = new Map<string, Record<string, number>>()
  for (const row of rows) {
    let skills = out.get(row.operatorId)
    if (skills === undefined) out.set(row.operatorId, skills = {})
    skills[row.categoryId] = row.level
  }
  return out
}

const withSkills = (row: OperatorRow, skills: Record<string, number> | undefined): Operator => ({ ...row, skills: skills ?? {} })

/** Every live (not removed) operator with its skills, in two queries. The call core builds routing snapshots from it. */
export function loadOperatorsWithSkills (db: Db): Operator[] {
  const rows = db.select().from(operators).where(isNull(operators.removedAt)).orderBy(asc(operators.operatorId)).all()
  const skills = skillsByOperator(db, 'live')
  return rows.map((row) => withSkills(row, skills.get(row.operatorId)))
}

/** Operators for the console; removed ones only when asked. */
export function listOperators (db: Db, options: { includeRemoved?: boolean } = {}): Operator[] {
  if (!options.includeRemoved) return loadOperatorsWithSkills(db)
  const rows = db.select().from(operators).orderBy(asc(operators.operatorId)).all()
  const skills = skillsByOperator(db, rows.map((r) => r.operatorId))
  return rows.map((row) => withSkills(row, skills.get(row.operatorId)))
}

/** One operator, removed ones included (their calls still name them); undefined when unknown. */
export function getOperator (db: Sql, operatorId: string): Operator | undefined {
  const row = db.select().from(operators).where(eq(operators.operatorId, operatorId)).get()
  if (row === undefined) return undefined
  return withSkills(row, skillsByOperator(db, [operatorId]).get(operatorId))
}

/** The operator's row unless unknown or removed. */
export function liveOperatorRow (db: Sql, operatorId: string): OperatorRow | undefined {
  return db.select().from(operators).where(and(eq(operators.operatorId, operatorId), isNull(operators.removedAt))).get()
}

export function operatorExists (db: Sql, operatorId: string): boolean {
  return db.select({ id: operators.operatorId }).from(operators).where(eq(operators.operatorId, operatorId)).get() !== undefined
}

/** The live operator holding this endpoint, if any. */
export function endpointHolder (db: Sql, endpoint: string): string | undefined {
  return db.select({ operatorId: operators.operatorId }).from(operators)
    .where(and(eq(operators.endpoint, endpoint), isNull(operators.removedAt))).get()?.operatorId
}

export function insertOperator (db: Sql, row: typeof operators.$inferInsert): void {
  db.insert(operators).values(row).run()
}

export function setOperator (db: Sql, operatorId: string, set: Partial<OperatorRow>): void {
  if (Object.keys(set).length > 0) db.update(operators).set(set).where(eq(operators.operatorId, operatorId)).run()
}

/** Replaces the operator's skills (categoryId → level); `{}` removes them all. */
export function writeSkills (db: Sql, operatorId: string, skills: Record<string, number>): void {
  db.delete(operatorSkills).where(eq(operatorSkills.operatorId, operatorId)).run()
  const rows = Object.entries(skills).map(([categoryId, level]) => ({ operatorId, categoryId, level }))
  if (rows.length > 0) db.insert(operatorSkills).values(rows).run()
}

// ---- categories ----

export interface Category {
  categoryId: string
  name: string
  routingPolicy: Partial<RoutingPolicy> | null
  createdAt: number
}

const toCategory = (row: typeof categories.$inferSelect): Category => ({ ...row, routingPolicy: parsePolicy(row.routingPolicy) })

export function listCategories (db: Db): Category[] {
  return db.select().from(categories).orderBy(asc(categories.categoryId)).all().map(toCategory)
}

export function getCategory (db: Sql, categoryId: string): Category | undefined {
  const row = db.select().from(categories).where(eq(categories.categoryId, categoryId)).get()
  return row === undefined ? undefined : toCategory(row)
}

/** Which of these category ids exist. */
export function knownCategoryIds (db: Sql, categoryIds: readonly string[]): Set<string> {
  if (categoryIds.length === 0) return new Set()
  return new Set(db.select({ categoryId: categories.categoryId }).from(categories).where(inArray(categories.categoryId, [...categoryIds])).all().map((r) => r.categoryId))
}

/** The tracking numbers and operators that use a category, each sorted. */
export function categoryUsers (db: Sql, categoryId: string): { dids: string[]; operatorIds: string[] } {
  const dids = db.select({ did: trackingNumbers.did }).from(trackingNumbers)
    .where(eq(trackingNumbers.categoryId, categoryId)).orderBy(asc(trackingNumbers.did)).all().map((r) => r.did)
  const operatorIds = db.select({ operatorId: operatorSkills.operatorId }).from(operatorSkills)
    .where(eq(operatorSkills.categoryId, categoryId)).orderBy(asc(operatorSkills.operatorId)).all().map((r) => r.operatorId)
  return { dids, operatorIds }
}

export function insertCategory (db: Sql, row: Category): void {
  db.insert(categories).values({ ...row, routingPolicy: storedPolicy(row.routingPolicy) }).run()
}

export function setCategory (db: Sql, categoryId: string, set: { name?: string; routingPolicy?: Partial<RoutingPolicy> | null }): void {
  const { routingPolicy, ...rest } = set
  const row = { ...rest, ...(routingPolicy !== undefined ? { routingPolicy: storedPolicy(routingPolicy) } : {}) }
  if (Object.keys(row).length > 0) db.update(categories).set(row).where(eq(categories.categoryId, categoryId)).run()
}

export function deleteCategoryRow (db: Sql, categoryId: string): void {
  db.delete(categories).where(eq(categories.categoryId, categoryId)).run()
}

// ---- tracking numbers ----

export interface TrackingNumber {
  did: string
  source: string | null
  categoryId: string | null
  label: string | null
  routingPolicy: Partial<RoutingPolicy> | null
  menuId: string | null
  createdAt: number
}

const toTrackingNumber = (row: typeof trackingNumbers.$inferSelect): TrackingNumber => ({ ...row, routingPolicy: parsePolicy(row.routingPolicy) })

export function listTrackingNumbers (db: Db): TrackingNumber[] {
  return db.select().from(trackingNumbers).orderBy(asc(trackingNumbers.did)).all().map(toTrackingNumber)
}

/**
 * The tracking number for these digits, stored with or without a leading + (the call core matches
 * either way, so +74951234567 and 74951234567 are one number).
 */
export function getTrackingNumber (db: Sql, did: string): TrackingNumber | undefined {
  const digits = did.replace(/^\+/, '')
  const row = db.select().from(trackingNumbers).where(inArray(trackingNumbers.did, [digits, `+${digits}`]))
    .orderBy(asc(trackingNumbers.did)).get()
  return row === undefined ? undefined : toTrackingNumber(row)
}

export function menuExists (db: Sql, menuId: string): boolean {
  return db.select({ menuId: menus.menuId }).from(menus).where(eq(menus.menuId, menuId)).get() !== undefined
}

/** The source whose tracking pool holds this number or shows it by default, if any. */
export function poolUsingNumber (db: Sql, did: string): string | undefined {
  return (db.select({ source: trackingPoolNumbers.source }).from(trackingPoolNumbers).where(eq(trackingPoolNumbers.did, did)).get() ??
    db.select({ source: trackingPools.source }).from(trackingPools).where(eq(trackingPools.defaultDid, did)).get())?.source
}

export function insertTrackingNumber (db: Sql, row: TrackingNumber): void {
  db.insert(trackingNumbers).values({ ...row, routingPolicy: storedPolicy(row.routingPolicy) }).run()
}

export function setTrackingNumber (db: Sql, did: string, set: Partial<Omit<TrackingNumber, 'did' | 'createdAt'>>): void {
  const { routingPolicy, ...rest } = set
  const row = { ...rest, ...(routingPolicy !== undefined ? { routingPolicy: storedPolicy(routingPolicy) } : {}) }
  db.update(trackingNumbers).set(row).where(eq(trackingNumbers.did, did)).run()
}

export function deleteTrackingNumberRow (db: Sql, did: string): void {
  db.delete(trackingNumbers).where(eq(trackingNumbers.did, did)).run()
}
