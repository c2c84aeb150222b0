// Supervisors judge QA findings: a finding marked wrong (and taken back), and each rule's precision.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFound } from '../../errors.js'
import { authOf, requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { FindingParams, FindingVerdict, RulePrecisionView, VerdictBody } from '../schemas/speech.js'
import { sessionUserOf } from '../session.js'
import { actorOf } from './leads.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { now } = app.services
  const speech = app.services.speech!

  app.post('/calls/:callId/qa/findings/:findingIndex/verdict', {
    onRequest: requireRole('supervisor'),
    schema: { params: FindingParams, body: VerdictBody, response: { 200: Type.Intersect([FindingVerdict, Type.Object({ callId: Type.String(), findingIndex: Type.Integer(), ruleId: Type.String() })]), 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { callId, findingIndex } = req.params
    if (speech.callAccess(callId, authOf(req)) === 'unknown') throw new NotFound('call', callId)
    const by = sessionUserOf(req)?.displayName ?? actorOf(authOf(req))
    const v = speech.markFindingWrong(callId, findingIndex, req.body.note ?? null, by, now())
    req.log.info({ callId, findingIndex, ruleId: v.ruleId }, 'QA finding marked wrong')
    return { callId, findingIndex, ...v }
  })

  app.delete('/calls/:callId/qa/findings/:findingIndex/verdict', {
    onRequest: requireRole('supervisor'),
    schema: { params: FindingParams, response: { 204: Type.Null(), 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    const { callId, findingIndex } = req.params
    speech.unmarkFinding(callId, findingIndex)
    req.log.info({ callId, findingIndex }, 'QA finding verdict taken back')
    return await reply.code(204).send(null)
  })

  app.get('/qa/rule-precision', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: RulePrecisionView, ...authErrors } }
  }, async () => ({ ruleSets: speech.rulePrecision() }))
}

export default routes
