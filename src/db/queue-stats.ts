// How waits for a free operator ended, hour by hour (the missed-call figures count abandoned waits).
import { and, gte, isNotNull, lt } from 'drizzle-orm'
import type { Db } from './open.js'
import { calls } from './schema.js'

export interface QueueHour {
  hourStart: number
  waited: number
  connected: number
  abandoned: number
  callbacks: number
  averageWaitMs: number | null
  longestWaitMs: number | null
}

const hourMs = 3_600_000

/** Hours with at least one wait, oldest first. Hours are UTC hours of the epoch. */
export function queueStatsByHour (db: Db, fromMs: number, toMs: number): QueueHour[] {
  const rows = db.select({ queuedAt: calls.queuedAt, waitMs: calls.waitMs, outcome: calls.queueOutcome }).from(calls)
    .where(and(isNotNull(calls.queuedAt), gte(calls.queuedAt, fromMs), lt(calls.queuedAt, toMs))).all()
  const hours = new Map<number, QueueHour & { waitSum: number; waitCount: number }>()
  for (const r of rows) {
    const hourStart = Math.floor(r.queuedAt! / hourMs) * hourMs
    let h = hours.get(hourStart)
    if (!h) {
      h = { hourStart, waited: 0, connected: 0, abandoned: 0, callbacks: 0, averageWaitMs: null, longestWaitMs: null, waitSum: 0, waitCount: 0 }
      hours.set(hourStart, h)
    }
    h.waited++
    if (r.outcome === 'connected') h.connected++
    else if (r.outcome === 'abandoned') h.abandoned++
    else if (r.outcome === 'callback_key' || r.outcome === 'callback_timeout') h.callbacks++
    if (r.waitMs !== null) {
      h.waitSum += r.waitMs
      h.waitCount++
      h.longestWaitMs = Math.max(h.longestWaitMs ?? 0, r.waitMs)
    }
  }
  return [...hours.values()].sort((a, b) => a.hourStart - b.hourStart).map(({ waitSum, waitCount, ...h }) => ({
    ...h, averageWaitMs: waitCount === 0 ? null : Math.round(waitSum / waitCount)
  }))
}
