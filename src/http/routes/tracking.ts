// Call tracking: pools of numbers per traffic source (admin), and for shops' pages the number a
// visitor should see plus the script that swaps it in (no token: these are public).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { NumberQuery, NumberView, PoolBody, PoolList, PoolView, SourceParams } from '../schemas/pbx.js'

/** The script beside its module, or in the checkout's src/ when running from a build in dist/. */
function readSwapScript (): string {
  const candidates = ['../../pbx/tracking-script.js', '../../../../src/pbx/tracking-script.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)))
  const found = candidates.find((p) => existsSync(p))
  if (found === undefined) throw new Error(`tracking-script.js not found (looked in ${candidates.join(', ')})`)
  return readFileSync(found, 'utf8')
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { tracking, now } = app.services

  app.get('/tracking/pools', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: PoolList, ...authErrors } }
  }, async () => ({ pools: tracking.listPools(now()) }))

  app.put('/tracking/pools/:source', {
    onRequest: requireRole('admin'),
    schema: { params: SourceParams, body: PoolBody, response: { 200: PoolView, 409: ErrorBody, ...authErrors } }
  }, async (req) => tracking.putPool(req.params.source, req.body))
}

export const trackingPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tracking, now } = app.services
  const swapScript = readSwapScript()

  app.get('/api/tracking/number', {
    schema: { querystring: NumberQuery, response: { 200: NumberView, 400: ErrorBody, 404: ErrorBody } }
  }, async (req, reply) => {
    // Shops' pages live on other origins; the answer holds nothing private.
    void reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store')
    const { source, visitor, ...utm } = req.query
    const got = tracking.numberForVisitor(req.log, { source, visitor, utm }, now())
    return { number: got.number, pooled: got.pooled, expiresAt: got.expiresAt }
  })

  app.get('/tracking.js', async (_req, reply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(swapScript))
}

export default routes
