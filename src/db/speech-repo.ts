// Transcription jobs (a durable queue with leases), transcripts with their segments, QA rule sets and
// results, and the recordings retention may remove.
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { QaFinding, QaMetrics, QaRule } from '../domain/qa.js'
import type { Segment } from '../domain/transcript.js'
import type { Statement } from 'better-sqlite3'
import type { Db } from './open.js'
import { insertByShape, preparedVariants, wholeLimit } from './prepared.js'
import { TranscriptWriter, type FinishedTranscript, type QaCardRow } from './transcript-writer.js'
import { calls, categories, qaResults, qaRuleSets, recordings, trackingNumbers, transcriptionJobs, transcripts, transcriptSegments } from './schema.js'

export type JobRow = typeof transcriptionJobs.$inferSelect
export type JobState = 'pending' | 'running' | 'done' | 'failed'
export type RecordingRow = typeof recordings.$inferSelect

export interface RuleSetView { ruleSetId: string; name: string; categoryId: string | null; rules: QaRule[]; updatedAt: number }
export interface QaResultView { ruleSetId: string; score: number; findings: QaFinding[]; metrics: QaMetrics; alerts: number; createdAt: number }

export class SpeechRepo {
  // Every ended call queues its job and reads its language hints: prepared once.
  private readonly insertJob
  private readonly hintsStmt
  private readonly writer: TranscriptWriter
  private readonly claimStmt: (limit: string) => Statement
  constructor (readonly db: Db) {
    this.writer = new TranscriptWriter(db)
    // Each poll and each finished job claims: prepared once per limit, written into the text (a
    // bound LIMIT would have SQLite compile the statement again on every run, see fixedLimit).
    this.claimStmt = preparedVariants((limit) => db.$client.prepare(`
      UPDATE transcription_jobs SET state = 'running', claimed_by = @worker, lease_until = @lease, updated_at = @now,
        attempts = attempts + 1
      WHERE job_id IN (
        SELECT job_id FROM transcription_jobs WHERE state = 'pending' AND next_attempt_at <= @now
        UNION ALL
        SELECT job_id FROM transcription_jobs WHERE state = 'running' AND lease_until < @now
        LIMIT ${limit})
      RETURNING job_id AS jobId, call_id AS callId, state, language, attempts, next_attempt_at AS nextAttemptAt,
        claimed_by AS claimedBy, lease_until AS leaseUntil, last_error AS lastError, created_at AS createdAt,
        updated_at AS updatedAt, finished_at AS finishedAt`))
    this.insertJob = insertByShape(db, transcriptionJobs, { ignoreExisting: true })
    this.hintsStmt = db.select({ tn: trackingNumbers.speechLanguage, cat: categories.speechLanguage })
      .from(calls)
      .leftJoin(trackingNumbers, eq(trackingNumbers.did, calls.trackingDid))
      .leftJoin(categories, eq(categories.categoryId, calls.categoryId))
      .where(eq(calls.callId, sql.placeholder('callId'))).prepare()
  }

  // ---- the queue ----

  /** Queues the call once; a second call.ended for it changes nothing. */
  enqueue (jobId: string, callId: string, language: string, nowMs: number): boolean {
    return this.insertJob({ jobId, callId, language, state: 'pending', attempts: 0, nextAttemptAt: nowMs, createdAt: nowMs, updatedAt: nowMs }) === 1
  }

  /**
   * Claims up to `limit` due jobs for `worker`: pending ones due now, and running ones whose lease ran
   * out (their worker died). One UPDATE … RETURNING, so two workers never get the same job.
   */
  claimDue (nowMs: number, worker: string, leaseMs: number, limit: number): JobRow[] {
    return this.claimStmt(String(wholeLimit(limit))).all({ now: nowMs, worker, lease: nowMs + leaseMs }) as JobRow[]
  }

  private ours (jobId: string, worker: string) {
    return and(eq(transcriptionJobs.jobId, jobId), eq(transcriptionJobs.state, 'running'), eq(transcriptionJobs.claimedBy, worker))
  }

