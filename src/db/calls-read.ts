// Read side of calls: the whole story of one call, and a filtered, paged list.
import { SupervisionRepo, type SupervisionEventRow } from './supervision-repo.js'
import { and, asc, desc, eq, exists, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type { RoutingPlan } from '../domain/routing.js'
import type { Db } from './open.js'
import { callAttempts, calls, categories, customers, leads, operators, qaResults, recordings } from './schema.js'

type CallRow = typeof calls.$inferSelect
export type CallStatus = CallRow['status']
export const callStatuses: readonly CallStatus[] = ['menu', 'ringing', 'waiting', 'talking', 'answered', 'missed', 'abandoned', 'callback', 'interrupted', 'failed']

export interface OperatorRef { operatorId: string; name: string }

export interface CallStory {
  call: {
    callId: string
    direction: CallRow['direction']
    status: CallStatus
    callerRaw: string
    callerPhone: string | null
    callerName: string | null
    did: string
    startedAt: number
    answeredAt: number | null
    endedAt: number | null
    ringMs: number | null
    talkMs: number | null
    hangupBy: CallRow['hangupBy']
    endReason: string | null
    warnings: string[]
    /** The voice-menu choices the caller made, in order (`menu:key`, `menu:timeout`…). */
    menuPath: string[]
    /** The wait for a free operator, when the caller had one. */
    queue: { queuedAt: number; waitMs: number | null; outcome: CallRow['queueOutcome'] } | null
    /** The call this one continues after a restart. */
    resumedFrom: string | null
    leadId: string | null
    dialledPhone: string | null
    placedBy: CallRow['placedBy']
  }
  customer: { customerId: string; phone: string; name: string | null } | null
  /** The tracking number as it was when the call came in (source and category are copied onto the call). */
  trackingNumber: { did: string; source: string | null; categoryId: string | null; categoryName: string | null } | null
  /** The site visit a pool number was handed to, when the call came within its hold time. */
  attribution: { visitId: string; source: string | null; campaign: string | null; categoryId: string | null; utm: Record<string, string> } | null
  /** The routing plan as decided, with every reason; null when none was stored or it cannot be read. */
  plan: RoutingPlan | null
  attempts: Array<{
    attemptId: string
    stepIndex: number
    stepKind: string
    operatorId: string
    operatorName: string
    endpoint: string
    result: typeof callAttempts.$inferSelect['result']
    cause: number | null
    causeText: string | null
    ringMs: number | null
    startedAt: number
    answeredAt: number | null
    endedAt: number | null
  }>
  answeredBy: OperatorRef | null
  recordings: Array<{
    recordingId: string
    kind: typeof recordings.$inferSelect['kind']
    name: string
    format: string
    status: typeof recordings.$inferSelect['status']
    path: string | null
    durationMs: number | null
    bytes: number | null
    error: string | null
    startedAt: number
    endedAt: number | null
  }>
  /** Listen / whisper / barge sessions on the call, step by step. */
  supervision: Array<Omit<SupervisionEventRow, 'eventId' | 'callId'>>
}

/** calls.warnings holds a JSON array of strings; older or hand-written rows may hold plain text. */
function parseWarnings (text: string | null): string[] {
  if (text === null || text.trim() === '') return []
  try {
    const parsed: unknown = JSON.parse(text)
    if (Array.isArray(parsed)) return parsed.map((w) => (typeof w === 'string' ? w : JSON.stringify(w)))
    if (typeof parsed === 'string') return [parsed]
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
  }
  return text.split('\n').filter((line) => line.trim() !== '')
}

function isPlan (value: unknown): value is RoutingPlan {
  const p = value as Partial<RoutingPlan> | null
  return p !== null && typeof p === 'object' && Array.isArray(p.steps) && Array.isArray(p.skipped) && Array.isArray(p.reasons)
}

function parseMenuPath (text: string | null): string[] {
  if (!text) return []
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? v.map(String) : []
  } catch { return [] }
}

function parsePlan (text: string | null, warnings: string[]): RoutingPlan | null {
  if (text === null) return null
  try {
    const parsed: unknown = JSON.parse(text)
    if (isPlan(parsed)) return parsed
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
  }
  warnings.push('stored routing plan could not be read')
  return null
}

