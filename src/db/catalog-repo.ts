// Operators, their skills, categories and tracking numbers. Plain reads and writes over drizzle;
// every write announces itself on the bus as `catalog.changed` so snapshots get rebuilt.
import { randomBytes } from 'node:crypto'
import type { RunResult } from 'better-sqlite3'
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { Bus } from '../bus.js'
import { dialplanValueProblem } from '../domain/dialplan-values.js'
import type { RoutingPolicy } from '../domain/routing.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import type { Db } from './open.js'
import type * as schema from './schema.js'
import { categories, menus, operatorSkills, operators, trackingNumbers, trackingPoolNumbers, trackingPools } from './schema.js'

/** The database or a transaction on it. */
export type Sql = BaseSQLiteDatabase<'sync', RunResult, typeof schema>

export type Role = 'operator' | 'supervisor' | 'admin'
export const roles: readonly Role[] = ['operator', 'supervisor', 'admin']

/** What a write needs besides its input: the database, the bus to announce on, a clock and ids. */
export interface CatalogContext {
  db: Db
  bus: Bus
  now: () => number
  newId: (prefix: string) => string
}

/** `op_3f9c0a…`: a prefix and 16 random hex digits. */
export function randomId (prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`
}

// ---- rules shared with the HTTP schemas ----

/** Asterisk dial string: technology / resource, e.g. PJSIP/101, SIP/trunk/100, Local/101@operators. */
export const endpointPattern = '^[A-Za-z][A-Za-z0-9_]{0,31}/[A-Za-z0-9_.@+#*:=/-]{1,127}$'
export const categoryIdPattern = '^[a-z0-9][a-z0-9_-]{0,63}$'
/** A DID as Asterisk reports it: digits with an optional leading +. */
export const didPattern = '^\\+?[0-9]{2,20}$'
export const mobilePattern = '^\\+?[0-9]{5,20}$'
export const minSkillLevel = 1
export const maxSkillLevel = 10

const endpointRe = new RegExp(endpointPattern)
const categoryIdRe = new RegExp(categoryIdPattern)
const didRe = new RegExp(didPattern)
const mobileRe = new RegExp(mobilePattern)

/** Keys of RoutingPolicy and the kind of value each takes. */
const policyKeys: { readonly [K in keyof RoutingPolicy]: 'seconds' | 'days' | 'boolean' | 'attempts' | 'weight' } = {
  ringTimeoutSeconds: 'seconds',
  stickyDays: 'days',
  specialistsFirst: 'boolean',
  anyOperatorStep: 'boolean',
  ringAllStep: 'boolean',
  managerLast: 'boolean',
  maxAttempts: 'attempts',
  efficiencyWeight: 'weight'
}

/** Checks a partial RoutingPolicy (from a tracking number or category); throws InvalidInput naming the key. */
export function checkPolicy (field: string, value: unknown): Partial<RoutingPolicy> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInput(field, 'must be an object')
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const kind = (policyKeys as Record<string, string | undefined>)[key]
    const where = `${field}.${key}`
    if (kind === undefined) throw new InvalidInput(where, `unknown routing setting; known: ${Object.keys(policyKeys).join(', ')}`)
    if (kind === 'boolean') {
      if (typeof v !== 'boolean') throw new InvalidInput(where, 'must be true or false')
    } else if (kind === 'weight') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 10) throw new InvalidInput(where, 'must be a number from 0 to 10')
    } else {
      const [min, max] = kind === 'seconds' ? [1, 300] : kind === 'attempts' ? [1, 50] : [0, 3650]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidInput(where, `must be a whole number from ${min} to ${max}`)
    }
    out[key] = v
  }
  return out as Partial<RoutingPolicy>
}

function parsePolicy (text: string | null): Partial<RoutingPolicy> | null {
  if (text === null) return null
  try {
    return checkPolicy('routingPolicy', JSON.parse(text))
  } catch (err) {
    // Written through checkPolicy; text edited by hand into something unreadable means no overrides.
    if (err instanceof SyntaxError || err instanceof InvalidInput) return null
    throw err
  }
}

function storePolicy (policy: Partial<RoutingPolicy> | null | undefined): string | null {
  return policy === null || policy === undefined || Object.keys(policy).length === 0 ? null : JSON.stringify(checkPolicy('routingPolicy', policy))
}

/** Checks a dial string and writes its technology in capitals (Asterisk ignores its case): pjsip/101 → PJSIP/101. */
function checkEndpoint (endpoint: string): string {
  if (!endpointRe.test(endpoint)) throw new InvalidInput('endpoint', `must look like PJSIP/101 (technology/resource), got ${JSON.stringify(endpoint)}`)
  const slash = endpoint.indexOf('/')
  return endpoint.slice(0, slash).toUpperCase() + endpoint.slice(slash)
}

function checkName (field: string, name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new InvalidInput(field, 'must not be empty')
  if (trimmed.length > 200) throw new InvalidInput(field, 'must be at most 200 characters')
  return trimmed
}

function checkMobile (mobile: string | null | undefined): void {
  if (mobile !== null && mobile !== undefined && !mobileRe.test(mobile)) throw new InvalidInput('mobile', 'must be a phone number: digits with an optional leading +')
}

function checkRole (role: string | undefined): void {
  if (role !== undefined && !roles.includes(role as Role)) throw new InvalidInput('role', `must be one of ${roles.join(', ')}`)
}

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

export interface NewOperator {
  name: string
  endpoint: string
  mobile?: string | null
  role?: Role
  isManager?: boolean
  skills?: Record<string, number>
}

export interface OperatorChanges {
  name?: string
  endpoint?: string
  mobile?: string | null
  role?: Role
  isManager?: boolean
}

type OperatorRow = typeof operators.$inferSelect

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

function liveOperator (db: Sql, operatorId: string): OperatorRow {
  const row = db.select().from(operators).where(and(eq(operators.operatorId, operatorId), isNull(operators.removedAt))).get()
  if (row === undefined) throw new NotFound('operator', operatorId)
  return row
}

function checkEndpointFree (db: Sql, endpoint: string, exceptOperatorId?: string): void {
  const holder = db.select({ operatorId: operators.operatorId }).from(operators)
    .where(and(eq(operators.endpoint, endpoint), isNull(operators.removedAt))).get()
  if (holder !== undefined && holder.operatorId !== exceptOperatorId) throw new Conflict(`endpoint ${endpoint} already belongs to operator ${holder.operatorId}`)
}

function checkSkills (db: Sql, skills: Record<string, number>): void {
  const ids = Object.keys(skills)
  for (const [categoryId, level] of Object.entries(skills)) {
    if (!Number.isInteger(level) || level < minSkillLevel || level > maxSkillLevel) {
      throw new InvalidInput(`skills.${categoryId}`, `level must be a whole number from ${minSkillLevel} to ${maxSkillLevel}`)
    }
  }
  if (ids.length === 0) return
  const known = new Set(db.select({ categoryId: categories.categoryId }).from(categories).where(inArray(categories.categoryId, ids)).all().map((r) => r.categoryId))
  const unknown = ids.filter((id) => !known.has(id))
  if (unknown.length > 0) throw new InvalidInput('skills', `unknown ${unknown.length === 1 ? 'category' : 'categories'} ${unknown.join(', ')}`)
}

function writeSkills (db: Sql, operatorId: string, skills: Record<string, number>): void {
  db.delete(operatorSkills).where(eq(operatorSkills.operatorId, operatorId)).run()
  const rows = Object.entries(skills).map(([categoryId, level]) => ({ operatorId, categoryId, level }))
  if (rows.length > 0) db.insert(operatorSkills).values(rows).run()
}

export const changed = (ctx: CatalogContext, what: 'operators' | 'categories' | 'tracking_numbers' | 'menus'): void => {
  ctx.bus.emit('catalog.changed', { what })
}

export function createOperator (ctx: CatalogContext, input: NewOperator, operatorId: string = ctx.newId('op')): Operator {
  const name = checkName('name', input.name)
  const endpoint = checkEndpoint(input.endpoint)
  checkMobile(input.mobile)
  checkRole(input.role)
  const skills = input.skills ?? {}
  ctx.db.transaction((db) => {
    if (db.select({ id: operators.operatorId }).from(operators).where(eq(operators.operatorId, operatorId)).get() !== undefined) {
      throw new Conflict(`operator ${operatorId} already exists`)
    }
    checkEndpointFree(db, endpoint)
    checkSkills(db, skills)
    db.insert(operators).values({
      operatorId,
      name,
      endpoint,
      mobile: input.mobile ?? null,
      role: input.role ?? 'operator',
      isManager: input.isManager ?? false,
      createdAt: ctx.now()
    }).run()
    writeSkills(db, operatorId, skills)
  })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

export function updateOperator (ctx: CatalogContext, operatorId: string, changes: OperatorChanges): Operator {
  const set: Partial<OperatorRow> = {}
  if (changes.name !== undefined) set.name = checkName('name', changes.name)
  if (changes.endpoint !== undefined) set.endpoint = checkEndpoint(changes.endpoint)
  if (changes.mobile !== undefined) { checkMobile(changes.mobile); set.mobile = changes.mobile }
  if (changes.role !== undefined) { checkRole(changes.role); set.role = changes.role }
  if (changes.isManager !== undefined) set.isManager = changes.isManager
  ctx.db.transaction((db) => {
    liveOperator(db, operatorId)
    if (set.endpoint !== undefined) checkEndpointFree(db, set.endpoint, operatorId)
    if (Object.keys(set).length > 0) db.update(operators).set(set).where(eq(operators.operatorId, operatorId)).run()
  })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

/** Replaces the operator's skills with `skills` (categoryId → level). */
export function replaceSkills (ctx: CatalogContext, operatorId: string, skills: Record<string, number>): Operator {
  ctx.db.transaction((db) => {
    liveOperator(db, operatorId)
    checkSkills(db, skills)
    writeSkills(db, operatorId, skills)
  })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

/** Soft removal: the row stays so calls keep naming the operator; skills go, routing stops seeing them. */
export function removeOperator (ctx: CatalogContext, operatorId: string): Operator {
  ctx.db.transaction((db) => {
    liveOperator(db, operatorId)
    db.delete(operatorSkills).where(eq(operatorSkills.operatorId, operatorId)).run()
    db.update(operators).set({ removedAt: ctx.now() }).where(eq(operators.operatorId, operatorId)).run()
  })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

/** Pauses an operator; pausing again only updates the reason (the pause keeps its start). */
export function pauseOperator (ctx: CatalogContext, operatorId: string, reason: string | null = null): Operator {
  const row = liveOperator(ctx.db, operatorId)
  const cleanReason = reason === null || reason.trim() === '' ? null : reason.trim().slice(0, 200)
  ctx.db.update(operators)
    .set({ paused: true, pausedReason: cleanReason, pausedAt: row.paused ? row.pausedAt ?? ctx.now() : ctx.now() })
    .where(eq(operators.operatorId, operatorId)).run()
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

export function unpauseOperator (ctx: CatalogContext, operatorId: string): Operator {
  liveOperator(ctx.db, operatorId)
  ctx.db.update(operators).set({ paused: false, pausedReason: null, pausedAt: null }).where(eq(operators.operatorId, operatorId)).run()
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

// ---- categories ----

export interface Category {
  categoryId: string
  name: string
  routingPolicy: Partial<RoutingPolicy> | null
  createdAt: number
}

export interface NewCategory { categoryId: string; name: string; routingPolicy?: Partial<RoutingPolicy> | null }
export interface CategoryChanges { name?: string; routingPolicy?: Partial<RoutingPolicy> | null }

const toCategory = (row: typeof categories.$inferSelect): Category => ({ ...row, routingPolicy: parsePolicy(row.routingPolicy) })

export function listCategories (db: Db): Category[] {
  return db.select().from(categories).orderBy(asc(categories.categoryId)).all().map(toCategory)
}

export function getCategory (db: Sql, categoryId: string): Category | undefined {
  const row = db.select().from(categories).where(eq(categories.categoryId, categoryId)).get()
  return row === undefined ? undefined : toCategory(row)
}

export function createCategory (ctx: CatalogContext, input: NewCategory): Category {
  if (!categoryIdRe.test(input.categoryId)) {
    throw new InvalidInput('categoryId', 'must be a slug: lowercase letters, digits, - and _, starting with a letter or digit, at most 64 characters')
  }
  const name = checkName('name', input.name)
  const routingPolicy = storePolicy(input.routingPolicy)
  ctx.db.transaction((db) => {
    if (getCategory(db, input.categoryId) !== undefined) throw new Conflict(`category ${input.categoryId} already exists`)
    db.insert(categories).values({ categoryId: input.categoryId, name, routingPolicy, createdAt: ctx.now() }).run()
  })
  changed(ctx, 'categories')
  return getCategory(ctx.db, input.categoryId) as Category
}

export function updateCategory (ctx: CatalogContext, categoryId: string, changes: CategoryChanges): Category {
  const set: Partial<typeof categories.$inferInsert> = {}
  if (changes.name !== undefined) set.name = checkName('name', changes.name)
  if (changes.routingPolicy !== undefined) set.routingPolicy = storePolicy(changes.routingPolicy)
  if (getCategory(ctx.db, categoryId) === undefined) throw new NotFound('category', categoryId)
  if (Object.keys(set).length > 0) ctx.db.update(categories).set(set).where(eq(categories.categoryId, categoryId)).run()
  changed(ctx, 'categories')
  return getCategory(ctx.db, categoryId) as Category
}

/** Deletes a category nobody uses; otherwise Conflict naming the tracking numbers and operators using it. */
export function deleteCategory (ctx: CatalogContext, categoryId: string): void {
  ctx.db.transaction((db) => {
    if (getCategory(db, categoryId) === undefined) throw new NotFound('category', categoryId)
    const dids = db.select({ did: trackingNumbers.did }).from(trackingNumbers)
      .where(eq(trackingNumbers.categoryId, categoryId)).orderBy(asc(trackingNumbers.did)).all().map((r) => r.did)
    const operatorIds = db.select({ operatorId: operatorSkills.operatorId }).from(operatorSkills)
      .where(eq(operatorSkills.categoryId, categoryId)).orderBy(asc(operatorSkills.operatorId)).all().map((r) => r.operatorId)
    if (dids.length > 0 || operatorIds.length > 0) {
      const users = [
        dids.length > 0 ? `tracking ${dids.length === 1 ? 'number' : 'numbers'} ${dids.join(', ')}` : '',
        operatorIds.length > 0 ? `${operatorIds.length === 1 ? 'operator' : 'operators'} ${operatorIds.join(', ')}` : ''
      ].filter((s) => s !== '')
      throw new Conflict(`category ${categoryId} is still used by ${users.join(' and ')}`)
    }
    db.delete(categories).where(eq(categories.categoryId, categoryId)).run()
  })
  changed(ctx, 'categories')
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

export interface NewTrackingNumber {
  did: string
  source?: string | null
  categoryId?: string | null
  label?: string | null
  routingPolicy?: Partial<RoutingPolicy> | null
  menuId?: string | null
}

export interface TrackingNumberChanges {
  source?: string | null
  categoryId?: string | null
  label?: string | null
  routingPolicy?: Partial<RoutingPolicy> | null
  menuId?: string | null
}

function checkMenu (db: Sql, menuId: string | null): void {
  if (menuId === null) return
  if (db.select({ menuId: menus.menuId }).from(menus).where(eq(menus.menuId, menuId)).get() === undefined) {
    throw new InvalidInput('menuId', `unknown menu ${menuId}`)
  }
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

function checkDid (did: string): void {
  if (!didRe.test(did)) throw new InvalidInput('did', `must be digits with an optional leading +, got ${JSON.stringify(did)}`)
}

function checkTrackingTarget (db: Sql, source: string | null, categoryId: string | null): void {
  if (source === null && categoryId === null) throw new InvalidInput('source', 'a tracking number needs a source, a category or both')
  if (categoryId !== null && getCategory(db, categoryId) === undefined) throw new InvalidInput('categoryId', `unknown category ${categoryId}`)
}

/** A source goes into the dialplan's Stasis arguments: refused here, when written, rather than at every render. */
function checkSource (source: string | null): void {
  if (source === null) return
  const problem = dialplanValueProblem('arg', source)
  if (problem !== null) throw new InvalidInput('source', `${JSON.stringify(source)} ${problem}`)
}

const cleanText = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}

export function createTrackingNumber (ctx: CatalogContext, input: NewTrackingNumber): TrackingNumber {
  checkDid(input.did)
  const source = cleanText(input.source)
  checkSource(source)
  const categoryId = input.categoryId ?? null
  const routingPolicy = storePolicy(input.routingPolicy)
  ctx.db.transaction((db) => {
    const existing = getTrackingNumber(db, input.did)
    if (existing !== undefined) {
      throw new Conflict(`tracking number ${input.did} already exists${existing.did === input.did ? '' : ` as ${existing.did}`}`)
    }
    checkTrackingTarget(db, source, categoryId)
    checkMenu(db, input.menuId ?? null)
    db.insert(trackingNumbers).values({ did: input.did, source, categoryId, label: cleanText(input.label), routingPolicy, menuId: input.menuId ?? null, createdAt: ctx.now() }).run()
  })
  changed(ctx, 'tracking_numbers')
  return getTrackingNumber(ctx.db, input.did) as TrackingNumber
}

export function updateTrackingNumber (ctx: CatalogContext, did: string, changes: TrackingNumberChanges): TrackingNumber {
  const routingPolicy = changes.routingPolicy === undefined ? undefined : storePolicy(changes.routingPolicy)
  let stored = did
  ctx.db.transaction((db) => {
    const current = getTrackingNumber(db, did)
    if (current === undefined) throw new NotFound('tracking number', did)
    stored = current.did
    const source = changes.source === undefined ? current.source : cleanText(changes.source)
    if (changes.source !== undefined) checkSource(source) // a bad source stored by an older version does not block fixing the rest
    const categoryId = changes.categoryId === undefined ? current.categoryId : changes.categoryId
    checkTrackingTarget(db, source, categoryId)
    if (changes.menuId !== undefined) checkMenu(db, changes.menuId)
    db.update(trackingNumbers).set({
      source,
      categoryId,
      ...(changes.menuId !== undefined ? { menuId: changes.menuId } : {}),
      ...(changes.label !== undefined ? { label: cleanText(changes.label) } : {}),
      ...(routingPolicy !== undefined ? { routingPolicy } : {})
    }).where(eq(trackingNumbers.did, current.did)).run()
  })
  changed(ctx, 'tracking_numbers')
  return getTrackingNumber(ctx.db, stored) as TrackingNumber
}

/** Deletes a tracking number. Calls keep their own copy of its DID, source and category. */
export function deleteTrackingNumber (ctx: CatalogContext, did: string): void {
  const current = getTrackingNumber(ctx.db, did)
  if (current === undefined) throw new NotFound('tracking number', did)
  const pool = ctx.db.select({ source: trackingPoolNumbers.source }).from(trackingPoolNumbers).where(eq(trackingPoolNumbers.did, current.did)).get() ??
    ctx.db.select({ source: trackingPools.source }).from(trackingPools).where(eq(trackingPools.defaultDid, current.did)).get()
  if (pool !== undefined) throw new Conflict(`tracking number ${current.did} is used by the tracking pool of ${pool.source}; change the pool first`)
  ctx.db.delete(trackingNumbers).where(eq(trackingNumbers.did, current.did)).run()
  changed(ctx, 'tracking_numbers')
}
