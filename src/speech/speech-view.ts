// What the API says about one call's speech: the transcription's state in words, the transcript and
// the QA card.
import type { JobRow, SpeechRepo } from '../db/speech-repo.js'
import type { SpeechStatus } from './transcription-runner.js'

export interface SpeechView {
  status: string
  job: Omit<JobRow, 'claimedBy' | 'updatedAt'> | null
  transcript: { language: string; engine: string; model: string; createdAt: number; segments: ReturnType<SpeechRepo['segments']> } | null
  qa: NonNullable<ReturnType<SpeechRepo['qaResult']>> | null
}

export function speechView (repo: SpeechRepo, callId: string, engine: SpeechStatus): SpeechView {
  const job = repo.jobOfCall(callId) ?? null
  const t = repo.transcript(callId)
  const status = job === null
    ? 'not queued: only answered calls with a stored recording are transcribed'
    : job.state === 'done' ? 'transcribed'
      : job.state === 'failed' ? `failed after ${job.attempts} attempts: ${job.lastError ?? 'unknown error'}`
        : engine.state !== 'ready' ? `queued; transcription waits for a model (${engine.reason})`
          : job.state === 'running' ? 'transcribing'
            : job.lastError !== null ? `queued for another attempt at ${new Date(job.nextAttemptAt).toISOString()} after: ${job.lastError}` : 'queued'
  return {
    status,
    job: job === null ? null : { jobId: job.jobId, callId: job.callId, state: job.state, language: job.language, attempts: job.attempts, nextAttemptAt: job.nextAttemptAt, leaseUntil: job.leaseUntil, lastError: job.lastError, createdAt: job.createdAt, finishedAt: job.finishedAt },
    transcript: t === undefined ? null : { language: t.language, engine: t.engine, model: t.model, createdAt: t.createdAt, segments: repo.segments(callId) },
    qa: repo.qaResult(callId) ?? null
  }
}