  extendLease (jobId: string, worker: string, untilMs: number): void {
    this.db.update(transcriptionJobs).set({ leaseUntil: untilMs }).where(this.ours(jobId, worker)).run()
  }

  /** Stores the transcript and its QA card and finishes the job, in one transaction; false when the claim was lost. */
  finish (jobId: string, worker: string, nowMs: number, t: FinishedTranscript, qa: QaResultView): boolean {
    return this.writer.finish(jobId, worker, nowMs, t, qaCardRow(qa))
  }

  /** A failed attempt: back to pending after `retryAtMs`, or failed for good. */
  fail (jobId: string, worker: string, nowMs: number, error: string, retryAtMs: number | null): boolean {
    const r = this.db.update(transcriptionJobs).set(retryAtMs === null
      ? { state: 'failed', leaseUntil: null, lastError: error, finishedAt: nowMs, updatedAt: nowMs }
      : { state: 'pending', leaseUntil: null, claimedBy: null, lastError: error, nextAttemptAt: retryAtMs, updatedAt: nowMs })
      .where(this.ours(jobId, worker)).run()
    return r.changes === 1
  }

  /** A job cut short by a stop goes back to the queue as it was: due now, unclaimed, the attempt not counted. */
  release (jobId: string, worker: string, nowMs: number): boolean {
    return this.db.$client.prepare(`
      UPDATE transcription_jobs SET state = 'pending', claimed_by = NULL, lease_until = NULL, next_attempt_at = @now,
        attempts = max(0, attempts - 1), updated_at = @now
      WHERE job_id = @jobId AND claimed_by = @worker AND state = 'running'`).run({ jobId, worker, now: nowMs }).changes === 1
  }

  /** A failed job queued again now, with a fresh attempt count. */
  retry (jobId: string, nowMs: number): boolean {
    return this.db.update(transcriptionJobs).set({ state: 'pending', attempts: 0, nextAttemptAt: nowMs, lastError: null, finishedAt: null, updatedAt: nowMs })
      .where(and(eq(transcriptionJobs.jobId, jobId), eq(transcriptionJobs.state, 'failed'))).run().changes === 1
  }

