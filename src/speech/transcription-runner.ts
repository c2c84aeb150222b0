// The transcription queue's worker side: queues every answered call, claims due jobs from the
// database with a lease (so a job held by a dead daemon is taken again, and none runs twice at once),
// transcribes each party's track in a worker thread, stores the merged transcript, checks it against
// the QA rule set, and tells the supervisor at once about severe findings.
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { Config } from '../config.js'
import type { JobRow, QaResultView, SpeechRepo } from '../db/speech-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import { isAlert, scoreCall, type QaFinding } from '../domain/qa.js'
import { chooseLanguage, mergeTracks } from '../domain/transcript.js'
import { defaultRuleSet } from './default-rule-set.js'
import { NothingToTranscribe, TranscriptionStopped } from './errors.js'
import type { TrackFile, Transcriber } from './transcriber.js'

export type SpeechConfig = Config['speech']

export interface RunnerDeps {
  repo: SpeechRepo
  bus: Bus
  log: Logger
  now: () => number
  newId: (prefix: string) => string
  config: SpeechConfig
  recordingsDir: string
  /** Builds the transcriber once a model is there. */
  openTranscriber: (modelPath: string) => Transcriber
  /** Distinguishes this daemon's claims from those of a previous (crashed) run. */
  worker: string
}

/** What /health and the API say about transcription. */
export type SpeechStatus =
  | { state: 'ready'; model: string }
  | { state: 'waiting for a model'; reason: string }

export function retryDelayMs (attempts: number, config: Pick<SpeechConfig, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempts - 1))
}

export class TranscriptionRunner {
  private readonly active = new Map<string, Promise<void>>()
  private transcriber: Transcriber | null = null
  private timer: NodeJS.Timeout | null = null
  private leaseKeeper: NodeJS.Timeout | null = null
  private stopping = false
  private readonly log: Logger
  constructor (private readonly deps: RunnerDeps) {
    this.log = deps.log.child({ part: 'speech' })
  }

  status (): SpeechStatus {
    const path = this.deps.config.modelPath
    if (path === '') return { state: 'waiting for a model', reason: 'no model configured (RINGLEAD_SPEECH_MODEL_PATH); calls are recorded and queued' }
    if (!existsSync(path)) return { state: 'waiting for a model', reason: `model file ${path} not found; calls are recorded and queued` }
    return { state: 'ready', model: basename(path) }
  }

  get running (): number { return this.active.size }

  start (): void {
    const s = this.status()
    if (s.state === 'ready') this.log.info({ model: s.model, concurrency: this.deps.config.concurrency }, 'transcription on')
    else this.log.warn({ reason: s.reason }, 'transcription waits for a model')
    this.timer = setInterval(() => { this.tick() }, this.deps.config.pollMs)
    this.timer.unref()
    const leaseMs = this.deps.config.leaseSeconds * 1000
    this.leaseKeeper = setInterval(() => {
      for (const jobId of this.active.keys()) this.deps.repo.extendLease(jobId, this.deps.worker, this.deps.now() + leaseMs)
    }, Math.max(1000, leaseMs / 3))
    this.leaseKeeper.unref()
    this.tick()
  }

  /**
   * Stops claiming and lets the jobs in hand finish within `graceMs`; those still running then are
   * handed back to the queue (the next run takes them at once), and the model is freed.
   */
  async stop (graceMs?: number): Promise<void> {
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    const closing = this.transcriber?.close(graceMs)
    await Promise.allSettled([...this.active.values()])
    if (this.leaseKeeper) clearInterval(this.leaseKeeper)
    await closing
  }

  /** Waits until every job in hand is settled (tests, shutdown). */
  async idle (): Promise<void> { await Promise.allSettled([...this.active.values()]) }

  /** An answered call with recordings gets its job; called in the transaction that publishes the call's outcome. */
  queueCall (e: CallEnded): void {
    if (e.status !== 'answered' || e.recordings.length === 0) return
    try {
      const hints = this.deps.repo.languageHints(e.callId)
      const language = chooseLanguage(hints.trackingNumber, hints.category, this.deps.config.language)
      if (this.deps.repo.enqueue(this.deps.newId('stt'), e.callId, language, this.deps.now())) {
        this.log.info({ callId: e.callId, language }, 'transcription queued')
      }
      this.tick()
    } catch (err) {
      // The call is over and stored; a lost job must not fail it, but a person must know.
      this.log.error({ callId: e.callId, err }, 'transcription not queued')
    }
  }

