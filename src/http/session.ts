// The console's session cookie and CSRF check, shared by the pages and the /api scope.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { userOfSession, type UserView } from '../db/users-repo.js'

export const sessionCookie = 'rl_session'

declare module 'fastify' {
  interface FastifyRequest {
    /** The console user of the session cookie: undefined until looked up, null when none. */
    consoleUser: UserView | null | undefined
  }
}

/** The logged-in console user, looked up once per request. */
export function sessionUserOf (req: FastifyRequest): UserView | null {
  if (req.consoleUser !== undefined) return req.consoleUser
  const secret = (req.cookies as Record<string, string | undefined> | undefined)?.[sessionCookie]
  const { db, now } = req.server.services
  req.consoleUser = secret === undefined ? null : userOfSession(db, secret, now())
  return req.consoleUser
}

/**
 * onRequest hook after authenticate: a write made with the session cookie must carry the CSRF token
 * of this browser (x-csrf-token header or _csrf form field); bearer tokens need none.
 */
export function csrfForSessions (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.auth?.userId === undefined) return done()
  req.server.csrfProtection(req, reply, done)
}
