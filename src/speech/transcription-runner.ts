// The transcription queue's worker side: queues every answered call, claims due jobs from the
// database with a lease (so a job held by a dead daemon is taken again, and none runs twice at once),
// transcribes each party's track in a worker thread, stores the merged transcript, checks it against
// the QA rule set, and tells the supervisor at once about severe findings. It also supervises: each
// job has a deadline from its audio's length (past it the worker is killed and the job retried, then
// failed with its reason), a model that cannot load makes the queue wait instead of burning attempts,
// and a changed model is loaded for the next job without a restart.
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import { systemClock, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { JobRow, QaResultView, SpeechRepo } from '../db/speech-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import { isAlert, isCustomerAlert, scoreCall, type QaFinding } from '../domain/qa.js'
import { chooseLanguage, mergeTracks } from '../domain/transcript.js'
import { transcriptionDeadlineMs } from '../domain/transcription-deadline.js'
import { wavLength } from './audio.js'
import { defaultRuleSet } from './default-rule-set.js'
import { ModelLoadFailed, NothingToTranscribe, TranscriptionOverDeadline, TranscriptionStopped } from './errors.js'
import { checkModelFile } from './ggml-header.js'
import { modelSignature, resolveModel, type ModelResolution } from './model-folder.js'
import type { TrackFile, Transcriber } from './transcriber.js'

export type SpeechConfig = Config['speech']

const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

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
  /** Deadlines of the jobs in hand; the system clock when not given. */
  clock?: Clock
  /** The demo's generated model, used when the models folder is empty. */
  fallbackModel?: string
}

/** What /health and the API say about transcription. */
export type SpeechStatus =
  | { state: 'ready'; model: string; why: string }
  | { state: 'waiting for a model'; reason: string }
  | { state: 'model failed to load'; model: string; reason: string }

/** The status, plus what /api/health shows about work that is stuck or failed. */
export type SpeechHealth = SpeechStatus & {
  /** Jobs past their deadline still in hand, plus running jobs whose lease ran out with nobody on them. */
  stuck: number
  lastFailure: ReturnType<SpeechRepo['lastFailure']>
  /** What the check of the model file found that does not stop it loading (e.g. no blank token). */
  modelWarnings: string[]
}

interface InHand { promise: Promise<void>; deadlineAt: number }
interface LoadedModel { signature: string; path: string; transcriber: Transcriber }

export function retryDelayMs (attempts: number, config: Pick<SpeechConfig, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempts - 1))
}

export class TranscriptionRunner {
  private readonly active = new Map<string, InHand>()
  private loaded: LoadedModel | null = null
  /** A model that would not load, until its file or the choice changes. */
  private modelProblem: { signature: string; path: string; reason: string } | null = null
  private modelWarnings: { signature: string; problems: string[] } = { signature: '', problems: [] }
  private resolved: { at: number; resolution: ModelResolution; signature: string } | null = null
  private readonly retiring = new Set<Promise<void>>()
  private readonly clock: Clock
  private timer: NodeJS.Timeout | null = null
  private leaseKeeper: NodeJS.Timeout | null = null
  private stopping = false
  private readonly log: Logger
  constructor (private readonly deps: RunnerDeps) {
    this.log = deps.log.child({ part: 'speech' })
    this.clock = deps.clock ?? systemClock
  }

  /** Which model runs and why; looked up again at most every modelCheckMs (files, so not on every request). */
  private model (fresh = false): { resolution: ModelResolution; signature: string } {
    const now = this.deps.now()
    if (fresh || this.resolved === null || now - this.resolved.at >= this.deps.config.modelCheckMs) {
      const resolution = resolveModel({ modelPath: this.deps.config.modelPath, modelsDir: this.deps.config.modelsDir, fallback: this.deps.fallbackModel })
      this.resolved = { at: now, resolution, signature: modelSignature(resolution.path) }
    }
    return this.resolved
  }

  status (): SpeechStatus {
    const { resolution: r, signature } = this.model()
    if (r.path === null) return { state: 'waiting for a model', reason: r.why }
    if (!existsSync(r.path)) return { state: 'waiting for a model', reason: `model file ${r.path} not found (${r.why}); calls are recorded and queued` }
    if (this.modelProblem?.signature === signature) {
      return { state: 'model failed to load', model: basename(r.path), reason: `transcription: model failed to load: ${this.modelProblem.reason}; calls are queued until the model changes` }
    }
    return { state: 'ready', model: basename(r.path), why: r.why }
  }

  health (): SpeechHealth {
    const now = this.deps.now()
    const stuck = new Set([...this.active].filter(([, j]) => j.deadlineAt < now).map(([jobId]) => jobId))
    for (const jobId of this.deps.repo.expiredLeases(now)) stuck.add(jobId)
    const { signature } = this.model()
    return {
      ...this.status(),
      stuck: stuck.size,
      lastFailure: this.deps.repo.lastFailure(),
      modelWarnings: this.modelWarnings.signature === signature ? this.modelWarnings.problems : []
    }
  }

