// GET /api/health: no token needed. Degraded when the database does not answer or a part says so.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody } from '../schemas/common.js'
import { Health } from '../schemas/health.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { health } = app.services
  app.get('/health', { schema: { response: { 200: Health, 500: ErrorBody } } }, async (req) => health.report(req.log))
}

export default routes