  job (jobId: string): JobRow | undefined { return this.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.jobId, jobId)).get() }
  jobOfCall (callId: string): JobRow | undefined { return this.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.callId, callId)).get() }
  jobs (state: JobState | undefined, limit: number): JobRow[] {
    return this.db.select().from(transcriptionJobs).where(state === undefined ? undefined : eq(transcriptionJobs.state, state))
      .orderBy(desc(transcriptionJobs.createdAt), desc(transcriptionJobs.jobId)).limit(limit).all()
  }

  counts (): Record<JobState, number> {
    const out: Record<JobState, number> = { pending: 0, running: 0, done: 0, failed: 0 }
    for (const r of this.db.select({ state: transcriptionJobs.state, n: sql<number>`count(*)` }).from(transcriptionJobs).groupBy(transcriptionJobs.state).all()) {
      out[r.state as JobState] = r.n
    }
    return out
  }

  /** The latest attempt that failed (the job failed for good or waits for another try), for /api/health. */
  lastFailure (): { jobId: string; callId: string; state: string; error: string; atMs: number } | null {
    const r = this.db.$client.prepare(`SELECT job_id AS jobId, call_id AS callId, state, last_error AS error, updated_at AS atMs
      FROM transcription_jobs WHERE last_error IS NOT NULL AND state IN ('failed', 'pending') ORDER BY updated_at DESC LIMIT 1`).get()
    return (r as { jobId: string; callId: string; state: string; error: string; atMs: number } | undefined) ?? null
  }

  /** Running jobs whose lease ran out: whoever held them is gone, and nobody has taken them again yet. */
  expiredLeases (nowMs: number): string[] {
    return (this.db.$client.prepare("SELECT job_id AS jobId FROM transcription_jobs WHERE state = 'running' AND lease_until < ?").all(nowMs) as Array<{ jobId: string }>).map((r) => r.jobId)
  }

  // ---- what a job needs ----

  storedRecordings (callId: string): RecordingRow[] {
    return this.db.select().from(recordings).where(and(eq(recordings.callId, callId), eq(recordings.status, 'stored'), isNull(recordings.deletedAt))).all()
  }

  /** The languages named by the call's tracking number and category. */
  languageHints (callId: string): { trackingNumber: string | null; category: string | null } {
    const row = this.hintsStmt.get({ callId })
    return { trackingNumber: row?.tn ?? null, category: row?.cat ?? null }
  }

  categoryOf (callId: string): string | null {
    return this.db.select({ c: calls.categoryId }).from(calls).where(eq(calls.callId, callId)).get()?.c ?? null
  }

  // ---- transcripts ----

  segments (callId: string): Segment[] {
    return this.db.select().from(transcriptSegments).where(eq(transcriptSegments.callId, callId)).orderBy(asc(transcriptSegments.seq)).all()
      .map((s) => ({ speaker: s.speaker, startMs: s.startMs, endMs: s.endMs, text: s.text }))
  }

  transcript (callId: string): typeof transcripts.$inferSelect | undefined {
    return this.db.select().from(transcripts).where(eq(transcripts.callId, callId)).get()
  }

  /** Calls whose transcript matches the query, best match first. */
  search (query: string, limit: number): Array<{ callId: string; snippet: string }> {
    return searchTranscripts(this.db, query, limit)
  }

  // ---- QA ----

  ruleSetFor (categoryId: string | null): RuleSetView | undefined {
    const rows = this.db.select().from(qaRuleSets)
      .where(categoryId === null ? isNull(qaRuleSets.categoryId) : or(eq(qaRuleSets.categoryId, categoryId), isNull(qaRuleSets.categoryId)))
      .all()
    const row = rows.find((r) => r.categoryId === categoryId) ?? rows.find((r) => r.categoryId === null)
    return row === undefined ? undefined : ruleSetView(row)
  }

  ruleSets (): RuleSetView[] { return this.db.select().from(qaRuleSets).orderBy(asc(qaRuleSets.name)).all().map(ruleSetView) }
  ruleSet (ruleSetId: string): RuleSetView | undefined {
    const row = this.db.select().from(qaRuleSets).where(eq(qaRuleSets.ruleSetId, ruleSetId)).get()
    return row === undefined ? undefined : ruleSetView(row)
  }

  putRuleSet (v: RuleSetView): void {
    const row = { ruleSetId: v.ruleSetId, name: v.name, categoryId: v.categoryId, rules: JSON.stringify(v.rules), updatedAt: v.updatedAt }
    this.db.insert(qaRuleSets).values(row).onConflictDoUpdate({ target: qaRuleSets.ruleSetId, set: row }).run()
  }

  deleteRuleSet (ruleSetId: string): boolean { return this.db.delete(qaRuleSets).where(eq(qaRuleSets.ruleSetId, ruleSetId)).run().changes === 1 }

  putQaResult (callId: string, r: QaResultView): void {
    const row = { callId, ...qaCardRow(r) }
    this.db.insert(qaResults).values(row).onConflictDoUpdate({ target: qaResults.callId, set: row }).run()
  }

  qaResult (callId: string): QaResultView | undefined {
    const row = this.db.select().from(qaResults).where(eq(qaResults.callId, callId)).get()
    if (row === undefined) return undefined
    return { ruleSetId: row.ruleSetId, score: row.score, findings: JSON.parse(row.findings) as QaFinding[], metrics: JSON.parse(row.metrics) as QaMetrics, alerts: row.alerts, createdAt: row.createdAt }
  }

  // ---- retention ----

  /**
   * Stored recordings that ended before `beforeMs` and may go: not golden, and their call has no
   * transcription still to run (none queued, running, or waiting to be retried).
   */
  expiredRecordings (beforeMs: number, limit: number): RecordingRow[] {
    return this.db.select().from(recordings)
      .where(and(
        eq(recordings.status, 'stored'), isNull(recordings.deletedAt), lt(recordings.endedAt, beforeMs), eq(recordings.golden, false),
        sql`NOT EXISTS (SELECT 1 FROM transcription_jobs j WHERE j.call_id = ${recordings.callId} AND j.state IN ('pending', 'running'))`
      )).limit(limit).all()
  }

  markDeleted (recordingIds: string[], nowMs: number): void {
    if (recordingIds.length === 0) return
    this.db.update(recordings).set({ deletedAt: nowMs, error: 'removed by the retention policy' }).where(inArray(recordings.recordingId, recordingIds)).run()
  }

  setGolden (callId: string, golden: boolean): number {
    return this.db.update(recordings).set({ golden }).where(eq(recordings.callId, callId)).run().changes
  }

  /** Adds a recording made after the call (its conversation); false when the call has one by that name already. */
  addRecording (row: typeof recordings.$inferInsert): boolean {
    return this.db.insert(recordings).values(row).onConflictDoNothing().run().changes === 1
  }

  /** The call's recordings, removed ones included (they say why a file is gone). */
  recordingsOf (callId: string): RecordingRow[] {
    return this.db.select().from(recordings).where(eq(recordings.callId, callId)).all()
  }

  recording (recordingId: string): RecordingRow | undefined {
    return this.db.select().from(recordings).where(eq(recordings.recordingId, recordingId)).get()
  }

  callExists (callId: string): boolean {
    return this.db.select({ c: calls.callId }).from(calls).where(eq(calls.callId, callId)).get() !== undefined
  }

  /** The language a category's calls are transcribed in (null: the default); false when the category is unknown. */
  setCategoryLanguage (categoryId: string, language: string | null): boolean {
    return this.db.update(categories).set({ speechLanguage: language }).where(eq(categories.categoryId, categoryId)).run().changes > 0
  }

  /** The language a tracking number's calls are transcribed in (null: the default); false when the number is unknown. */
  setTrackingNumberLanguage (did: string, language: string | null): boolean {
    return this.db.update(trackingNumbers).set({ speechLanguage: language }).where(eq(trackingNumbers.did, did)).run().changes > 0
  }

  /** Recordings that could not be kept (failed, missing, or finished by Asterisk but not copied): counted for /health. */
  recordingProblems (): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(recordings).where(inArray(recordings.status, ['failed', 'missing', 'done'])).get()?.n ?? 0
  }
}