/** Everything known about one call, or undefined when there is no such call. Four indexed queries. */
export function callStory (db: Db, callId: string): CallStory | undefined {
  const head = db.select({ call: calls, customer: customers, categoryName: categories.name, answererName: operators.name })
    .from(calls)
    .leftJoin(customers, eq(customers.customerId, calls.customerId))
    .leftJoin(categories, eq(categories.categoryId, calls.categoryId))
    .leftJoin(operators, eq(operators.operatorId, calls.answeredBy))
    .where(eq(calls.callId, callId)).get()
  if (head === undefined) return undefined
  const { call: c, customer } = head
  const warnings = parseWarnings(c.warnings)
  const plan = parsePlan(c.plan, warnings)

  const attempts = db.select({ attempt: callAttempts, operatorName: operators.name })
    .from(callAttempts).innerJoin(operators, eq(operators.operatorId, callAttempts.operatorId))
    .where(eq(callAttempts.callId, callId))
    .orderBy(asc(callAttempts.startedAt), asc(callAttempts.stepIndex), asc(callAttempts.attemptId)).all()
  const recs = db.select().from(recordings).where(eq(recordings.callId, callId))
    .orderBy(asc(recordings.startedAt), asc(recordings.recordingId)).all()

  const trackingDid = c.trackingDid
  return {
    call: {
      callId: c.callId,
      direction: c.direction,
      status: c.status,
      callerRaw: c.callerRaw,
      callerPhone: c.callerPhone,
      callerName: c.callerName,
      did: c.did,
      startedAt: c.startedAt,
      answeredAt: c.answeredAt,
      endedAt: c.endedAt,
      ringMs: c.ringMs,
      talkMs: c.talkMs,
      hangupBy: c.hangupBy,
      endReason: c.endReason,
      warnings,
      menuPath: parseMenuPath(c.menuPath),
      queue: c.queuedAt === null ? null : { queuedAt: c.queuedAt, waitMs: c.waitMs, outcome: c.queueOutcome },
      resumedFrom: c.resumedFrom,
      // Outbound: the lead the call was made for; inbound: the lead the call made.
      leadId: c.leadId ?? db.select({ leadId: leads.leadId }).from(leads).where(eq(leads.callId, c.callId)).get()?.leadId ?? null,
      dialledPhone: c.dialledPhone,
      placedBy: c.placedBy
    },
    customer: customer === null ? null : { customerId: customer.customerId, phone: customer.phone, name: customer.name },
    trackingNumber: trackingDid === null
      ? null
      : { did: trackingDid, source: c.source, categoryId: c.categoryId, categoryName: c.categoryId === null ? null : head.categoryName },
    attribution: c.visitId === null
      ? null
      : { visitId: c.visitId, source: c.source, campaign: c.campaign, categoryId: c.categoryId, utm: parseUtm(c.utm) },
    plan,
    attempts: attempts.map(({ attempt: a, operatorName }) => ({
      attemptId: a.attemptId,
      stepIndex: a.stepIndex,
      stepKind: a.stepKind,
      operatorId: a.operatorId,
      operatorName,
      endpoint: a.endpoint,
      result: a.result,
      cause: a.cause,
      causeText: a.causeText,
      ringMs: a.ringMs,
      startedAt: a.startedAt,
      answeredAt: a.answeredAt,
      endedAt: a.endedAt
    })),
    answeredBy: c.answeredBy === null ? null : { operatorId: c.answeredBy, name: head.answererName ?? c.answeredBy },
    recordings: recs.map((r) => ({
      recordingId: r.recordingId,
      kind: r.kind,
      name: r.name,
      format: r.format,
      status: r.status,
      path: r.path,
      durationMs: r.durationMs,
      bytes: r.bytes,
      error: r.error,
      startedAt: r.startedAt,
      endedAt: r.endedAt
    })),
    supervision: new SupervisionRepo(db).forCall(callId).map(({ eventId: _id, callId: _call, ...e }) => e)
  }
}

/** Whether the operator answered the call or was rung for it. */
export function isOperatorOnCall (db: Db, callId: string, operatorId: string): boolean {
  const row = db.select({ callId: calls.callId }).from(calls)
    .where(and(eq(calls.callId, callId), operatorTouched(db, operatorId))).get()
  return row !== undefined
}

function operatorTouched (db: Db, operatorId: string): SQL {
  return or(
    eq(calls.answeredBy, operatorId),
    exists(db.select({ one: sql`1` }).from(callAttempts)
      .where(and(eq(callAttempts.callId, calls.callId), eq(callAttempts.operatorId, operatorId))))
  )!
}

export interface CallFilters {
  /** Calls started at or after this time (epoch ms). */
  fromMs?: number
  /** Calls started before this time (epoch ms). */
  toMs?: number
  status?: CallStatus
  direction?: CallRow['direction']
  /** Calls the operator answered or was rung for. */
  operatorId?: string
  /** The dialled number or the tracking number it matched. */
  did?: string
  source?: string
  categoryId?: string
  /** Calls whose script-QA score is at least / at most this (only transcribed and scored calls). */
  minScore?: number
  maxScore?: number
  /** 1..200, default 50. */
  limit?: number
  /** From the previous page's nextCursor. */
  cursor?: string
}