  get running (): number { return this.active.size }

  start (): void {
    this.prepareModel(true)
    const s = this.status()
    if (s.state === 'ready') this.log.info({ model: s.model, why: s.why, concurrency: this.deps.config.concurrency }, 'transcription on')
    else if (s.state === 'waiting for a model') this.log.warn({ reason: s.reason }, 'transcription waits for a model')
    this.timer = setInterval(() => { this.tick() }, this.deps.config.pollMs)
    this.timer.unref()
    this.leaseKeeper = setInterval(() => { this.keepLeases() }, Math.max(1000, this.deps.config.leaseSeconds * 1000 / 3))
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
    const closing = this.loaded?.transcriber.close(graceMs)
    await Promise.allSettled([...this.active.values()].map((j) => j.promise))
    if (this.leaseKeeper) clearInterval(this.leaseKeeper)
    await closing
    await Promise.allSettled([...this.retiring])
  }

  /** Waits until every job in hand is settled (tests, shutdown). */
  async idle (): Promise<void> { await Promise.allSettled([...this.active.values()].map((j) => j.promise)) }

  /**
   * The lease of a job in hand is kept while it may still finish: never past its deadline plus one
   * lease, so a job this daemon cannot end is taken again by the next run.
   */
  keepLeases (): void {
    const leaseMs = this.deps.config.leaseSeconds * 1000
    const now = this.deps.now()
    for (const [jobId, j] of this.active) this.deps.repo.extendLease(jobId, this.deps.worker, Math.min(now + leaseMs, j.deadlineAt + leaseMs))
  }

  /**
   * Follows the model: a changed choice or file retires the loaded transcriber (the jobs in hand finish
   * on it) and the next job loads the new one; a file that cannot be a model is reported once here.
   */
  private prepareModel (fresh = false): void {
    const { resolution, signature } = this.model(fresh)
    if (this.loaded !== null && this.loaded.signature !== signature) {
      this.log.info({ from: basename(this.loaded.path), to: resolution.path === null ? null : basename(resolution.path), why: resolution.why }, 'model changed: the next job loads it')
      this.retire(this.loaded)
      this.loaded = null
    }
    if (this.modelProblem !== null && this.modelProblem.signature !== signature) {
      this.log.info({ model: resolution.path }, 'the model changed since it failed to load: trying again')
      this.modelProblem = null
    }
    if (resolution.path === null || this.modelWarnings.signature === signature || !existsSync(resolution.path)) return
    let problems: string[]
    try {
      problems = checkModelFile(resolution.path).problems
    } catch (err) {
      problems = [`cannot be read: ${(err as Error).message}`]
    }
    this.modelWarnings = { signature, problems }
    if (problems.length === 0) return
    // A file that is no model at all, or cut short, cannot load: say so now, without a worker.
    const fatal = problems.filter((p) => /not a ggml model|ends early|bad header|no tensors|cannot be read/.test(p))
    if (fatal.length > 0) this.modelFailed(signature, resolution.path, fatal.join('; '))
    else this.log.warn({ model: resolution.path, problems }, 'the model file has problems: transcription may fail or run into its deadline')
  }

  private modelFailed (signature: string, path: string, reason: string): void {
    if (this.modelProblem?.signature === signature) return
    this.modelProblem = { signature, path, reason }
    this.log.error({ model: path, reason }, `transcription: model failed to load: ${reason}; calls stay queued until the model changes`)
  }

