// Speech for the routes: which calls a viewer may hear and read, the recording to send, transcripts,
// search, the transcription queue, languages and QA rule sets.
import { dirname, join } from 'node:path'
import { isOperatorOnCall } from '../db/calls-read.js'
import type { Db } from '../db/open.js'
import { QaVerdictsRepo } from '../db/qa-verdicts-repo.js'
import type { JobRow, JobState, RecordingRow, RuleSetView, SpeechRepo } from '../db/speech-repo.js'
import { scoreCall, validateRules, type QaRule, type QaScore } from '../domain/qa.js'
import { parseTranscriptText } from '../domain/qa/transcript-text.js'
import type { Segment } from '../domain/transcript.js'
import { rulePrecision, type RulePrecision } from '../domain/qa-precision.js'
import type { Role } from '../domain/roles.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'
import { writeConversation } from './conversation-wav.js'
import { RecordingUnavailable } from './errors.js'
import { defaultRuleSet } from './default-rule-set.js'
import { speechView, type FindingVerdict, type SpeechView } from './speech-view.js'
import type { SpeechStatus } from './transcription-runner.js'

/** A recording whose file ringlead holds. */
function isKept (r: RecordingRow): boolean {
  return r.status === 'stored' && r.path !== null && r.deletedAt === null
}

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
  /** Ids for recordings made here (a call's conversation). */
  newId: (prefix: string) => string
}

/** A rule set with each rule's precision; `fallback`: the built-in set, used while none is stored for calls without a category. */
export interface RuleSetPrecision { ruleSetId: string; name: string; categoryId: string | null; fallback: boolean; rules: RulePrecision[] }

export class SpeechService {
  private readonly verdicts: QaVerdictsRepo
  /** Conversations being made, by call: two listeners pressing play at once make one file. */
  private readonly making = new Map<string, Promise<{ recordingId: string; path: string }>>()

