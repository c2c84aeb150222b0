// Supervisors' verdicts on QA findings, and how often each rule fired and was marked wrong.
import { and, eq } from 'drizzle-orm'
import type { Db } from './open.js'
import { qaFindingVerdicts } from './schema.js'

export type VerdictRow = typeof qaFindingVerdicts.$inferSelect
export interface RuleFiringCounts { ruleSetId: string; ruleId: string; fired: number; markedWrong: number }

export class QaVerdictsRepo {
  constructor (private readonly db: Db) {}

  /** Marks the finding wrong (again: the note and who are replaced). */
  put (v: VerdictRow): void {
    this.db.insert(qaFindingVerdicts).values(v)
      .onConflictDoUpdate({ target: [qaFindingVerdicts.callId, qaFindingVerdicts.findingIndex], set: { ruleId: v.ruleId, verdict: v.verdict, note: v.note, markedBy: v.markedBy, markedAt: v.markedAt } }).run()
  }

  /** Undoes a verdict; false when there was none. */
  remove (callId: string, findingIndex: number): boolean {
    return this.db.delete(qaFindingVerdicts).where(and(eq(qaFindingVerdicts.callId, callId), eq(qaFindingVerdicts.findingIndex, findingIndex))).run().changes === 1
  }

  ofCall (callId: string): VerdictRow[] {
    return this.db.select().from(qaFindingVerdicts).where(eq(qaFindingVerdicts.callId, callId)).all()
  }

  /**
   * Per rule set and rule: findings stored on calls' QA cards, and those of them marked wrong (a
   * verdict counts only while the finding at its place is still of its rule). SQLite's json_each
   * walks the stored findings; on PostgreSQL this would be jsonb_array_elements.
   */
  firingCounts (): RuleFiringCounts[] {
    return this.db.$client.prepare(`
      SELECT r.rule_set_id AS ruleSetId, json_extract(f.value, '$.ruleId') AS ruleId, count(*) AS fired, count(v.call_id) AS markedWrong
      FROM qa_results r JOIN json_each(r.findings) f
      LEFT JOIN qa_finding_verdicts v ON v.call_id = r.call_id AND v.finding_index = f.key AND v.rule_id = json_extract(f.value, '$.ruleId')
      GROUP BY r.rule_set_id, json_extract(f.value, '$.ruleId')`).all() as RuleFiringCounts[]
  }
}