export interface CallSummary {
  callId: string
  direction: CallRow['direction']
  status: CallStatus
  callerRaw: string
  callerPhone: string | null
  callerName: string | null
  customerId: string | null
  did: string
  trackingDid: string | null
  source: string | null
  campaign: string | null
  categoryId: string | null
  categoryName: string | null
  answeredBy: OperatorRef | null
  startedAt: number
  answeredAt: number | null
  endedAt: number | null
  ringMs: number | null
  talkMs: number | null
  hangupBy: CallRow['hangupBy']
  endReason: string | null
  /** The script-QA score (0–100) once the call is transcribed and checked. */
  qaScore: number | null
}

export interface CallPage { calls: CallSummary[]; nextCursor: string | null }

export const defaultCallPageSize = 50
export const maxCallPageSize = 200

/** Where a page starts: after this call (the last of the previous page), newest first. */
export interface CallKey { startedAt: number; callId: string }

/** The filters, the page size (checked by the caller) and where the page starts. */
export type CallQuery = Omit<CallFilters, 'limit' | 'cursor'> & { limit: number; after?: CallKey }

/** One page of calls and, when there are more, the last call of it. */
export interface CallRows { calls: CallSummary[]; last: CallKey | null }

/** Calls newest first, filtered, one page at a time (keyset pagination). */
export function listCalls (db: Db, filters: CallQuery): CallRows {
  const limit = filters.limit
  const where: Array<SQL | undefined> = []
  if (filters.fromMs !== undefined) where.push(gte(calls.startedAt, filters.fromMs))
  if (filters.toMs !== undefined) where.push(lt(calls.startedAt, filters.toMs))
  if (filters.status !== undefined) where.push(eq(calls.status, filters.status))
  if (filters.direction !== undefined) where.push(eq(calls.direction, filters.direction))
  if (filters.operatorId !== undefined) where.push(operatorTouched(db, filters.operatorId))
  if (filters.did !== undefined) where.push(or(eq(calls.did, filters.did), eq(calls.trackingDid, filters.did)))
  if (filters.source !== undefined) where.push(eq(calls.source, filters.source))
  if (filters.categoryId !== undefined) where.push(eq(calls.categoryId, filters.categoryId))
  if (filters.minScore !== undefined) where.push(gte(qaResults.score, filters.minScore))
  if (filters.maxScore !== undefined) where.push(lte(qaResults.score, filters.maxScore))
  if (filters.after !== undefined) {
    const after = filters.after
    where.push(or(lt(calls.startedAt, after.startedAt), and(eq(calls.startedAt, after.startedAt), lt(calls.callId, after.callId))))
  }
  const rows = db.select({ call: calls, categoryName: categories.name, answererName: operators.name, qaScore: qaResults.score })
    .from(calls)
    .leftJoin(categories, eq(categories.categoryId, calls.categoryId))
    .leftJoin(operators, eq(operators.operatorId, calls.answeredBy))
    .leftJoin(qaResults, eq(qaResults.callId, calls.callId))
    .where(and(...where))
    .orderBy(desc(calls.startedAt), desc(calls.callId))
    .limit(limit + 1).all()
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    calls: page.map(({ call: c, categoryName, answererName, qaScore }) => ({
      callId: c.callId,
      direction: c.direction,
      status: c.status,
      callerRaw: c.callerRaw,
      callerPhone: c.callerPhone,
      callerName: c.callerName,
      customerId: c.customerId,
      did: c.did,
      trackingDid: c.trackingDid,
      source: c.source,
      campaign: c.campaign,
      categoryId: c.categoryId,
      categoryName: c.categoryId === null ? null : categoryName,
      answeredBy: c.answeredBy === null ? null : { operatorId: c.answeredBy, name: answererName ?? c.answeredBy },
      startedAt: c.startedAt,
      answeredAt: c.answeredAt,
      endedAt: c.endedAt,
      ringMs: c.ringMs,
      talkMs: c.talkMs,
      hangupBy: c.hangupBy,
      endReason: c.endReason,
      qaScore
    })),
    last: rows.length > limit && last !== undefined ? { startedAt: last.call.startedAt, callId: last.call.callId } : null
  }
}

function parseUtm (text: string | null): Record<string, string> {
  if (text === null) return {}
  try {
    const value = JSON.parse(text) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, string> : {}
  } catch {
    return {} // written by CallsRepo as JSON; unreadable text means no utm fields to show
  }
}
