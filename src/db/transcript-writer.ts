// The write that ends a transcription job: the job marked done, the transcript and its segments, the
// search index and the QA card, in one transaction. Its statements are prepared once: built by
// drizzle each job compiled seven statements anew plus one INSERT of all the segments (a new SQL text
// for every segment count), 2 ms of the event loop for a job of 200 segments while calls were being
// set up beside it.
import type { Statement } from 'better-sqlite3'
import type { Segment } from '../domain/transcript.js'
import type { Db } from './open.js'

export interface QaCardRow { ruleSetId: string; score: number; findings: string; metrics: string; alerts: number; createdAt: number }
export interface FinishedTranscript { callId: string; language: string; engine: string; model: string; segments: readonly Segment[] }

export class TranscriptWriter {
  private readonly done: Statement
  private readonly dropSegments: Statement
  private readonly dropTranscript: Statement
  private readonly addTranscript: Statement
  private readonly addSegment: Statement
  private readonly dropIndexed: Statement
  private readonly addIndexed: Statement
  private readonly putQa: Statement
  private readonly write: (jobId: string, worker: string, nowMs: number, t: FinishedTranscript, qa: QaCardRow) => boolean

  constructor (db: Db) {
    const p = (text: string): Statement => db.$client.prepare(text)
    this.done = p(`UPDATE transcription_jobs SET state = 'done', lease_until = NULL, last_error = NULL, finished_at = ?, updated_at = ?
      WHERE job_id = ? AND state = 'running' AND claimed_by = ?`)
    this.dropSegments = p('DELETE FROM transcript_segments WHERE call_id = ?')
    this.dropTranscript = p('DELETE FROM transcripts WHERE call_id = ?')
    this.addTranscript = p('INSERT INTO transcripts (call_id, language, engine, model, text, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    this.addSegment = p('INSERT INTO transcript_segments (call_id, seq, speaker, start_ms, end_ms, text) VALUES (?, ?, ?, ?, ?, ?)')
    // Full-text search is the one SQLite-specific part (FTS5); on PostgreSQL a tsvector column.
    this.dropIndexed = p('DELETE FROM transcripts_fts WHERE call_id = ?')
    this.addIndexed = p('INSERT INTO transcripts_fts (call_id, text) VALUES (?, ?)')
    this.putQa = p(`INSERT INTO qa_results (call_id, rule_set_id, score, findings, metrics, alerts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (call_id) DO UPDATE SET rule_set_id = excluded.rule_set_id, score = excluded.score, findings = excluded.findings,
        metrics = excluded.metrics, alerts = excluded.alerts, created_at = excluded.created_at`)
    this.write = db.$client.transaction((jobId: string, worker: string, nowMs: number, t: FinishedTranscript, qa: QaCardRow): boolean => {
      if (this.done.run(nowMs, nowMs, jobId, worker).changes !== 1) return false
      this.dropSegments.run(t.callId)
      this.dropTranscript.run(t.callId)
      const text = t.segments.map((s) => s.text).join('\n')
      this.addTranscript.run(t.callId, t.language, t.engine, t.model, text, nowMs)
      for (let seq = 0; seq < t.segments.length; seq++) {
        const s = t.segments[seq]!
        this.addSegment.run(t.callId, seq, s.speaker, s.startMs, s.endMs, s.text)
      }
      this.dropIndexed.run(t.callId)
      this.addIndexed.run(t.callId, text)
      this.putQa.run(t.callId, qa.ruleSetId, qa.score, qa.findings, qa.metrics, qa.alerts, qa.createdAt)
      return true
    })
  }

  /** Stores it all and finishes the job; false (and nothing written) when `worker` no longer holds the job. */
  finish (jobId: string, worker: string, nowMs: number, t: FinishedTranscript, qa: QaCardRow): boolean {
    return this.write(jobId, worker, nowMs, t, qa)
  }
}
