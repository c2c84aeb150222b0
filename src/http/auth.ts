// Bearer tokens, console sessions and roles. Roles nest: admin ⊃ supervisor ⊃ operator for reading; writes to the
// catalog and tokens are admin only; operators act only on themselves.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Role } from '../domain/roles.js'
import type { TokenAuth } from '../accounts/token-service.js'
import { Forbidden, Unauthorized } from './errors.js'
import { sessionUserOf } from './session.js'

const rank: Record<Role, number> = { operator: 0, supervisor: 1, admin: 2 }

/**
 * onRequest hook: every /api route but health passes through it. Systems send a bearer token; the
 * console's pages send their session cookie, and with it a CSRF token on anything that writes
 * (checked by csrfForSessions, right after this hook).
 */
export async function authenticate (req: FastifyRequest): Promise<void> {
  const header = req.headers.authorization
  if (header === undefined || header === '') {
    const user = sessionUserOf(req)
    if (user === null) throw new Unauthorized('missing Authorization header: send Authorization: Bearer <token>')
    req.auth = { tokenId: `session:${user.userId}`, role: user.role, operatorId: user.operatorId, userId: user.userId }
    return
  }
  const match = /^Bearer +(\S+) *$/i.exec(header)
  if (match === null) throw new Unauthorized('Authorization header must be "Bearer <token>"')
  const { accounts, now } = req.server.services
  const auth = accounts.verifyToken(match[1]!, now())
  if (auth === null) throw new Unauthorized('unknown or revoked API token')
  req.auth = auth
}

export function authOf (req: FastifyRequest): TokenAuth {
  if (req.auth === null) throw new Unauthorized('not authenticated') // a route outside the authenticated scope
  return req.auth
}

const needed = (min: Role): string => (min === 'admin' ? 'admin' : min === 'supervisor' ? 'supervisor or admin' : 'operator, supervisor or admin')

/** Throws Forbidden unless the token has at least role `min`. */
export function assertRole (req: FastifyRequest, min: Role): TokenAuth {
  const auth = authOf(req)
  if (rank[auth.role] < rank[min]) throw new Forbidden(`this needs role ${needed(min)}; the token has role ${auth.role}`)
  return auth
}

/** Route hook: at least role `min`. */
export function requireRole (min: Role): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, _reply: FastifyReply) => { assertRole(req, min) }
}

/** Throws Forbidden unless the token may act on `operatorId`: it is that operator, or has at least role `min`. */
export function assertSelfOr (req: FastifyRequest, operatorId: string, min: Role): TokenAuth {
  const auth = authOf(req)
  if (rank[auth.role] >= rank[min]) return auth
  if (auth.operatorId !== null && auth.operatorId === operatorId) return auth
  throw new Forbidden(`an operator token may act only on its own operator (${auth.operatorId ?? 'none'}); for ${operatorId} this needs role ${needed(min)}`)
}

/** Route hook for /operators/:operatorId/…: self, or at least role `min`. */
export function requireSelfOr (min: Role): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    assertSelfOr(req, (req.params as { operatorId?: string }).operatorId ?? '', min)
  }
}