  /** Claims what is due, up to the free worker slots. Returns how many it took. */
  tick (nowMs = this.deps.now()): number {
    if (this.stopping || this.status().state !== 'ready') return 0
    // 0 (the default) is resolved from cores and memory by the daemon (speech-plan.ts); unresolved, one at a time.
    const free = Math.max(1, this.deps.config.concurrency) - this.active.size
    if (free <= 0) return 0
    const claimed = this.deps.repo.claimDue(nowMs, this.deps.worker, this.deps.config.leaseSeconds * 1000, free)
    for (const job of claimed) {
      const p = this.run(job).finally(() => {
        this.active.delete(job.jobId)
        this.tick()
      })
      this.active.set(job.jobId, p)
    }
    return claimed.length
  }

  private async run (job: JobRow): Promise<void> {
    const log = this.log.child({ callId: job.callId, jobId: job.jobId })
    log.info({ attempt: job.attempts, language: job.language }, 'transcription started')
    try {
      const tracks = this.tracksOf(job.callId)
      this.transcriber ??= this.deps.openTranscriber(this.deps.config.modelPath)
      const result = await this.transcriber.transcribe(tracks, job.language)
      const segments = mergeTracks(result.tracks)
      const { qa, alerts } = this.checkScript(job.callId, segments)
      const stored = this.deps.repo.finish(job.jobId, this.deps.worker, this.deps.now(), {
        callId: job.callId, language: result.language, engine: result.engine, model: basename(this.deps.config.modelPath), segments
      }, qa)
      if (!stored) {
        log.warn('transcription finished after its lease was taken; left to whoever holds it now')
        return
      }
      log.info({ segments: segments.length, language: result.language, score: qa.score, findings: qa.findings.length, ruleSetId: qa.ruleSetId }, 'transcribed and checked')
      if (alerts.length > 0) {
        log.warn({ alerts: alerts.map((a) => a.ruleId) }, 'severe QA finding: supervisor alerted')
        this.deps.bus.emit('call.qa_alert', { callId: job.callId, score: qa.score, findings: alerts, atMs: qa.createdAt })
      }
    } catch (err) {
      if (err instanceof TranscriptionStopped) {
        const released = this.deps.repo.release(job.jobId, this.deps.worker, this.deps.now())
        log.info({ released }, 'transcription handed back to the queue: ringlead is stopping')
        return
      }
      const message = err instanceof Error ? err.message : String(err)
      const giveUp = job.attempts >= this.deps.config.maxAttempts || err instanceof NothingToTranscribe
      const retryAt = giveUp ? null : this.deps.now() + retryDelayMs(job.attempts, this.deps.config)
      this.deps.repo.fail(job.jobId, this.deps.worker, this.deps.now(), message, retryAt)
      if (giveUp) log.error({ err: message, attempts: job.attempts }, 'transcription failed')
      else log.warn({ err: message, attempts: job.attempts, retryInMs: retryAt! - this.deps.now() }, 'transcription attempt failed')
    }
  }

  /** The party tracks when there are both; else a stereo mix split by channel. */
  private tracksOf (callId: string): TrackFile[] {
    const recs = this.deps.repo.storedRecordings(callId).filter((r) => r.path !== null)
    const full = (path: string): string => join(this.deps.recordingsDir, path)
    const parties = recs.filter((r) => r.kind === 'caller' || r.kind === 'operator')
    if (parties.length > 0) return parties.map((r) => ({ speaker: r.kind as 'caller' | 'operator', path: full(r.path!) }))
    const mixed = recs.find((r) => r.kind === 'mixed')
    if (mixed !== undefined) return [{ speaker: 'both', path: full(mixed.path!) }]
    throw new NothingToTranscribe(callId)
  }

  private checkScript (callId: string, segments: ReturnType<typeof mergeTracks>): { qa: QaResultView; alerts: QaFinding[] } {
    const ruleSet = this.deps.repo.ruleSetFor(this.deps.repo.categoryOf(callId)) ?? defaultRuleSet
    const scored = scoreCall(segments, ruleSet.rules)
    const alerts = scored.findings.filter(isAlert)
    return { qa: { ruleSetId: ruleSet.ruleSetId, score: scored.score, findings: scored.findings, metrics: scored.metrics, alerts: alerts.length, createdAt: this.deps.now() }, alerts }
  }
}
