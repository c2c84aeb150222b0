// Console users, their sessions and the login lockout. Passwords are stored as scrypt hashes;
// session cookies as their sha256 (the cookie holds 32 random bytes, the hash cannot be reversed).
import { endpointPattern } from '../catalog/catalog-rules.js'
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { getOperator } from '../db/catalog-repo.js'
import { clearFailures, reserveAttempt, settleFailure, type LockoutSettings } from '../db/login-attempts.js'
import type { Db } from '../db/open.js'
import {
  deleteExpiredSessions, deleteGolden, deleteSessionByHash, deleteSessionsOf, getUser, insertSession, insertUser, languages,
  sessionWithUser, setRecordingsGolden, setUser, touchSession, userByName, userRow, userView, writeGolden,
  type GoldenCall, type Language, type UserView
} from '../db/users-repo.js'
import { judgePassword } from '../domain/password.js'
import { roles, type Role } from '../domain/roles.js'
import { hasUnsafeNameChars, unsafeNameHint } from '../domain/text.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { randomId } from '../ids.js'

export { countUsers, getUser, languages, listGolden, listUsers, type GoldenCall, type Language, type UserView } from '../db/users-repo.js'
export type { LockoutSettings }

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>
/** scrypt at N=2^15, r=8: about 50 ms and 32 MiB per hash, twice Node's default work factor. */
const scryptParams = { N: 2 ** 15, r: 8, p: 1 }

export interface NewUser { username: string; displayName?: string; role: Role; operatorId?: string | null; phoneEndpoint?: string | null; language?: Language; password: string }

export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, 32, { ...scryptParams, maxmem: 256 * 1024 * 1024 })
  return ['scrypt', scryptParams.N, scryptParams.r, scryptParams.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

export async function checkPassword (password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$')
  if (kind !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 })
  return timingSafeEqual(actual, expected)
}

function checkPasswordRules (password: string, personal: readonly string[]): void {
  const verdict = judgePassword(password, personal)
  if (!verdict.ok) throw new InvalidInput('password', verdict.reason)
}

function checkDisplayName (displayName: string): void {
  if (displayName.length > 200) throw new InvalidInput('displayName', 'must be at most 200 characters')
  if (hasUnsafeNameChars(displayName)) throw new InvalidInput('displayName', `must ${unsafeNameHint}`)
}

const isLiveOperator = (db: Db, operatorId: string): boolean => {
  const op = getOperator(db, operatorId)
  return op !== undefined && op.removedAt === null
}

function checkOperatorLink (db: Db, role: Role, operatorId: string | null): void {
  if (role === 'operator' && operatorId === null) throw new InvalidInput('operatorId', 'an operator user must be linked to the operator they are on the phones')
  if (operatorId !== null && !isLiveOperator(db, operatorId)) throw new InvalidInput('operatorId', `unknown operator ${operatorId}`)
}

/** A phone for listening in is an Asterisk dial string, as an operator's endpoint is (PJSIP/150). */
function checkPhoneEndpoint (endpoint: string | null): string | null {
  if (endpoint === null) return null
  if (!new RegExp(endpointPattern).test(endpoint)) throw new InvalidInput('phoneEndpoint', `${JSON.stringify(endpoint)} is not a dial string like PJSIP/150`)
  return endpoint
}

export async function createUser (db: Db, input: NewUser, nowMs: number, userId: string = randomId('usr')): Promise<UserView> {
  const username = input.username.trim().toLowerCase()
  if (!/^[a-z0-9._@-]{2,64}$/.test(username)) throw new InvalidInput('username', 'must be 2 to 64 of a-z 0-9 . _ @ -')
  if (!roles.includes(input.role)) throw new InvalidInput('role', `must be one of ${roles.join(', ')}`)
  const language = input.language ?? 'ru'
  if (!languages.includes(language)) throw new InvalidInput('language', `must be one of ${languages.join(', ')}`)
  const operatorId = input.operatorId ?? null
  checkOperatorLink(db, input.role, operatorId)
  checkDisplayName(input.displayName ?? '')
  checkPasswordRules(input.password, [username, input.displayName ?? ''])
  if (userByName(db, username, { enabled: false }) !== undefined) throw new Conflict(`user ${username} already exists`)
  const passwordHash = await hashPassword(input.password)
  const displayName = (input.displayName ?? '').trim() || username
  const phoneEndpoint = checkPhoneEndpoint(input.phoneEndpoint ?? null)
  insertUser(db, { userId, username, displayName, role: input.role, operatorId, phoneEndpoint, language, passwordHash, createdAt: nowMs })
  return getUser(db, userId)!
}

export interface UserChange { displayName?: string; role?: Role; operatorId?: string | null; phoneEndpoint?: string | null; language?: Language; disabled?: boolean; password?: string }

