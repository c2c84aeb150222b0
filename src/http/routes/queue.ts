// /api/queue: callers waiting for a free operator now, and how waits ended, hour by hour.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { QueueStats, QueueStatsQuery, WaitingList } from '../schemas/queue.js'
import { InvalidInput } from '../../errors.js'

const dayMs = 86_400_000

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { callRecords, waiting, now } = app.services

  app.get('/queue', {
    onRequest: requireRole('operator'),
    schema: { response: { 200: WaitingList, ...authErrors } }
  }, async () => ({ waiting: waiting() }))

  app.get('/queue/stats', {
    onRequest: requireRole('supervisor'),
    schema: { querystring: QueueStatsQuery, response: { 200: QueueStats, ...authErrors } }
  }, async (req) => {
    const to = req.query.to ?? now()
    const from = req.query.from ?? to - dayMs
    if (from >= to) throw new InvalidInput('from', 'must be before to')
    if (to - from > 93 * dayMs) throw new InvalidInput('to', 'a range of at most 93 days')
    return { from, to, hours: callRecords.queueByHour(from, to) }
  })
}

export default routes
