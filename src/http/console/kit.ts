// What the console's page modules share: rendering, the visitor's language, guarded routes and the
// one way to redirect (through safeTarget).
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Role } from '../../domain/roles.js'
import type { UserView } from '../../accounts/user-service.js'
import type { Lang } from './i18n.js'

/** A JSON API answer as a page reads it. */
export interface ApiAnswer { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ConsoleKit {
  render (req: FastifyRequest, reply: FastifyReply, view: string, ctx?: Record<string, unknown>, status?: number): FastifyReply
  langOf (req: FastifyRequest): Lang
  /** Redirects to `target` when it is a path on this site, else to '/'. */
  go (reply: FastifyReply, target: unknown): FastifyReply
  page (min: Role): { onRequest: onRequestAsyncHookHandler }
  userOf (req: FastifyRequest): UserView
  cookieBase: { path: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean | 'auto' }
  sessionTtlMs: number
  /** GET the JSON API as the visitor (their cookie, so the API's role checks apply). */
  api (req: FastifyRequest, url: string): Promise<ApiAnswer>
}
