// The calls as recorded, for the routes: a page of calls, one call's story, who was on a call, and
// how waits in the queue ended hour by hour.
import { callStory, isOperatorOnCall, listCalls, type CallFilters, type CallPage, type CallStory } from '../db/calls-read.js'
import type { Db } from '../db/open.js'
import { queueStatsByHour, type QueueHour } from '../db/queue-stats.js'

export { maxCallPageSize, type CallFilters, type CallPage, type CallStory } from '../db/calls-read.js'
export type { QueueHour } from '../db/queue-stats.js'

export class CallRecords {
  constructor (private readonly db: Db) {}

  list (filters: CallFilters = {}): CallPage { return listCalls(this.db, filters) }

  /** The call's story; undefined when there is no such call. */
  story (callId: string): CallStory | undefined { return callStory(this.db, callId) }

  /** Whether the operator answered the call or was rung for it. */
  isOperatorOnCall (callId: string, operatorId: string): boolean { return isOperatorOnCall(this.db, callId, operatorId) }

  queueByHour (fromMs: number, toMs: number): QueueHour[] { return queueStatsByHour(this.db, fromMs, toMs) }
}
