// Writes to operators, their skills, categories and tracking numbers: each checks its input, runs in
// one transaction over the repository and announces itself on the bus as `catalog.changed` so
// snapshots get rebuilt. Reads are the repository's, passed through for the routes.
import type { Bus } from '../bus.js'
import {
  categoryUsers, deleteCategoryRow, deleteTrackingNumberRow, endpointHolder, getCategory, getOperator, getTrackingNumber,
  insertCategory, insertOperator, insertTrackingNumber, knownCategoryIds, liveOperatorRow, menuExists, operatorExists,
  poolUsingNumber, setCategory, setOperator, setTrackingNumber, writeSkills,
  type Category, type Operator, type OperatorRow, type Sql, type TrackingNumber
} from '../db/catalog-repo.js'
import type { Db } from '../db/open.js'
import type { Role } from '../domain/roles.js'
import type { RoutingPolicy } from '../domain/routing.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import {
  checkCategoryId, checkDid, checkEndpoint, checkMobile, checkName, checkRole, checkSkillLevels, checkSource, cleanText, policyToStore
} from './catalog-rules.js'

export { getCategory, getOperator, getTrackingNumber, listCategories, listOperators, listTrackingNumbers, loadOperatorsWithSkills } from '../db/catalog-repo.js'
export type { Category, Operator, TrackingNumber } from '../db/catalog-repo.js'

/** What a write needs besides its input: the database, the bus to announce on, a clock and ids. */
export interface CatalogContext {
  db: Db
  bus: Bus
  now: () => number
  newId: (prefix: string) => string
}

export const changed = (ctx: CatalogContext, what: 'operators' | 'categories' | 'tracking_numbers' | 'menus'): void => {
  ctx.bus.emit('catalog.changed', { what })
}

// ---- operators ----

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

function liveOperator (db: Sql, operatorId: string): OperatorRow {
  const row = liveOperatorRow(db, operatorId)
  if (row === undefined) throw new NotFound('operator', operatorId)
  return row
}

function checkEndpointFree (db: Sql, endpoint: string, exceptOperatorId?: string): void {
  const holder = endpointHolder(db, endpoint)
  if (holder !== undefined && holder !== exceptOperatorId) throw new Conflict(`endpoint ${endpoint} already belongs to operator ${holder}`)
}

function checkSkills (db: Sql, skills: Record<string, number>): void {
  checkSkillLevels(skills)
  const ids = Object.keys(skills)
  const known = knownCategoryIds(db, ids)
  const unknown = ids.filter((id) => !known.has(id))
  if (unknown.length > 0) throw new InvalidInput('skills', `unknown ${unknown.length === 1 ? 'category' : 'categories'} ${unknown.join(', ')}`)
}