function qaCardRow (r: QaResultView): QaCardRow {
  return { ruleSetId: r.ruleSetId, score: r.score, findings: JSON.stringify(r.findings), metrics: JSON.stringify(r.metrics), alerts: r.alerts, createdAt: r.createdAt }
}

function ruleSetView (row: typeof qaRuleSets.$inferSelect): RuleSetView {
  return { ruleSetId: row.ruleSetId, name: row.name, categoryId: row.categoryId, rules: JSON.parse(row.rules) as QaRule[], updatedAt: row.updatedAt }
}

// ---- full-text search: the one SQLite-specific part (FTS5; the index is written with the transcript
// in transcript-writer.ts). On PostgreSQL a tsvector column instead; nothing else knows. ----

/** Words are matched as prefixes ("достав" finds "доставка", "доставим"); all words must occur. */
function searchTranscripts (db: Db, query: string, limit: number): Array<{ callId: string; snippet: string }> {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
  if (words.length === 0) return []
  const match = words.map((w) => `"${w}"*`).join(' ')
  return db.$client.prepare(`SELECT call_id AS callId, snippet(transcripts_fts, 1, '[', ']', '…', 12) AS snippet
    FROM transcripts_fts WHERE transcripts_fts MATCH ? ORDER BY rank LIMIT ?`).all(match, limit) as Array<{ callId: string; snippet: string }>
}
