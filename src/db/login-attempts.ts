// The login lockout's counter. An attempt is counted before its password is checked, in one SQLite
// statement, so guesses sent in parallel each see the ones before them: the check takes ~50 ms of
// scrypt, and a count read before it and written after it let 60 parallel guesses through as one.
import { and, eq, sql } from 'drizzle-orm'
import type { Db } from './open.js'
import { loginFailures } from './schema.js'

export interface LockoutSettings { maxFailures: number; lockoutMs: number }

export type Reservation =
  | { kind: 'locked'; untilMs: number }
  /** The attempt may check its password; it is the `attempt`-th of the current window. */
  | { kind: 'check'; attempt: number }

/**
 * Counts one attempt for username@ip and says whether it may go on to the password check. The
 * window starts afresh once the last one is older than the lockout and no lockout runs; an attempt
 * past the limit locks the pair at once, without a password check.
 */
export function reserveAttempt (db: Db, username: string, ip: string, nowMs: number, s: LockoutSettings): Reservation {
  const stale = sql`(${loginFailures.lockedUntil} IS NULL OR ${loginFailures.lockedUntil} <= ${nowMs}) AND ${nowMs} - ${loginFailures.firstAt} > ${s.lockoutMs}`
  const failures = sql`CASE WHEN ${stale} THEN 1 ELSE ${loginFailures.failures} + 1 END`
  const row = db.insert(loginFailures).values({ username, ip, failures: 1, firstAt: nowMs, lockedUntil: null })
    .onConflictDoUpdate({
      target: [loginFailures.username, loginFailures.ip],
      set: {
        failures,
        firstAt: sql`CASE WHEN ${stale} THEN ${nowMs} ELSE ${loginFailures.firstAt} END`,
        lockedUntil: sql`CASE WHEN ${loginFailures.lockedUntil} > ${nowMs} THEN ${loginFailures.lockedUntil} WHEN ${failures} > ${s.maxFailures} THEN ${nowMs + s.lockoutMs} ELSE NULL END`
      }
    })
    .returning({ failures: loginFailures.failures, lockedUntil: loginFailures.lockedUntil }).get()
  if (row.lockedUntil !== null && row.lockedUntil > nowMs) return { kind: 'locked', untilMs: row.lockedUntil }
  return { kind: 'check', attempt: row.failures }
}

/** A wrong password on the `attempt`-th try: the last one allowed starts the lockout. */
export function settleFailure (db: Db, username: string, ip: string, attempt: number, nowMs: number, s: LockoutSettings): number | null {
  if (attempt < s.maxFailures) return null
  const untilMs = nowMs + s.lockoutMs
  db.update(loginFailures).set({ lockedUntil: sql`max(coalesce(${loginFailures.lockedUntil}, 0), ${untilMs})` })
    .where(and(eq(loginFailures.username, username), eq(loginFailures.ip, ip))).run()
  return untilMs
}

/** The right password: the pair's count starts again from nothing. */
export function clearFailures (db: Db, username: string, ip: string): void {
  db.delete(loginFailures).where(and(eq(loginFailures.username, username), eq(loginFailures.ip, ip))).run()
}
