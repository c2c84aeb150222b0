// /api/dialplan: preview the rendered dialplan as a diff, apply it, its versions, roll back. Admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { actorOf } from './leads.js'
import { authOf, requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { DialplanHistory, DialplanPreview, DialplanVersion, HistoryQuery, VersionParams } from '../schemas/pbx.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const dialplan = app.services.dialplan!
  const failures = { 422: ErrorBody, 502: ErrorBody, 503: ErrorBody }

  app.get('/dialplan/diff', {
    onRequest: requireRole('admin'),
    schema: { response: { 200: DialplanPreview, 422: ErrorBody, ...authErrors } }
  }, async () => dialplan.preview())

  app.post('/dialplan/apply', {
    onRequest: requireRole('admin'),
    schema: { response: { 200: DialplanVersion, ...failures, ...authErrors } }
  }, async (req) => await dialplan.apply(actorOf(authOf(req))))

  app.get('/dialplan/versions', {
    onRequest: requireRole('admin'),
    schema: { querystring: HistoryQuery, response: { 200: DialplanHistory, ...authErrors } }
  }, async (req) => ({ versions: dialplan.history(req.query.limit) }))

  app.get('/dialplan/versions/:versionId', {
    onRequest: requireRole('admin'),
    schema: { params: VersionParams, response: { 200: DialplanVersion, 404: ErrorBody, ...authErrors } }
  }, async (req) => dialplan.version(req.params.versionId))

  app.post('/dialplan/versions/:versionId/rollback', {
    onRequest: requireRole('admin'),
    schema: { params: VersionParams, response: { 200: DialplanVersion, 404: ErrorBody, ...failures, ...authErrors } }
  }, async (req) => await dialplan.rollback(req.params.versionId, actorOf(authOf(req))))
}

export default routes
