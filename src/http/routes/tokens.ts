// /api/tokens: API tokens, admin only. The secret appears once, in the answer to POST.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { CreatedToken, NewTokenBody, TokenList, TokenParams } from '../schemas/tokens.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts, now } = app.services
  app.addHook('onRequest', requireRole('admin'))

  app.get('/tokens', {
    schema: { response: { 200: TokenList, ...authErrors } }
  }, async () => ({ tokens: accounts.listTokens() }))

  app.post('/tokens', {
    schema: { body: NewTokenBody, response: { 201: CreatedToken, ...authErrors } }
  }, async (req, reply) => {
    const { token, view } = accounts.createToken(req.body, now())
    req.log.info({ tokenId: view.tokenId, role: view.role }, 'token created')
    return reply.status(201).send({ token, ...view })
  })

  app.delete('/tokens/:tokenId', {
    schema: { params: TokenParams, response: { 204: Type.Null(), 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    accounts.revokeToken(req.params.tokenId, now())
    req.log.info({ tokenId: req.params.tokenId }, 'token revoked')
    return reply.status(204).send(null)
  })
}

export default routes
