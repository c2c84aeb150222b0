// /api/leads: the lead list, one lead's story, and working a lead: status, disposition, owner, notes.
// Operators see and work only the leads they own. New leads come in through routes/intake.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { isOverdueInStatus, type StatusMatrix } from '../../domain/lead-status.js'
import { InvalidInput } from '../../errors.js'
import { viewLead, type EscalationRow, type LeadEventRow, type LeadFilters, type LeadRow, type LeadService, type LeadView } from '../../leads/lead-service.js'
import type { TokenAuth } from '../../accounts/token-service.js'
import { authOf, requireRole } from '../auth.js'
import { Forbidden } from '../errors.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import {
  DispositionBody, LeadDetail, LeadListQuery, LeadPage, LeadParams, NoteBody, OwnerBody, StatusBody
} from '../schemas/leads.js'

/** The lead service, which app.ts hands over whenever it registers lead routes. */
export function leadServiceOf (app: FastifyInstance): LeadService {
  const { leads } = app.services
  if (leads === undefined) throw new Error('lead routes registered without a lead service (AppDeps.leads)')
  return leads
}

/** Who a change is written down as: the operator for operator tokens, the console user, else the token. */
export function actorOf (auth: TokenAuth): string {
  if (auth.userId !== undefined) return auth.role === 'operator' && auth.operatorId !== null ? `operator:${auth.operatorId}` : `user:${auth.userId}`
  return auth.role === 'operator' && auth.operatorId !== null ? `operator:${auth.operatorId}` : `token:${auth.tokenId}`
}

/** Whether this token may see and work on the lead: supervisors and admins any, an operator their own. */
export function maySeeLead (auth: TokenAuth, lead: { ownerId: string | null }): boolean {
  return auth.role !== 'operator' || (auth.operatorId !== null && lead.ownerId === auth.operatorId)
}

/** A lead as the API shows it: the stored fields and what a console should warn about now. */
export function presentLead (lead: LeadView, nowMs: number, matrix: StatusMatrix) {
  return {
    ...lead,
    flags: {
      overdue: lead.closedAt === null && lead.deadlineAt !== null && lead.deadlineAt < nowMs,
      overdueInStatus: lead.closedAt === null && isOverdueInStatus(matrix, lead.status, lead.statusSince, nowMs),
      phoneProblem: lead.phoneProblem !== null
    }
  }
}

function eventView (e: LeadEventRow) {
  let data: unknown = null
  if (e.data !== null) {
    try { data = JSON.parse(e.data) } catch (err) {
      if (!(err instanceof SyntaxError)) throw err
      data = e.data // written by hand or by an older version: shown as it is
    }
  }
  return { eventId: e.eventId, at: e.at, actor: e.actor, kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, reason: e.reason, data }
}

const stepView = (s: EscalationRow) => ({
  escalationId: s.escalationId, step: s.step, state: s.state, dueAt: s.dueAt, attempt: s.attempt,
  targetOperatorId: s.targetOperatorId, result: s.result, createdAt: s.createdAt, updatedAt: s.updatedAt
})

// ---- paging: newest first, keyset (createdAt, leadId), so pages stay stable while leads arrive ----

function encodeBefore (lead: LeadRow): string {
  return Buffer.from(JSON.stringify([lead.createdAt, lead.leadId]), 'utf8').toString('base64url')
}

function decodeBefore (before: string): { createdAt: number; leadId: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(before, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
      return { createdAt: parsed[0] as number, leadId: parsed[1] }
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
  }
  throw new InvalidInput('before', 'is not a cursor this server gave out; use nextBefore from the previous page')
}

/**
 * One page of leads older than the cursor. The repository pages by createdAt alone, so leads created
 * in the same millisecond as the cursor's are fetched again and dropped here; the rare page that
 * loses too many to ties is read again, larger.
 */
function leadPage (repo: Pick<LeadService, 'list'>, filters: LeadFilters, limit: number, before: string | undefined): { rows: LeadRow[]; nextBefore: string | null } {
  const after = before === undefined ? undefined : decodeBefore(before)
  for (let extra = 0; ; extra = extra * 2 + limit) {
    const want = limit + 1 + extra
    const rows = repo.list({ ...filters, beforeCreatedAt: after === undefined ? undefined : after.createdAt + 1, limit: want })
    const older = after === undefined ? rows : rows.filter((r) => r.createdAt < after.createdAt || r.leadId < after.leadId)
    if (older.length > limit || rows.length < want) {
      const page = older.slice(0, limit)
      const last = page[page.length - 1]
      return { rows: page, nextBefore: older.length > limit && last !== undefined ? encodeBefore(last) : null }
    }
  }
}