  constructor (private readonly deps: SpeechServiceDeps) {
    this.verdicts = new QaVerdictsRepo(deps.db)
  }

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
    return speechView(this.deps.repo, callId, this.deps.status(), this.verdicts.ofCall(callId))
  }

  /** Marks finding `findingIndex` of the call's QA card wrong; NotFound when the card has no such finding. */
  markFindingWrong (callId: string, findingIndex: number, note: string | null, markedBy: string, nowMs: number): FindingVerdict & { ruleId: string } {
    const finding = this.deps.repo.qaResult(callId)?.findings[findingIndex]
    if (finding === undefined) throw new NotFound('QA finding', `${callId}#${findingIndex}`)
    this.verdicts.put({ callId, findingIndex, ruleId: finding.ruleId, verdict: 'wrong', note, markedBy, markedAt: nowMs })
    return { ruleId: finding.ruleId, verdict: 'wrong', note, markedBy, markedAt: nowMs }
  }

  /** Takes a verdict back; NotFound when the finding was not marked. */
  unmarkFinding (callId: string, findingIndex: number): void {
    if (!this.verdicts.remove(callId, findingIndex)) throw new NotFound('verdict on QA finding', `${callId}#${findingIndex}`)
  }

  /** Every stored rule set (or the built-in one while none covers calls without a category) with its rules' precision. */
  rulePrecision (): RuleSetPrecision[] {
    const counts = this.verdicts.firingCounts()
    const stored = this.deps.repo.ruleSets()
    const sets = stored.some((r) => r.categoryId === null) ? stored : [...stored, defaultRuleSet]
    return sets.map((set) => ({
      ruleSetId: set.ruleSetId, name: set.name, categoryId: set.categoryId, fallback: set === defaultRuleSet,
      rules: rulePrecision(set.rules, counts.filter((c) => c.ruleSetId === set.ruleSetId))
    }))
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

  /** Whether a call with these recordings has a conversation to play: a kept mixed recording, or both parties' kept. */
  hasConversation (rows: ReadonlyArray<RecordingRow | undefined>): boolean {
    const kept = new Set(rows.flatMap((r) => r !== undefined && isKept(r) ? [r.kind] : []))
    return kept.has('mixed') || (kept.has('caller') && kept.has('operator'))
  }

  /**
   * The call's whole conversation to play: its mixed recording (the ARI way records one), or a stereo
   * file made once from the two party tracks and kept as the call's mixed recording, so retention,
   * backups and the golden fund treat it as the others. RecordingUnavailable says why there is none.
   */
  async conversation (callId: string): Promise<{ recordingId: string; path: string }> {
    const recs = this.deps.repo.recordingsOf(callId)
    const mixed = recs.find((r) => r.kind === 'mixed' && isKept(r))
    if (mixed !== undefined) return { recordingId: mixed.recordingId, path: mixed.path! }
    const caller = recs.find((r) => r.kind === 'caller')
    const operator = recs.find((r) => r.kind === 'operator')
    if (caller === undefined || operator === undefined) {
      throw new RecordingUnavailable(recs.length === 0 ? `call ${callId} was not recorded` : `call ${callId} has no recording of both parties to make its conversation from`)
    }
    for (const r of [caller, operator]) if (!isKept(r)) this.storedRecording(callId, r.recordingId)
    let made = this.making.get(callId)
    if (made === undefined) {
      made = this.makeConversation(callId, caller, operator).finally(() => { this.making.delete(callId) })
      this.making.set(callId, made)
    }
    return await made
  }

  private async makeConversation (callId: string, caller: RecordingRow, operator: RecordingRow): Promise<{ recordingId: string; path: string }> {
    const name = `${callId}-conversation`
    const path = join(dirname(caller.path!), `${name}.wav`)
    const dir = this.deps.recordingsDir
    let made: { bytes: number; durationMs: number }
    try {
      made = await writeConversation(join(dir, caller.path!), join(dir, operator.path!), join(dir, path))
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const gone = e.code === 'ENOENT' ? `a party's file is gone from the recordings directory (${e.path ?? 'unknown path'})` : e.message
      throw new RecordingUnavailable(`call ${callId}: its conversation could not be made: ${gone}`)
    }
    const recordingId = this.deps.newId('rec')
    const added = this.deps.repo.addRecording({
      recordingId, callId, kind: 'mixed', name, format: 'wav', path, status: 'stored', durationMs: made.durationMs, bytes: made.bytes,
      startedAt: Math.min(caller.startedAt, operator.startedAt), endedAt: Math.max(caller.endedAt ?? 0, operator.endedAt ?? 0) || null,
      golden: caller.golden || operator.golden
    })
    if (added) return { recordingId, path }
    // Made before and its row kept: the file just written is the same conversation.
    const row = this.deps.repo.recordingsOf(callId).find((r) => r.name === name)!
    return { recordingId: row.recordingId, path: row.path ?? path }
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

  /**
   * Scores a transcript with rules not saved: pasted text (`operator: …` / `customer: …` lines) or a
   * transcribed call's. The same scoring the calls get; nothing is stored.
   */
  tryRules (rules: QaRule[], transcript: { text: string } | { callId: string }): QaScore & { segments: Segment[] } {
    const problems = validateRules(rules)
    if (problems.length > 0) throw new InvalidInput('rules', problems.join('; '))
    let segments: Segment[]
    if ('callId' in transcript) {
      if (!this.deps.repo.callExists(transcript.callId)) throw new NotFound('call', transcript.callId)
      if (this.deps.repo.transcript(transcript.callId) === undefined) throw new InvalidInput('callId', `call ${transcript.callId} has no transcript yet`)
      segments = this.deps.repo.segments(transcript.callId)
    } else {
      const parsed = parseTranscriptText(transcript.text)
      if (!parsed.ok) throw new InvalidInput('transcript', `line ${parsed.line}: ${parsed.problem}`)
      segments = parsed.segments
    }
    return { ...scoreCall(segments, rules), segments }
  }

  deleteRuleSet (ruleSetId: string): void {
    if (!this.deps.repo.deleteRuleSet(ruleSetId)) throw new NotFound('rule set', ruleSetId)
  }
}
