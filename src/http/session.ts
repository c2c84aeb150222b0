// The console's session cookie and CSRF check, shared by the pages and the /api scope.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UserView } from '../accounts/user-service.js'

export const sessionCookie = 'rl_session'
/** A random value for visitors not logged in, so the login and first-run forms' tokens are theirs alone. */
export const preSessionCookie = 'rl_pre'

declare module 'fastify' {
  interface FastifyRequest {
    /** The console user of the session cookie: undefined until looked up, null when none. */
    consoleUser: UserView | null | undefined
    /** The pre-session value set on this very response (the request's cookies do not have it yet). */
    preSession: string | undefined
  }
}

/** The logged-in console user, looked up once per request. */
export function sessionUserOf (req: FastifyRequest): UserView | null {
  if (req.consoleUser !== undefined) return req.consoleUser
  const secret = (req.cookies as Record<string, string | undefined> | undefined)?.[sessionCookie]
  const { accounts, now } = req.server.services
  req.consoleUser = secret === undefined ? null : accounts.userOfSession(secret, now())
  return req.consoleUser
}

/**
 * What a CSRF token is bound to: the session (its cookie's hash, never the cookie itself), or before
 * login the pre-session cookie. A token taken from one browser's page is refused with another
 * session, even alongside that browser's CSRF secret cookie. '' (no binding) verifies nothing.
 */
export function csrfUserInfo (req: FastifyRequest): string {
  const cookies = (req.cookies ?? {}) as Record<string, string | undefined>
  const session = cookies[sessionCookie]
  if (session !== undefined && session !== '') return `s:${createHash('sha256').update(session, 'utf8').digest('base64url')}`
  const pre = req.preSession ?? cookies[preSessionCookie]
  return pre !== undefined && pre !== '' ? `p:${pre}` : ''
}

/** The CSRF token for a page; gives a visitor without a session a pre-session cookie first. */
export function csrfTokenFor (req: FastifyRequest, reply: FastifyReply, cookieOpts: Record<string, unknown>): string {
  if (csrfUserInfo(req) === '') {
    req.preSession = randomBytes(18).toString('base64url')
    void reply.setCookie(preSessionCookie, req.preSession, { ...cookieOpts, path: '/', httpOnly: true, sameSite: 'strict' })
  }
  return reply.generateCsrf({ userInfo: csrfUserInfo(req) })
}

/**
 * onRequest hook after authenticate: a write made with the session cookie must carry the CSRF token
 * of this browser and session (x-csrf-token header or _csrf form field); bearer tokens need none.
 */
export function csrfForSessions (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.auth?.userId === undefined) return done()
  req.server.csrfProtection(req, reply, done)
}
