// Speech for the routes: which calls a viewer may hear and read, the recording to send, transcripts,
// search, the transcription queue, languages and QA rule sets.
import { isOperatorOnCall } from '../db/calls-read.js'
import type { Db } from '../db/open.js'
import type { JobRow, JobState, RecordingRow, RuleSetView, SpeechRepo } from '../db/speech-repo.js'
import { validateRules } from '../domain/qa.js'
import type { Role } from '../domain/roles.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { RecordingUnavailable } from './errors.js'
import { speechView, type SpeechView } from './speech-view.js'
import type { SpeechStatus } from './transcription-runner.js'

export type { JobRow, JobState, RecordingRow, RuleSetView } from '../db/speech-repo.js'

/** Who asks: operators see only calls they answered or were rung for. */
export interface SpeechViewer { role: Role; operatorId: string | null }

export interface SpeechServiceDeps {
  db: Db
  repo: SpeechRepo
  /** The engine's state (model loaded, why not). */
  status: () => SpeechStatus
  /** Where recording paths are relative to. */
  recordingsDir: string
  /** Pokes the queue (a job was retried). */
  poke: () => void
}

export class SpeechService {
  constructor (private readonly deps: SpeechServiceDeps) {}

  get recordingsDir (): string { return this.deps.recordingsDir }

  status (): SpeechStatus { return this.deps.status() }

  /** 'unknown': no such call; 'not_theirs': an operator asks about a call that was not theirs. */
  callAccess (callId: string, viewer: SpeechViewer): 'visible' | 'unknown' | 'not_theirs' {
    if (!this.deps.repo.callExists(callId)) return 'unknown'
    if (viewer.role === 'operator' && !this.isTheirs(callId, viewer)) return 'not_theirs'
    return 'visible'
  }

  private isTheirs (callId: string, viewer: SpeechViewer): boolean {
    return viewer.operatorId !== null && isOperatorOnCall(this.deps.db, callId, viewer.operatorId)
  }

  transcript (callId: string): SpeechView {
    return speechView(this.deps.repo, callId, this.deps.status())
  }

  recording (recordingId: string): RecordingRow | undefined {
    return this.deps.repo.recording(recordingId)
  }

  /** The call's recording as stored; RecordingUnavailable says why there is no file to send. */
  storedRecording (callId: string, recordingId: string): RecordingRow & { path: string } {
    const rec = this.recording(recordingId)
    if (rec === undefined || rec.callId !== callId) throw new NotFound('recording', recordingId)
    if (rec.deletedAt !== null) throw new RecordingUnavailable(`recording ${rec.recordingId} was removed by the retention policy at ${new Date(rec.deletedAt).toISOString()}`)
    if (rec.status !== 'stored' || rec.path === null) throw new RecordingUnavailable(`recording ${rec.recordingId} is missing (${rec.status}): ${rec.error ?? 'no file was kept'}`)
    return { ...rec, path: rec.path }
  }

  /** Marks (or unmarks) the call's recordings for the golden fund; how many recordings. */
  setGolden (callId: string, golden: boolean): number {
    return this.deps.repo.setGolden(callId, golden)
  }

  /** Transcripts matching `query`; an operator's only from their calls. */
  search (query: string, limit: number, viewer: SpeechViewer): Array<{ callId: string; snippet: string }> {
    const items = this.deps.repo.search(query, limit)
    return viewer.role === 'operator' ? items.filter((i) => this.isTheirs(i.callId, viewer)) : items
  }

  queue (state: JobState | undefined, limit: number): { engine: SpeechStatus; counts: Record<JobState, number>; items: JobRow[] } {
    return { engine: this.deps.status(), counts: this.deps.repo.counts(), items: this.deps.repo.jobs(state, limit) }
  }

  /** Queues a failed job again and pokes the queue; Conflict when it has not failed. */
  retry (jobId: string, nowMs: number): JobRow {
    const job = this.deps.repo.job(jobId)
    if (job === undefined) throw new NotFound('transcription job', jobId)
    if (!this.deps.repo.retry(job.jobId, nowMs)) throw new Conflict(`transcription job ${job.jobId} is ${job.state}, not failed`)
    const queued = this.deps.repo.job(job.jobId)!
    this.deps.poke()
    return queued
  }

  setCategoryLanguage (categoryId: string, language: string | null): void {
    if (!this.deps.repo.setCategoryLanguage(categoryId, language)) throw new NotFound('category', categoryId)
  }

  setTrackingNumberLanguage (did: string, language: string | null): void {
    if (!this.deps.repo.setTrackingNumberLanguage(did, language)) throw new NotFound('tracking number', did)
  }

  ruleSets (): RuleSetView[] { return this.deps.repo.ruleSets() }

  /** Saves a rule set; refused when a rule is malformed or another set already covers its category. */
  putRuleSet (view: RuleSetView): RuleSetView {
    const problems = validateRules(view.rules)
    if (problems.length > 0) throw new InvalidInput('rules', problems.join('; '))
    const other = this.deps.repo.ruleSets().find((r) => r.categoryId === view.categoryId && r.ruleSetId !== view.ruleSetId)
    if (other !== undefined) throw new Conflict(`rule set ${other.ruleSetId} already covers ${view.categoryId ?? 'calls without a category'}`)
    this.deps.repo.putRuleSet(view)
    return view
  }

  deleteRuleSet (ruleSetId: string): void {
    if (!this.deps.repo.deleteRuleSet(ruleSetId)) throw new NotFound('rule set', ruleSetId)
  }
}
