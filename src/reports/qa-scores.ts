// Where average QA scores come from: the speech checks' score of every transcribed call, averaged
// per operator who answered it.
import { and, avg, eq, gte, isNotNull, lt } from 'drizzle-orm'
import type { Db } from '../db/open.js'
import { calls, qaResults } from '../db/schema.js'

/** Average QA score per operator over calls started in [fromMs, toMs); operators with none are left out. */
export interface QaScoreSource {
  qaScores (fromMs: number, toMs: number): Map<string, number>
}

export const noQaScores: QaScoreSource = { qaScores: () => new Map() }

export function speechQaScores (db: Db): QaScoreSource {
  return {
    qaScores (fromMs, toMs) {
      const rows = db.select({ operatorId: calls.answeredBy, score: avg(qaResults.score) }).from(qaResults)
        .innerJoin(calls, eq(calls.callId, qaResults.callId))
        .where(and(isNotNull(calls.answeredBy), gte(calls.startedAt, fromMs), lt(calls.startedAt, toMs)))
        .groupBy(calls.answeredBy).all()
      return new Map(rows.filter((r) => r.operatorId !== null && r.score !== null).map((r) => [r.operatorId!, Math.round(Number(r.score) * 10) / 10]))
    }
  }
}
