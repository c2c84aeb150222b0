// The calls as recorded, for the routes: a page of calls, one call's story, who was on a call, and
// how waits in the queue ended hour by hour.
import { callStory, defaultCallPageSize, isOperatorOnCall, listCalls, maxCallPageSize, type CallFilters, type CallKey, type CallPage, type CallStory } from '../db/calls-read.js'
import type { Db } from '../db/open.js'
import { queueStatsByHour, type QueueHour } from '../db/queue-stats.js'
import { InvalidInput } from '../errors.js'

export { maxCallPageSize, type CallFilters, type CallPage, type CallStory } from '../db/calls-read.js'
export type { QueueHour } from '../db/queue-stats.js'

export class CallRecords {
  constructor (private readonly db: Db) {}

  /** A page of calls, newest first; `cursor` continues from the previous page's nextCursor. */
  list (filters: CallFilters = {}): CallPage {
    const { limit = defaultCallPageSize, cursor, ...rest } = filters
    if (!Number.isInteger(limit) || limit < 1 || limit > maxCallPageSize) throw new InvalidInput('limit', `must be a whole number from 1 to ${maxCallPageSize}`)
    const page = listCalls(this.db, { ...rest, limit, ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }) })
    return { calls: page.calls, nextCursor: page.last === null ? null : encodeCursor(page.last) }
  }

  /** The call's story; undefined when there is no such call. */
  story (callId: string): CallStory | undefined { return callStory(this.db, callId) }

  /** Whether the operator answered the call or was rung for it. */
  isOperatorOnCall (callId: string, operatorId: string): boolean { return isOperatorOnCall(this.db, callId, operatorId) }

  queueByHour (fromMs: number, toMs: number): QueueHour[] { return queueStatsByHour(this.db, fromMs, toMs) }
}

/** Cursor = the last call of a page (startedAt, callId), so pages stay stable while calls arrive. */
function encodeCursor (last: CallKey): string {
  return Buffer.from(JSON.stringify([last.startedAt, last.callId]), 'utf8').toString('base64url')
}

function decodeCursor (cursor: string): CallKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
      return { startedAt: parsed[0] as number, callId: parsed[1] }
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
  }
  throw new InvalidInput('cursor', 'is not a cursor this server gave out; use nextCursor from the previous page')
}
