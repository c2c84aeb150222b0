// Call tracking: pools of numbers per traffic source (admin), and for shops' pages the number a
// visitor should see plus the script that swaps it in (no token: these are public).
import { readFileSync } from 'node:fs'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listPools, numberForVisitor, putPool } from '../../pbx/tracking-pools.js'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { NumberQuery, NumberView, PoolBody, PoolList, PoolView, SourceParams } from '../schemas/pbx.js'

const swapScript = readFileSync(new URL('../../pbx/tracking-script.js', import.meta.url), 'utf8')

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, catalog, now } = app.services

  app.get('/tracking/pools', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: PoolList, ...authErrors } }
  }, async () => ({ pools: listPools(db, now()) }))

  app.put('/tracking/pools/:source', {
    onRequest: requireRole('admin'),
    schema: { params: SourceParams, body: PoolBody, response: { 200: PoolView, 409: ErrorBody, ...authErrors } }
  }, async (req) => putPool(catalog, req.params.source, req.body))
}

export const trackingPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config, now } = app.services

  app.get('/api/tracking/number', {
    schema: { querystring: NumberQuery, response: { 200: NumberView, 400: ErrorBody, 404: ErrorBody } }
  }, async (req, reply) => {
    // Shops' pages live on other origins; the answer holds nothing private.
    void reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store')
    const { source, visitor, ...utm } = req.query
    const got = numberForVisitor({ db, log: req.log, newId: app.services.catalog.newId, defaultHoldMinutes: config.tracking.holdMinutes }, { source, visitor, utm }, now())
    return { number: got.number, pooled: got.pooled, expiresAt: got.expiresAt }
  })

  app.get('/tracking.js', async (_req, reply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(swapScript))
}

export default routes
