// API tokens as stored: the database keeps only the secret's sha256. Plain reads and writes; the
// checks and the secret itself belong to src/accounts/token-service.ts.
import { createHash } from 'node:crypto'
import { asc, eq, sql, and, isNull } from 'drizzle-orm'
import type { Role } from '../domain/roles.js'
import type { Db } from './open.js'
import { apiTokens } from './schema.js'

export interface TokenView {
  tokenId: string
  name: string
  role: Role
  operatorId: string | null
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

export type TokenRow = typeof apiTokens.$inferSelect

export function hashToken (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const view = (row: TokenRow): TokenView => ({
  tokenId: row.tokenId,
  name: row.name,
  role: row.role,
  operatorId: row.operatorId,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt
})

export function insertToken (db: Db, row: typeof apiTokens.$inferInsert): void {
  db.insert(apiTokens).values(row).run()
}

/** The token with this secret's hash, revoked ones included. */
export function tokenByHash (db: Db, tokenHash: string, options: { live: boolean }): TokenRow | undefined {
  const byHash = eq(apiTokens.tokenHash, tokenHash)
  return db.select().from(apiTokens).where(options.live ? and(byHash, isNull(apiTokens.revokedAt)) : byHash).get()
}

export function setToken (db: Db, tokenId: string, set: Partial<Pick<TokenRow, 'lastUsedAt' | 'revokedAt' | 'role'>>): void {
  db.update(apiTokens).set(set).where(eq(apiTokens.tokenId, tokenId)).run()
}

/** Every token, revoked ones included, oldest first (ties in creation order). Never the secrets: they are not stored. */
export function listTokens (db: Db): TokenView[] {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(sql`rowid`)).all().map(view)
}

export function getToken (db: Db, tokenId: string): TokenView | undefined {
  const row = db.select().from(apiTokens).where(eq(apiTokens.tokenId, tokenId)).get()
  return row === undefined ? undefined : view(row)
}
