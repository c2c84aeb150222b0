// API tokens. The secret is shown once at creation; the database keeps only its sha256, which is
// enough for 32 random bytes (nobody can guess their way back from the hash).
import { randomBytes } from 'node:crypto'
import { getOperator } from '../db/catalog-repo.js'
import type { Db } from '../db/open.js'
import { getToken, hashToken, insertToken, setToken, tokenByHash, type TokenView } from '../db/tokens-repo.js'
import { roles, type Role } from '../domain/roles.js'
import { InvalidInput, NotFound } from '../errors.js'
import { randomId } from '../ids.js'

export { getToken, hashToken, listTokens, type TokenView } from '../db/tokens-repo.js'

/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
export const lastUsedResolutionMs = 60_000
const tokenPrefix = 'rl_'

export interface TokenAuth {
  tokenId: string; role: Role; operatorId: string | null
  /** Set when a console user's session cookie (not a token) authenticated the request. */
  userId?: string
}

export interface NewToken { name: string; role: Role; operatorId?: string | null }

const isLiveOperator = (db: Db, operatorId: string | null): boolean => {
  const operator = operatorId === null ? undefined : getOperator(db, operatorId)
  return operator !== undefined && operator.removedAt === null
}

/** Creates a token; `token` is the secret, returned here and nowhere else. */
export function createToken (db: Db, input: NewToken, nowMs: number, tokenId: string = randomId('tok')): { token: string; view: TokenView } {
  const name = input.name.trim()
  if (name === '' || name.length > 200) throw new InvalidInput('name', 'must be 1 to 200 characters')
  if (!roles.includes(input.role)) throw new InvalidInput('role', `must be one of ${roles.join(', ')}`)
  const operatorId = input.operatorId ?? null
  if (input.role === 'operator' && operatorId === null) throw new InvalidInput('operatorId', 'an operator token must name the operator it acts as')
  if (operatorId !== null && !isLiveOperator(db, operatorId)) throw new InvalidInput('operatorId', `unknown operator ${operatorId}`)
  const token = tokenPrefix + randomBytes(32).toString('base64url')
  insertToken(db, { tokenId, name, role: input.role, operatorId, tokenHash: hashToken(token), createdAt: nowMs })
  return { token, view: getToken(db, tokenId)! }
}

/**
 * Who a presented token speaks for, or null when it is unknown or revoked. An operator token stops
 * working when its operator is removed. Notes the use, at most once a minute.
 */
export function verifyToken (db: Db, token: string, nowMs: number): TokenAuth | null {
  if (token === '' || token.length > 1024) return null
  const row = tokenByHash(db, hashToken(token), { live: true })
  if (row === undefined) return null
  if (row.role === 'operator' && !isLiveOperator(db, row.operatorId)) return null
  if (row.lastUsedAt === null || nowMs - row.lastUsedAt >= lastUsedResolutionMs) setToken(db, row.tokenId, { lastUsedAt: nowMs })
  return { tokenId: row.tokenId, role: row.role, operatorId: row.operatorId }
}

/** Revokes a token; revoking twice keeps the first revocation time. */
export function revokeToken (db: Db, tokenId: string, nowMs: number): TokenView {
  const row = getToken(db, tokenId)
  if (row === undefined) throw new NotFound('token', tokenId)
  if (row.revokedAt === null) setToken(db, tokenId, { revokedAt: nowMs })
  return getToken(db, tokenId)!
}

export type EnsuredAdminToken =
  | { status: 'created' | 'present'; tokenId: string }
  /** An admin revoked it through the API: it stays revoked until the configured value changes. */
  | { status: 'revoked'; tokenId: string }

export const bootstrapTokenName = 'bootstrap admin (RINGLEAD_HTTP_ADMIN_TOKEN)'

/** Makes the configured bootstrap secret a working admin token (stored hashed). Idempotent. */
export function ensureAdminToken (db: Db, token: string, nowMs: number, tokenId: string = randomId('tok')): EnsuredAdminToken {
  if (token.trim() === '') throw new InvalidInput('RINGLEAD_HTTP_ADMIN_TOKEN', 'must not be empty')
  const tokenHash = hashToken(token)
  const existing = tokenByHash(db, tokenHash, { live: false })
  if (existing !== undefined) {
    if (existing.revokedAt !== null) return { status: 'revoked', tokenId: existing.tokenId }
    if (existing.role !== 'admin') setToken(db, existing.tokenId, { role: 'admin' })
    return { status: 'present', tokenId: existing.tokenId }
  }
  insertToken(db, { tokenId, name: bootstrapTokenName, role: 'admin', operatorId: null, tokenHash, createdAt: nowMs })
  return { status: 'created', tokenId }
}
