// POST /api/calls/{callId}/listen: a supervisor listens in on a talking call from their own phone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { InvalidInput, Unavailable } from '../../errors.js'
import { requireRole } from '../auth.js'
import { authOf } from '../auth.js'
import { CallParams } from '../schemas/calls.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { ListenAccepted, ListenBody } from '../schemas/supervision.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // 202: the supervisor's phone rings; on answer they hear the call. The session's steps go on the
  // call's story (GET /api/calls/:callId, `supervision`).
  app.post('/calls/:callId/listen', {
    onRequest: requireRole('supervisor'),
    schema: { params: CallParams, body: ListenBody, response: { 202: ListenAccepted, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    const auth = authOf(req)
    const userId = req.body?.userId ?? auth.userId
    if (userId === undefined) throw new InvalidInput('userId', 'an API token must name the user whose phone rings')
    const listen = app.services.listen
    if (listen === undefined) throw new Unavailable('listening in is not available: no call center runs in this process')
    return reply.code(202).send(listen({ callId: req.params.callId, userId, mode: req.body?.mode ?? 'listen' }))
  })
}

export default routes
