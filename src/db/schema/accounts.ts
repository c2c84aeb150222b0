// Who may use ringlead: API tokens, console users, their sessions and failed logins.
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { operators } from './catalog.js'

export const apiTokens = sqliteTable('api_tokens', {
  tokenId: text('token_id').primaryKey(),
  name: text('name').notNull(),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull(),
  /** Operator the token acts as, for operator tokens. */
  operatorId: text('operator_id').references(() => operators.operatorId),
  /** sha256 of the token: tokens are long random strings, so a fast hash is enough. */
  tokenHash: text('token_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at')
}, (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)])

/** People who log in to the console. API tokens stay for systems. */
export const users = sqliteTable('users', {
  userId: text('user_id').primaryKey(),
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull(),
  /** The operator this person is on the phones; operators' users must have one. */
  operatorId: text('operator_id').references(() => operators.operatorId),
  /** Console language: ru | en. */
  language: text('language').notNull().default('ru'),
  /** The phone that rings when this person listens in on a call and has no operator (e.g. PJSIP/150). */
  phoneEndpoint: text('phone_endpoint'),
  /** scrypt$N$r$p$salt$hash (base64url). */
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  disabledAt: integer('disabled_at')
}, (t) => [uniqueIndex('users_username').on(t.username)])

/** Console sessions; only the sha256 of the cookie value is kept. */
export const sessions = sqliteTable('sessions', {
  sessionHash: text('session_hash').primaryKey(),
  userId: text('user_id').notNull().references(() => users.userId),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull()
}, (t) => [index('sessions_user').on(t.userId)])

/** Failed logins per username and address, for the lockout. */
export const loginFailures = sqliteTable('login_failures', {
  username: text('username').notNull(),
  ip: text('ip').notNull(),
  failures: integer('failures').notNull(),
  firstAt: integer('first_at').notNull(),
  lockedUntil: integer('locked_until')
}, (t) => [primaryKey({ columns: [t.username, t.ip] })])
