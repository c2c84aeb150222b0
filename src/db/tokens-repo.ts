// API tokens. The secret is shown once at creation; the database keeps only its sha256, which is
// enough for 32 random bytes (nobody can guess their way back from the hash).
import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { InvalidInput, NotFound } from '../errors.js'
import { roles, type Role } from '../domain/roles.js'
import { randomId } from '../ids.js'
import { getOperator } from './catalog-repo.js'
import type { Db } from './open.js'
import { apiTokens } from './schema.js'

/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
export const lastUsedResolutionMs = 60_000
const tokenPrefix = 'rl_'

export interface TokenView {
  tokenId: string
  name: string
  role: Role
  operatorId: string | null
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

export interface TokenAuth {
  tokenId: string; role: Role; operatorId: string | null
  /** Set when a console user's session cookie (not a token) authenticated the request. */
  userId?: string
}

export interface NewToken { name: string; role: Role; operatorId?: string | null }

export function hashToken (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const view = (row: typeof apiTokens.$inferSelect): TokenView => ({
  tokenId: row.tokenId,
  name: row.name,
  role: row.role,
  operatorId: row.operatorId,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt
})

/** Creates a token; `token` is the secret, returned here and nowhere else. */
export function createToken (db: Db, input: NewToken, nowMs: number, tokenId: string = randomId('tok')): { token: string; view: TokenView } {
  const name = input.name.trim()
  if (name === '' || name.length > 200) throw new InvalidInput('name', 'must be 1 to 200 characters')
  if (!roles.includes(input.role)) throw new InvalidInput('role', `must be one of ${roles.join(', ')}`)
  const operatorId = input.operatorId ?? null
  if (input.role === 'operator' && operatorId === null) throw new InvalidInput('operatorId', 'an operator token must name the operator it acts as')
  if (operatorId !== null) {
    const operator = getOperator(db, operatorId)
    if (operator === undefined || operator.removedAt !== null) throw new InvalidInput('operatorId', `unknown operator ${operatorId}`)
  }
  const token = tokenPrefix + randomBytes(32).toString('base64url')
  db.insert(apiTokens).values({ tokenId, name, role: input.role, operatorId, tokenHash: hashToken(token), createdAt: nowMs }).run()
  return { token, view: view(db.select().from(apiTokens).where(eq(apiTokens.tokenId, tokenId)).get()!) }
}

/**
 * Who a presented token speaks for, or null when it is unknown or revoked. An operator token stops
 * working when its operator is removed. Notes the use, at most once a minute.
 */
export function verifyToken (db: Db, token: string, nowMs: number): TokenAuth | null {
  if (token === '' || token.length > 1024) return null
  const row = db.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt))).get()
  if (row === undefined) return null
  if (row.role === 'operator') {
    const operator = row.operatorId === null ? undefined : getOperator(db, row.operatorId)
    if (operator === undefined || operator.removedAt !== null) return null
  }
  if (row.lastUsedAt === null || nowMs - row.lastUsedAt >= lastUsedResolutionMs) {
    db.update(apiTokens).set({ lastUsedAt: nowMs }).where(eq(apiTokens.tokenId, row.tokenId)).run()
  }
  return { tokenId: row.tokenId, role: row.role, operatorId: row.operatorId }
}

/** Every token, revoked ones included, oldest first (ties in creation order). Never the secrets: they are not stored. */
export function listTokens (db: Db): TokenView[] {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(sql`rowid`)).all().map(view)
}

export function getToken (db: Db, tokenId: string): TokenView | undefined {
  const row = db.select().from(apiTokens).where(eq(apiTokens.tokenId, tokenId)).get()
  return row === undefined ? undefined : view(row)
}

/** Revokes a token; revoking twice keeps the first revocation time. */
export function revokeToken (db: Db, tokenId: string, nowMs: number): TokenView {
  const row = getToken(db, tokenId)
  if (row === undefined) throw new NotFound('token', tokenId)
  if (row.revokedAt === null) db.update(apiTokens).set({ revokedAt: nowMs }).where(eq(apiTokens.tokenId, tokenId)).run()
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
  const existing = db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).get()
  if (existing !== undefined) {
    if (existing.revokedAt !== null) return { status: 'revoked', tokenId: existing.tokenId }
    if (existing.role !== 'admin') db.update(apiTokens).set({ role: 'admin' }).where(eq(apiTokens.tokenId, existing.tokenId)).run()
    return { status: 'present', tokenId: existing.tokenId }
  }
  db.insert(apiTokens).values({ tokenId, name: bootstrapTokenName, role: 'admin', operatorId: null, tokenHash, createdAt: nowMs }).run()
  return { status: 'created', tokenId }
}