  /** Lets the old model's jobs finish (each within its deadline), then frees it. */
  private retire (old: LoadedModel): void {
    const lastDeadline = Math.max(0, ...[...this.active.values()].map((j) => j.deadlineAt - this.deps.now()))
    const p = old.transcriber.close(lastDeadline + 5000).catch((err: unknown) => { this.log.warn({ err }, 'closing the previous model failed') })
      .finally(() => { this.retiring.delete(p) })
    this.retiring.add(p)
  }

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
    if (this.stopping) return 0
    this.prepareModel()
    const status = this.status()
    if (status.state !== 'ready') return 0
    // 0 (the default) is resolved from cores and memory by the daemon (speech-plan.ts); unresolved, one at a time.
    const free = Math.max(1, this.deps.config.concurrency) - this.active.size
    if (free <= 0) return 0
    const claimed = this.deps.repo.claimDue(nowMs, this.deps.worker, this.deps.config.leaseSeconds * 1000, free)
    const { resolution, signature } = this.model()
    if (this.loaded === null && claimed.length > 0) {
      this.loaded = { signature, path: resolution.path!, transcriber: this.deps.openTranscriber(resolution.path!) }
    }
    for (const job of claimed) {
      // Until its audio is measured, a job has the shortest deadline.
      const inHand: InHand = { promise: Promise.resolve(), deadlineAt: nowMs + this.deps.config.deadlineMinSeconds * 1000 }
      this.active.set(job.jobId, inHand)
      inHand.promise = this.run(job, this.loaded!, inHand).finally(async () => {
        this.active.delete(job.jobId)
        await nextTurn() // the next claim in a turn of its own too
        this.tick()
      })
    }
    return claimed.length
  }

  /** Runs `work` with the job's deadline: past it, the transcription is aborted (its worker killed). */
  private async withDeadline<T> (inHand: InHand, audioMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = transcriptionDeadlineMs(audioMs, { factor: this.deps.config.deadlineFactor, minMs: this.deps.config.deadlineMinSeconds * 1000 })
    inHand.deadlineAt = this.deps.now() + ms
    const ac = new AbortController()
    const cancel = this.clock.setTimeout(() => { ac.abort(new TranscriptionOverDeadline(ms, audioMs)) }, ms)
    try { return await work(ac.signal) } finally { cancel() }
  }

  private async run (job: JobRow, model: LoadedModel, inHand: InHand): Promise<void> {
    const log = this.log.child({ callId: job.callId, jobId: job.jobId })
    log.info({ attempt: job.attempts, language: job.language, model: basename(model.path) }, 'transcription started')
    try {
      const tracks = this.tracksOf(job.callId)
      const audioMs = await audioLengthMs(tracks, this.deps.config.transcribePass)
      // A stop that came while the audio was measured: the transcriber is closing, hand the job back.
      if (this.stopping) throw new TranscriptionStopped()
      const result = await this.withDeadline(inHand, audioMs, (signal) => model.transcriber.transcribe(tracks, job.language, signal))
      // The rest runs on the daemon's event loop beside calls being set up: the check and the write
      // each in a turn of their own, so a call's event waits behind one of them, never both.
      await nextTurn()
      const segments = mergeTracks(result.tracks)
      const { qa, alerts, customer } = this.checkScript(job.callId, segments)
      await nextTurn()
      const stored = this.deps.repo.finish(job.jobId, this.deps.worker, this.deps.now(), {
        callId: job.callId, language: result.language, engine: result.engine, model: basename(model.path), segments
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
      if (customer.length > 0) {
        log.info({ segments: customer.map((f) => f.segmentIndex) }, 'the customer swore or was angry: supervisor alerted')
        this.deps.bus.emit('call.customer_alert', { callId: job.callId, score: qa.score, findings: customer, atMs: qa.createdAt })
      }
    } catch (err) {
      if (err instanceof TranscriptionStopped) {
        const released = this.deps.repo.release(job.jobId, this.deps.worker, this.deps.now())
        log.info({ released }, 'transcription handed back to the queue: ringlead is stopping')
        return
      }
      if (err instanceof ModelLoadFailed) {
        // Not the job's fault: it waits, its attempt not counted, until the model changes.
        this.deps.repo.release(job.jobId, this.deps.worker, this.deps.now())
        this.modelFailed(model.signature, model.path, err.why)
        if (this.loaded === model) { this.retire(model); this.loaded = null }
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

  private checkScript (callId: string, segments: ReturnType<typeof mergeTracks>): { qa: QaResultView; alerts: QaFinding[]; customer: QaFinding[] } {
    const ruleSet = this.deps.repo.ruleSetFor(this.deps.repo.categoryOf(callId)) ?? defaultRuleSet
    const scored = scoreCall(segments, ruleSet.rules)
    const alerts = scored.findings.filter(isAlert)
    const customer = scored.findings.filter(isCustomerAlert)
    return { qa: { ruleSetId: ruleSet.ruleSetId, score: scored.score, findings: scored.findings, metrics: scored.metrics, alerts: alerts.length, createdAt: this.deps.now() }, alerts, customer }
  }
}

/**
 * The audio a transcription has to hear: each track's length, times its channels for a stereo mix;
 * heard in one mixed pass, a call's two parties count once (the longer track).
 */
export async function audioLengthMs (tracks: TrackFile[], pass: SpeechConfig['transcribePass']): Promise<number> {
  const lengths = await Promise.all(tracks.map(async (t) => ({ speaker: t.speaker, ...await wavLength(t.path) })))
  const parties = lengths.filter((l) => l.speaker !== 'both')
  if (pass === 'mixed' && parties.length === 2 && parties[0]!.speaker !== parties[1]!.speaker && lengths.length === 2) return Math.max(parties[0]!.ms, parties[1]!.ms)
  let total = 0
  for (const l of lengths) total += l.speaker === 'both' ? l.ms * (pass === 'mixed' ? 1 : Math.min(2, l.channels)) : l.ms
  return total
}