export function createOperator (ctx: CatalogContext, input: NewOperator, operatorId: string = ctx.newId('op')): Operator {
  const name = checkName('name', input.name)
  const endpoint = checkEndpoint(input.endpoint)
  checkMobile(input.mobile)
  checkRole(input.role)
  const skills = input.skills ?? {}
  ctx.db.transaction((db) => {
    if (operatorExists(db, operatorId)) throw new Conflict(`operator ${operatorId} already exists`)
    checkEndpointFree(db, endpoint)
    checkSkills(db, skills)
    insertOperator(db, {
      operatorId, name, endpoint, mobile: input.mobile ?? null, role: input.role ?? 'operator', isManager: input.isManager ?? false, createdAt: ctx.now()
    })
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
    setOperator(db, operatorId, set)
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
    writeSkills(db, operatorId, {})
    setOperator(db, operatorId, { removedAt: ctx.now() })
  })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

/** Pauses an operator; pausing again only updates the reason (the pause keeps its start). */
export function pauseOperator (ctx: CatalogContext, operatorId: string, reason: string | null = null): Operator {
  const row = liveOperator(ctx.db, operatorId)
  const cleanReason = reason === null || reason.trim() === '' ? null : reason.trim().slice(0, 200)
  setOperator(ctx.db, operatorId, { paused: true, pausedReason: cleanReason, pausedAt: row.paused ? row.pausedAt ?? ctx.now() : ctx.now() })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

export function unpauseOperator (ctx: CatalogContext, operatorId: string): Operator {
  liveOperator(ctx.db, operatorId)
  setOperator(ctx.db, operatorId, { paused: false, pausedReason: null, pausedAt: null })
  changed(ctx, 'operators')
  return getOperator(ctx.db, operatorId) as Operator
}

// ---- categories ----

export interface NewCategory { categoryId: string; name: string; routingPolicy?: Partial<RoutingPolicy> | null }
export interface CategoryChanges { name?: string; routingPolicy?: Partial<RoutingPolicy> | null }

export function createCategory (ctx: CatalogContext, input: NewCategory): Category {
  checkCategoryId(input.categoryId)
  const name = checkName('name', input.name)
  const routingPolicy = policyToStore(input.routingPolicy)
  ctx.db.transaction((db) => {
    if (getCategory(db, input.categoryId) !== undefined) throw new Conflict(`category ${input.categoryId} already exists`)
    insertCategory(db, { categoryId: input.categoryId, name, routingPolicy, createdAt: ctx.now() })
  })
  changed(ctx, 'categories')
  return getCategory(ctx.db, input.categoryId) as Category
}

export function updateCategory (ctx: CatalogContext, categoryId: string, changes: CategoryChanges): Category {
  const set: { name?: string; routingPolicy?: Partial<RoutingPolicy> | null } = {}
  if (changes.name !== undefined) set.name = checkName('name', changes.name)
  if (changes.routingPolicy !== undefined) set.routingPolicy = policyToStore(changes.routingPolicy)
  if (getCategory(ctx.db, categoryId) === undefined) throw new NotFound('category', categoryId)
  setCategory(ctx.db, categoryId, set)
  changed(ctx, 'categories')
  return getCategory(ctx.db, categoryId) as Category
}

/** Deletes a category nobody uses; otherwise Conflict naming the tracking numbers and operators using it. */
export function deleteCategory (ctx: CatalogContext, categoryId: string): void {
  ctx.db.transaction((db) => {
    if (getCategory(db, categoryId) === undefined) throw new NotFound('category', categoryId)
    const { dids, operatorIds } = categoryUsers(db, categoryId)
    if (dids.length > 0 || operatorIds.length > 0) {
      const users = [
        dids.length > 0 ? `tracking ${dids.length === 1 ? 'number' : 'numbers'} ${dids.join(', ')}` : '',
        operatorIds.length > 0 ? `${operatorIds.length === 1 ? 'operator' : 'operators'} ${operatorIds.join(', ')}` : ''
      ].filter((s) => s !== '')
      throw new Conflict(`category ${categoryId} is still used by ${users.join(' and ')}`)
    }
    deleteCategoryRow(db, categoryId)
  })
  changed(ctx, 'categories')
}

// ---- tracking numbers ----

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
  if (menuId !== null && !menuExists(db, menuId)) throw new InvalidInput('menuId', `unknown menu ${menuId}`)
}

function checkTrackingTarget (db: Sql, source: string | null, categoryId: string | null): void {
  if (source === null && categoryId === null) throw new InvalidInput('source', 'a tracking number needs a source, a category or both')
  if (categoryId !== null && getCategory(db, categoryId) === undefined) throw new InvalidInput('categoryId', `unknown category ${categoryId}`)
}

export function createTrackingNumber (ctx: CatalogContext, input: NewTrackingNumber): TrackingNumber {
  checkDid(input.did)
  const source = cleanText(input.source)
  checkSource(source)
  const categoryId = input.categoryId ?? null
  const routingPolicy = policyToStore(input.routingPolicy)
  ctx.db.transaction((db) => {
    const existing = getTrackingNumber(db, input.did)
    if (existing !== undefined) {
      throw new Conflict(`tracking number ${input.did} already exists${existing.did === input.did ? '' : ` as ${existing.did}`}`)
    }
    checkTrackingTarget(db, source, categoryId)
    checkMenu(db, input.menuId ?? null)
    insertTrackingNumber(db, { did: input.did, source, categoryId, label: cleanText(input.label), routingPolicy, menuId: input.menuId ?? null, createdAt: ctx.now() })
  })
  changed(ctx, 'tracking_numbers')
  return getTrackingNumber(ctx.db, input.did) as TrackingNumber
}

export function updateTrackingNumber (ctx: CatalogContext, did: string, changes: TrackingNumberChanges): TrackingNumber {
  const routingPolicy = changes.routingPolicy === undefined ? undefined : policyToStore(changes.routingPolicy)
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
    setTrackingNumber(db, current.did, {
      source,
      categoryId,
      ...(changes.menuId !== undefined ? { menuId: changes.menuId } : {}),
      ...(changes.label !== undefined ? { label: cleanText(changes.label) } : {}),
      ...(routingPolicy !== undefined ? { routingPolicy } : {})
    })
  })
  changed(ctx, 'tracking_numbers')
  return getTrackingNumber(ctx.db, stored) as TrackingNumber
}

/** Deletes a tracking number. Calls keep their own copy of its DID, source and category. */
export function deleteTrackingNumber (ctx: CatalogContext, did: string): void {
  const current = getTrackingNumber(ctx.db, did)
  if (current === undefined) throw new NotFound('tracking number', did)
  const pool = poolUsingNumber(ctx.db, current.did)
  if (pool !== undefined) throw new Conflict(`tracking number ${current.did} is used by the tracking pool of ${pool}; change the pool first`)
  deleteTrackingNumberRow(ctx.db, current.did)
  changed(ctx, 'tracking_numbers')
}
