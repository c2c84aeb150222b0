// Console users, their sessions and the golden fund as stored: plain reads and writes. Checks,
// password hashes and session secrets belong to src/accounts/user-service.ts.
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm'
import type { Role } from '../domain/roles.js'
import type { Sql } from './catalog-repo.js'
import type { Db } from './open.js'
import { goldenCalls, recordings, sessions, users } from './schema.js'

export const languages = ['ru', 'en'] as const
export type Language = typeof languages[number]

export interface UserView {
  userId: string
  username: string
  displayName: string
  role: Role
  operatorId: string | null
  /** The phone that rings when the person listens in and has no operator. */
  phoneEndpoint: string | null
  language: Language
  createdAt: number
  disabledAt: number | null
}

export type UserRow = typeof users.$inferSelect

export const userView = (row: UserRow): UserView => ({
  userId: row.userId,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  operatorId: row.operatorId,
  phoneEndpoint: row.phoneEndpoint,
  language: (languages as readonly string[]).includes(row.language) ? row.language as Language : 'ru',
  createdAt: row.createdAt,
  disabledAt: row.disabledAt
})

export const countUsers = (db: Db): number => db.select({ n: sql<number>`count(*)` }).from(users).get()!.n

export function userRow (db: Db, userId: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.userId, userId)).get()
}

export function getUser (db: Db, userId: string): UserView | undefined {
  const row = userRow(db, userId)
  return row === undefined ? undefined : userView(row)
}

/** The user with this (normalised) username; `enabled` leaves out disabled ones. */
export function userByName (db: Db, username: string, options: { enabled: boolean }): UserRow | undefined {
  const byName = eq(users.username, username)
  return db.select().from(users).where(options.enabled ? and(byName, isNull(users.disabledAt)) : byName).get()
}

export const listUsers = (db: Db): UserView[] => db.select().from(users).orderBy(asc(users.username)).all().map(userView)

export function insertUser (db: Db, row: typeof users.$inferInsert): void {
  db.insert(users).values(row).run()
}

export function setUser (db: Db, userId: string, set: Partial<typeof users.$inferInsert>): void {
  db.update(users).set(set).where(eq(users.userId, userId)).run()
}

// ---- sessions ----

export function insertSession (db: Db, row: typeof sessions.$inferInsert): void {
  db.insert(sessions).values(row).run()
}

export function deleteExpiredSessions (db: Db, nowMs: number): void {
  db.delete(sessions).where(lt(sessions.expiresAt, nowMs)).run()
}

export function deleteSessionsOf (db: Db, userId: string): void {
  db.delete(sessions).where(eq(sessions.userId, userId)).run()
}

export function sessionWithUser (db: Db, sessionHash: string): { sessions: typeof sessions.$inferSelect; users: UserRow } | undefined {
  return db.select().from(sessions).innerJoin(users, eq(users.userId, sessions.userId)).where(eq(sessions.sessionHash, sessionHash)).get()
}

export function touchSession (db: Db, sessionHash: string, nowMs: number): void {
  db.update(sessions).set({ lastSeenAt: nowMs }).where(eq(sessions.sessionHash, sessionHash)).run()
}

export function deleteSessionByHash (db: Db, sessionHash: string): void {
  db.delete(sessions).where(eq(sessions.sessionHash, sessionHash)).run()
}

// ---- golden fund ----

export interface GoldenCall { callId: string; note: string; markedBy: string; markedAt: number }

export function writeGolden (db: Sql, golden: GoldenCall): void {
  db.insert(goldenCalls).values(golden)
    .onConflictDoUpdate({ target: goldenCalls.callId, set: { note: golden.note, markedBy: golden.markedBy, markedAt: golden.markedAt } }).run()
}

export function deleteGolden (db: Sql, callId: string): void {
  db.delete(goldenCalls).where(eq(goldenCalls.callId, callId)).run()
}

/** Marks whether the call's recordings are kept whatever the retention says. */
export function setRecordingsGolden (db: Sql, callId: string, golden: boolean): void {
  db.update(recordings).set({ golden }).where(eq(recordings.callId, callId)).run()
}

export const listGolden = (db: Db): GoldenCall[] => db.select().from(goldenCalls).orderBy(sql`${goldenCalls.markedAt} desc`).all()
