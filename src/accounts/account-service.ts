// The account services bound to one store: API tokens, console users and their sessions, golden
// calls. The HTTP layer holds this object, never the database; each method is the function-style
// service of token-service.ts or user-service.ts with the store filled in.
import type { Db } from '../db/open.js'
import * as tokens from './token-service.js'
import * as users from './user-service.js'

export class AccountService {
  constructor (private readonly db: Db) {}

  // ---- API tokens ----
  verifyToken (token: string, nowMs: number): tokens.TokenAuth | null { return tokens.verifyToken(this.db, token, nowMs) }
  listTokens (): tokens.TokenView[] { return tokens.listTokens(this.db) }
  createToken (input: tokens.NewToken, nowMs: number): { token: string; view: tokens.TokenView } { return tokens.createToken(this.db, input, nowMs) }
  revokeToken (tokenId: string, nowMs: number): tokens.TokenView { return tokens.revokeToken(this.db, tokenId, nowMs) }
  ensureAdminToken (token: string, nowMs: number): tokens.EnsuredAdminToken { return tokens.ensureAdminToken(this.db, token, nowMs) }

  // ---- users and sessions ----
  countUsers (): number { return users.countUsers(this.db) }
  getUser (userId: string): users.UserView | undefined { return users.getUser(this.db, userId) }
  listUsers (): users.UserView[] { return users.listUsers(this.db) }
  async createUser (input: users.NewUser, nowMs: number): Promise<users.UserView> { return await users.createUser(this.db, input, nowMs) }
  async updateUser (userId: string, change: users.UserChange, nowMs: number): Promise<users.UserView> { return await users.updateUser(this.db, userId, change, nowMs) }
  async login (username: string, password: string, ip: string, nowMs: number, lockout: users.LockoutSettings): Promise<users.LoginResult> {
    return await users.login(this.db, username, password, ip, nowMs, lockout)
  }

  createSession (userId: string, nowMs: number, ttlMs: number): string { return users.createSession(this.db, userId, nowMs, ttlMs) }
  userOfSession (secret: string, nowMs: number): users.UserView | null { return users.userOfSession(this.db, secret, nowMs) }
  deleteSession (secret: string): void { users.deleteSession(this.db, secret) }

  // ---- golden calls ----
  listGolden (): users.GoldenCall[] { return users.listGolden(this.db) }
  markGolden (callId: string, note: string, markedBy: string, nowMs: number): users.GoldenCall { return users.markGolden(this.db, callId, note, markedBy, nowMs) }
  unmarkGolden (callId: string): void { users.unmarkGolden(this.db, callId) }
}
