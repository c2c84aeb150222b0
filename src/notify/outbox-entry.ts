// A delivery as the API shows it: the payload and the URL's query are left out.
import type { outbox } from '../db/schema.js'
import { safeUrl } from './webhook-http.js'

export type OutboxState = 'pending' | 'delivering' | 'delivered' | 'dead'

/** One delivery of one event to one URL, as the API shows it (the payload and URL query are left out). */
export interface OutboxEntry {
  outboxId: string
  eventId: string
  type: string
  url: string
  state: OutboxState
  attempts: number
  nextAttemptAt: number
  leaseUntil: number | null
  lastError: string | null
  createdAt: number
  deliveredAt: number | null
}

export function entry (row: typeof outbox.$inferSelect): OutboxEntry {
  return {
    outboxId: row.outboxId,
    eventId: row.eventId,
    type: row.type,
    url: safeUrl(row.url),
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    leaseUntil: row.leaseUntil,
    lastError: row.lastError,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt
  }
}