export async function updateUser (db: Db, userId: string, change: UserChange, nowMs: number): Promise<UserView> {
  const row = userRow(db, userId)
  if (row === undefined) throw new NotFound('user', userId)
  const role = change.role ?? row.role
  const operatorId = change.operatorId !== undefined ? change.operatorId : row.operatorId
  checkOperatorLink(db, role, operatorId)
  if (change.language !== undefined && !languages.includes(change.language)) throw new InvalidInput('language', `must be one of ${languages.join(', ')}`)
  const set: Parameters<typeof setUser>[2] = { role, operatorId }
  if (change.displayName !== undefined) checkDisplayName(change.displayName)
  if (change.displayName !== undefined && change.displayName.trim() !== '') set.displayName = change.displayName.trim()
  if (change.language !== undefined) set.language = change.language
  if (change.phoneEndpoint !== undefined) set.phoneEndpoint = checkPhoneEndpoint(change.phoneEndpoint)
  if (change.disabled !== undefined) set.disabledAt = change.disabled ? (row.disabledAt ?? nowMs) : null
  if (change.password !== undefined) {
    checkPasswordRules(change.password, [row.username, change.displayName ?? row.displayName])
    set.passwordHash = await hashPassword(change.password)
  }
  setUser(db, userId, set)
  // A new password, a new role or a disabled account: everyone logs in again.
  if (change.password !== undefined || change.disabled === true || role !== row.role) deleteSessionsOf(db, userId)
  return getUser(db, userId)!
}

// ---- login and lockout ----

export type LoginResult =
  | { ok: true; user: UserView }
  | { ok: false; reason: 'bad_credentials' }
  | { ok: false; reason: 'locked'; untilMs: number }

/**
 * Checks a password; counts attempts per username and address (before the check, see
 * login-attempts.ts) and locks that pair out after too many failures.
 */
export async function login (db: Db, usernameRaw: string, password: string, ip: string, nowMs: number, lockout: LockoutSettings): Promise<LoginResult> {
  const username = usernameRaw.trim().toLowerCase().slice(0, 64)
  const reserved = reserveAttempt(db, username, ip, nowMs, lockout)
  if (reserved.kind === 'locked') return { ok: false, reason: 'locked', untilMs: reserved.untilMs }
  const row = userByName(db, username, { enabled: true })
  // Unknown users cost the same scrypt as known ones, so timing does not tell which names exist.
  const ok = await checkPassword(password, row?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
  if (ok && row !== undefined) {
    clearFailures(db, username, ip)
    return { ok: true, user: userView(row) }
  }
  const lockedUntil = settleFailure(db, username, ip, reserved.attempt, nowMs, lockout)
  return lockedUntil !== null ? { ok: false, reason: 'locked', untilMs: lockedUntil } : { ok: false, reason: 'bad_credentials' }
}

// ---- sessions ----

const sessionHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex')

/** A new session; the returned secret goes into the cookie and nowhere else. */
export function createSession (db: Db, userId: string, nowMs: number, ttlMs: number): string {
  const secret = randomBytes(32).toString('base64url')
  insertSession(db, { sessionHash: sessionHash(secret), userId, createdAt: nowMs, expiresAt: nowMs + ttlMs, lastSeenAt: nowMs })
  deleteExpiredSessions(db, nowMs) // tidy as we go; logins are rare
  return secret
}

/** The user a session cookie speaks for; null when unknown, expired, or the user was disabled. */
export function userOfSession (db: Db, secret: string, nowMs: number): UserView | null {
  if (secret === '' || secret.length > 200) return null
  const hash = sessionHash(secret)
  const row = sessionWithUser(db, hash)
  if (row === undefined || row.sessions.expiresAt <= nowMs || row.users.disabledAt !== null) return null
  if (row.users.operatorId !== null && !isLiveOperator(db, row.users.operatorId)) return null
  if (nowMs - row.sessions.lastSeenAt >= 60_000) touchSession(db, hash, nowMs)
  return userView(row.users)
}

export function deleteSession (db: Db, secret: string): void {
  deleteSessionByHash(db, sessionHash(secret))
}

// ---- golden fund ----

export function markGolden (db: Db, callId: string, note: string, markedBy: string, nowMs: number): GoldenCall {
  const text = note.trim()
  if (text === '' || text.length > 2000) throw new InvalidInput('note', 'must be 1 to 2000 characters')
  const golden = { callId, note: text, markedBy, markedAt: nowMs }
  db.transaction((tx) => {
    writeGolden(tx, golden)
    // A call in the golden fund keeps its recordings whatever the retention says.
    setRecordingsGolden(tx, callId, true)
  })
  return golden
}

export const unmarkGolden = (db: Db, callId: string): void => {
  db.transaction((tx) => {
    deleteGolden(tx, callId)
    setRecordingsGolden(tx, callId, false)
  })
}