/** ISO 8601 with a zone, or epoch ms → epoch ms in the future. */
export function followUpMs (value: number | string | null | undefined, nowMs: number): number | null {
  if (value === undefined || value === null) return null
  const ms = typeof value === 'number' ? value : DateTime.fromISO(value).toMillis() // NaN for 30 February
  if (!Number.isSafeInteger(ms)) throw new InvalidInput('followUpAt', `"${value}" is not a date`)
  if (ms <= nowMs) throw new InvalidInput('followUpAt', `must be in the future (got ${new Date(ms).toISOString()})`)
  return ms
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog, now, statusMatrix: matrix } = app.services
  const leads = leadServiceOf(app)

  const checkStatus = (field: string, status: string): void => {
    if (!(status in matrix.statuses)) throw new InvalidInput(field, `unknown status "${status}" (known: ${Object.keys(matrix.statuses).join(', ')})`)
  }

  /** The lead, when this token may work on it: operators only on their own. */
  const leadFor = (req: FastifyRequest, leadId: string): LeadRow => {
    const auth = authOf(req)
    const lead = leads.get(leadId) // NotFound → 404
    if (!maySeeLead(auth, lead)) {
      throw new Forbidden(`an operator token may work only on its own operator's leads (${auth.operatorId ?? 'none'}); lead ${leadId} belongs to ${lead.ownerId ?? 'nobody'} and needs role supervisor or admin`)
    }
    return lead
  }

  const detail = (leadId: string) => ({
    lead: presentLead(viewLead(leads.get(leadId)), now(), matrix),
    events: leads.events(leadId).map(eventView),
    escalations: leads.steps(leadId).map(stepView)
  })

  app.get('/leads', {
    schema: { querystring: LeadListQuery, response: { 200: LeadPage, ...authErrors } }
  }, async (req) => {
    const auth = authOf(req)
    const { limit = 50, before, overdue, open, ...rest } = req.query
    if (rest.status !== undefined) checkStatus('status', rest.status)
    if (overdue === true && open === false) throw new InvalidInput('overdue', 'only open leads are overdue; leave out open=false')
    const closedRange = rest.closedFrom !== undefined || rest.closedTo !== undefined
    if (closedRange && (open === true || overdue === true)) throw new InvalidInput(rest.closedFrom !== undefined ? 'closedFrom' : 'closedTo', 'asks for closed leads; leave out open=true and overdue')
    if (rest.closedFrom !== undefined && rest.closedTo !== undefined && rest.closedTo <= rest.closedFrom) throw new InvalidInput('closedTo', `must be after closedFrom (${rest.closedFrom})`)
    let ownerId = rest.ownerId
    if (auth.role === 'operator') {
      if (ownerId !== undefined && ownerId !== auth.operatorId) {
        throw new Forbidden(`an operator token may list only its own leads (${auth.operatorId ?? 'none'}); other operators' leads need role supervisor or admin`)
      }
      if (auth.operatorId === null) return { leads: [], nextBefore: null }
      ownerId = auth.operatorId
    }
    const nowMs = now()
    const filters: LeadFilters = { ...rest, ownerId, open: overdue === true ? true : closedRange ? false : open, overdueAt: overdue === true ? nowMs : undefined }
    const page = leadPage(leads, filters, limit, before)
    return { leads: page.rows.map((row) => presentLead(viewLead(row), nowMs, matrix)), nextBefore: page.nextBefore }
  })

  app.get('/leads/:leadId', {
    schema: { params: LeadParams, response: { 200: LeadDetail, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    leadFor(req, req.params.leadId)
    return detail(req.params.leadId)
  })

  app.post('/leads/:leadId/status', {
    schema: { params: LeadParams, body: StatusBody, response: { 200: LeadDetail, 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { leadId } = leadFor(req, req.params.leadId)
    checkStatus('status', req.body.status)
    const followUpAt = followUpMs(req.body.followUpAt, now())
    leads.changeStatus(leadId, req.body.status, { actor: actorOf(authOf(req)), reason: req.body.reason ?? null, followUpAt, dealAmount: req.body.dealAmount ?? null })
    return detail(leadId)
  })

  app.post('/leads/:leadId/disposition', {
    schema: { params: LeadParams, body: DispositionBody, response: { 200: LeadDetail, 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { leadId } = leadFor(req, req.params.leadId)
    const followUpAt = followUpMs(req.body.followUpAt, now())
    leads.recordDisposition(leadId, req.body.outcome, { actor: actorOf(authOf(req)), reason: req.body.reason ?? null, followUpAt, dealAmount: req.body.dealAmount ?? null })
    return detail(leadId)
  })

  app.post('/leads/:leadId/owner', {
    onRequest: requireRole('supervisor'),
    schema: { params: LeadParams, body: OwnerBody, response: { 200: LeadDetail, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { leadId } = leadFor(req, req.params.leadId)
    const { operatorId } = req.body
    const operator = catalog.getOperator(operatorId)
    if (operator === undefined) throw new InvalidInput('operatorId', `unknown operator ${operatorId}`)
    if (operator.removedAt !== null) throw new InvalidInput('operatorId', `operator ${operatorId} was removed`)
    const actor = actorOf(authOf(req))
    leads.assignOwner(leadId, operatorId, actor, req.body.reason ?? `assigned by ${actor}`)
    return detail(leadId)
  })

  app.post('/leads/:leadId/notes', {
    schema: { params: LeadParams, body: NoteBody, response: { 200: LeadDetail, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { leadId } = leadFor(req, req.params.leadId)
    leads.addNote(leadId, req.body.text, actorOf(authOf(req)))
    return detail(leadId)
  })
}

export default routes
