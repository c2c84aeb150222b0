// Per-address rate limits (@fastify/rate-limit) on what anyone may call without logging in: the
// login form, the public intake and the tracking number. Over the limit: 429 with Retry-After.
import { createHash, timingSafeEqual } from 'node:crypto'
import rateLimit, { type errorResponseBuilderContext } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { RingleadError } from '../errors.js'

export class RateLimited extends RingleadError {
  constructor (retryAfterSeconds: number) {
    super('RATE_LIMITED', `too many requests from this address; try again in ${retryAfterSeconds} s (see the Retry-After header)`)
  }
}

export const rateLimited = (_req: FastifyRequest, ctx: errorResponseBuilderContext): RateLimited => new RateLimited(Math.ceil(ctx.ttl / 1000))

const sameSecret = (given: unknown, expected: string): boolean => {
  if (typeof given !== 'string' || expected === '') return false
  const a = createHash('sha256').update(given).digest()
  return timingSafeEqual(a, createHash('sha256').update(expected).digest())
}

/**
 * Systems that prove who they are (a valid API token, or Telegram with its webhook secret) are not
 * counted: the limit is for anonymous callers.
 */
function identified (req: FastifyRequest): boolean {
  const { accounts, now, config } = req.server.services
  const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')
  if (bearer !== null && accounts.verifyToken(bearer[1]!, now()) !== null) return true
  return sameSecret(req.headers['x-telegram-bot-api-secret-token'], config.telegram.secretToken)
}

/** Registers `routes` in a scope of their own where every route allows `perMinute` requests per address. */
export async function registerLimited (app: FastifyInstance, routes: FastifyPluginAsync, perMinute: number, opts: Record<string, unknown> = {}): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(rateLimit, { global: true, max: perMinute, timeWindow: 60_000, allowList: identified, errorResponseBuilder: rateLimited })
    await scope.register(routes, opts)
  })
}
