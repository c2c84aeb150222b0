// /api/operators: who answers calls, their skills, and pausing them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Operator } from '../../catalog/catalog-service.js'
import { NotFound } from '../../errors.js'
import { authOf, requireRole, requireSelfOr } from '../auth.js'
import type { Board } from '../services.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import {
  NewOperatorBody, OperatorList, OperatorListQuery, OperatorParams, OperatorPatchBody, OperatorView, PauseBody, SkillsBody
} from '../schemas/operators.js'

const withLive = (operator: Operator, board: Board | undefined) => ({
  ...operator,
  live: operator.removedAt === null ? board?.view(operator.operatorId) ?? null : null
})

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog, board } = app.services

  app.get('/operators', {
    schema: { querystring: OperatorListQuery, response: { 200: OperatorList, ...authErrors } }
  }, async (req) => {
    const auth = authOf(req)
    const all = catalog.listOperators({ includeRemoved: req.query.includeRemoved === true })
    // An operator token sees its own row only.
    const visible = auth.role === 'operator' ? all.filter((o) => o.operatorId === auth.operatorId) : all
    return { operators: visible.map((o) => withLive(o, board)) }
  })

  app.get('/operators/:operatorId', {
    onRequest: requireSelfOr('supervisor'),
    schema: { params: OperatorParams, response: { 200: OperatorView, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const operator = catalog.getOperator(req.params.operatorId)
    if (operator === undefined) throw new NotFound('operator', req.params.operatorId)
    return withLive(operator, board)
  })

  app.post('/operators', {
    onRequest: requireRole('admin'),
    schema: { body: NewOperatorBody, response: { 201: OperatorView, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    return reply.status(201).send(withLive(catalog.createOperator(req.body), board))
  })

  app.patch('/operators/:operatorId', {
    onRequest: requireRole('admin'),
    schema: { params: OperatorParams, body: OperatorPatchBody, response: { 200: OperatorView, 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req) => withLive(catalog.updateOperator(req.params.operatorId, req.body), board))

  app.delete('/operators/:operatorId', {
    onRequest: requireRole('admin'),
    schema: { params: OperatorParams, response: { 204: Type.Null(), 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    catalog.removeOperator(req.params.operatorId)
    return reply.status(204).send(null)
  })

  app.put('/operators/:operatorId/skills', {
    onRequest: requireRole('admin'),
    schema: { params: OperatorParams, body: SkillsBody, response: { 200: OperatorView, 404: ErrorBody, ...authErrors } }
  }, async (req) => withLive(catalog.replaceSkills(req.params.operatorId, req.body.skills), board))

  app.post('/operators/:operatorId/pause', {
    onRequest: requireSelfOr('supervisor'),
    schema: { params: OperatorParams, body: PauseBody, response: { 200: OperatorView, 404: ErrorBody, ...authErrors } }
  }, async (req) => withLive(catalog.pauseOperator(req.params.operatorId, req.body?.reason ?? null), board))

  app.post('/operators/:operatorId/unpause', {
    onRequest: requireSelfOr('supervisor'),
    schema: { params: OperatorParams, response: { 200: OperatorView, 404: ErrorBody, ...authErrors } }
  }, async (req) => withLive(catalog.unpauseOperator(req.params.operatorId), board))
}

export default routes
