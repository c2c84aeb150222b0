// What the API says about one call's speech: the transcription's state in words, the transcript and
// the QA card.
import type { VerdictRow } from '../db/qa-verdicts-repo.js'
import type { JobRow, SpeechRepo } from '../db/speech-repo.js'
import type { QaFinding } from '../domain/qa.js'
import type { SpeechStatus } from './transcription-runner.js'

/** The transcription's state as a word the console translates; `reason` says more (the error, the missing model). */
export type SpeechState = 'none' | 'waiting_for_model' | 'queued' | 'running' | 'failed' | 'transcribed'

/** A supervisor marked the finding wrong. */
export interface FindingVerdict { verdict: 'wrong'; note: string | null; markedBy: string; markedAt: number }

export interface SpeechView {
  status: string
  state: SpeechState
  reason: string | null
  job: Omit<JobRow, 'claimedBy' | 'updatedAt'> | null
  transcript: { language: string; engine: string; model: string; createdAt: number; segments: ReturnType<SpeechRepo['segments']> } | null
  qa: (Omit<NonNullable<ReturnType<SpeechRepo['qaResult']>>, 'findings'> & { findings: Array<QaFinding & { verdict: FindingVerdict | null }> }) | null
}

export function speechView (repo: SpeechRepo, callId: string, engine: SpeechStatus, verdicts: readonly VerdictRow[] = []): SpeechView {
  const job = repo.jobOfCall(callId) ?? null
  const t = repo.transcript(callId)
  const status = job === null
    ? 'not queued: only answered calls with a stored recording are transcribed'
    : job.state === 'done' ? 'transcribed'
      : job.state === 'failed' ? `failed after ${job.attempts} attempts: ${job.lastError ?? 'unknown error'}`
        : engine.state !== 'ready' ? `queued; transcription waits for a model (${engine.reason})`
          : job.state === 'running' ? 'transcribing'
            : job.lastError !== null ? `queued for another attempt at ${new Date(job.nextAttemptAt).toISOString()} after: ${job.lastError}` : 'queued'
  const state: SpeechState = job === null ? 'none'
    : job.state === 'done' ? 'transcribed'
      : job.state === 'failed' ? 'failed'
        : engine.state !== 'ready' ? 'waiting_for_model'
          : job.state === 'running' ? 'running' : 'queued'
  const reason = state === 'failed' || state === 'queued' ? job?.lastError ?? null
    : state === 'waiting_for_model' && engine.state !== 'ready' ? engine.reason : null
  const qa = repo.qaResult(callId)
  return {
    status,
    state,
    reason,
    job: job === null ? null : { jobId: job.jobId, callId: job.callId, state: job.state, language: job.language, attempts: job.attempts, nextAttemptAt: job.nextAttemptAt, leaseUntil: job.leaseUntil, lastError: job.lastError, createdAt: job.createdAt, finishedAt: job.finishedAt },
    transcript: t === undefined ? null : { language: t.language, engine: t.engine, model: t.model, createdAt: t.createdAt, segments: repo.segments(callId) },
    qa: qa === undefined ? null : { ...qa, findings: qa.findings.map((f, i) => ({ ...f, verdict: verdictOf(verdicts, i, f.ruleId) })) }
  }
}

/** The verdict on the finding at `index`, while that place still holds a finding of the same rule. */
function verdictOf (verdicts: readonly VerdictRow[], index: number, ruleId: string): FindingVerdict | null {
  const v = verdicts.find((r) => r.findingIndex === index && r.ruleId === ruleId)
  return v === undefined ? null : { verdict: v.verdict, note: v.note, markedBy: v.markedBy, markedAt: v.markedAt }
}
