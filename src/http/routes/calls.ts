// /api/calls: every call, and the whole story of one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { NotFound } from '../../errors.js'
import { authOf } from '../auth.js'
import { Forbidden } from '../errors.js'
import { CallListQuery, CallPage, CallParams, CallStory, OutboundAccepted, OutboundBody } from '../schemas/calls.js'
import { actorOf } from './leads.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { InvalidInput, Unavailable } from '../../errors.js'
import { maySeeLead } from './leads.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { customers, callRecords } = app.services

  app.get('/calls', {
    schema: { querystring: CallListQuery, response: { 200: CallPage, ...authErrors } }
  }, async (req) => {
    const auth = authOf(req)
    const { from, to, ...rest } = req.query
    let operatorId = rest.operatorId
    if (auth.role === 'operator') {
      if (operatorId !== undefined && operatorId !== auth.operatorId) {
        throw new Forbidden(`an operator token may list only its own calls (${auth.operatorId ?? 'none'}); other operators' calls need role supervisor or admin`)
      }
      operatorId = auth.operatorId ?? undefined
    }
    return callRecords.list({ ...rest, operatorId, fromMs: from, toMs: to })
  })

  // Click-to-call: the operator's phone rings first, then the customer's. 202: the call is under way;
  // its story is GET /api/calls/:callId.
  app.post('/calls/outbound', {
    schema: { body: OutboundBody, response: { 202: OutboundAccepted, 404: ErrorBody, 503: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    const auth = authOf(req)
    const body = req.body
    let operatorId = body.operatorId
    if (auth.role === 'operator') {
      if (auth.operatorId === null) throw new Forbidden('this operator token is bound to no operator; it cannot place calls')
      if (operatorId !== undefined && operatorId !== auth.operatorId) {
        throw new Forbidden(`an operator token may call only as its own operator (${auth.operatorId}); calling as ${operatorId} needs role supervisor or admin`)
      }
      operatorId = auth.operatorId
      // Naming a lead or customer ties the call, and its story, to them: only the operator's own.
      const lead = body.leadId === undefined ? undefined : customers.leadOwner(body.leadId)
      if (lead !== undefined && !maySeeLead(auth, lead)) {
        throw new Forbidden(`an operator token may call only about its own operator's leads (${auth.operatorId}); lead ${body.leadId} needs role supervisor or admin`)
      }
      if (body.customerId !== undefined && !customers.operatorKnows(body.customerId, auth.operatorId)) {
        throw new Forbidden(`an operator token may call only customers its operator served or owns a lead of; customer ${body.customerId} needs role supervisor or admin`) // unknown customer: 404
      }
    }
    if (operatorId === undefined) throw new InvalidInput('operatorId', 'name the operator whose phone places the call')
    const place = app.services.outbound
    if (place === undefined) throw new Unavailable('outbound calls are not available: no call center runs in this process')
    const { callId } = place({
      phone: body.phone, operatorId, leadId: body.leadId, customerId: body.customerId, source: body.source, categoryId: body.categoryId, actor: actorOf(auth)
    })
    return reply.code(202).send({ callId, operatorId, status: 'ringing_operator' as const })
  })

  app.get('/calls/:callId', {
    schema: { params: CallParams, response: { 200: CallStory, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const auth = authOf(req)
    const story = callRecords.story(req.params.callId)
    if (story === undefined) throw new NotFound('call', req.params.callId)
    if (auth.role === 'operator' && (auth.operatorId === null || !callRecords.isOperatorOnCall(req.params.callId, auth.operatorId))) {
      throw new Forbidden(`an operator token may read only calls its operator answered or was rung for; call ${req.params.callId} needs role supervisor or admin`)
    }
    const { speech } = app.services
    if (speech === undefined) return story
    const rows = story.recordings.map((r) => ({ r, row: speech.recording(r.recordingId) }))
    const recordings = rows.map(({ r, row }) => {
      const kept = r.status === 'stored' && row?.deletedAt === null
      return { ...r, golden: row?.golden ?? false, deletedAt: row?.deletedAt ?? null, url: kept ? `/api/calls/${story.call.callId}/recordings/${r.recordingId}` : null }
    })
    // The whole conversation plays from one address: the mixed recording, or the parties in stereo.
    const conversationUrl = speech.hasConversation(rows.map(({ row }) => row)) ? `/api/calls/${story.call.callId}/conversation` : null
    return { ...story, recordings, conversationUrl, speech: { ...speech.transcript(story.call.callId) } }
  })
}

export default routes
