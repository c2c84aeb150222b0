// GET /api/health: no token needed. Degraded when the database does not answer or a part says so.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import { ErrorBody } from '../schemas/common.js'
import { Health } from '../schemas/health.js'

/** A part reports trouble as `{ ok: false }`, `'down'`/`'disconnected'`, or `status: 'degraded'`. */
function isTrouble (value: unknown): boolean {
  if (value === 'down' || value === 'disconnected' || value === 'degraded') return true
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, health } = app.services

  app.get('/health', { schema: { response: { 200: Health, 500: ErrorBody } } }, async (req) => {
    let parts: Record<string, unknown> = {}
    let degraded = false
    try {
      db.get(sql`select 1`)
      parts.db = 'ok'
    } catch (err) {
      req.log.error({ err }, 'health: database check failed')
      parts.db = 'down'
      degraded = true
    }
    try {
      parts = { ...parts, ...(health?.() ?? {}) }
    } catch (err) {
      req.log.error({ err }, 'health: probe failed')
      parts.probe = 'failed'
      degraded = true
    }
    if (Object.values(parts).some(isTrouble)) degraded = true
    return { ...parts, status: degraded ? 'degraded' as const : 'ok' as const }
  })
}

export default routes
