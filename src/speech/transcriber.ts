// Transcription off the event loop: a child process per concurrent call, each with the model loaded
// once. A process, not a worker thread: ending a thread while whisper.cpp works aborts the whole daemon
// natively (Napi::Error), while a child can always be killed. A child that dies fails its call (the
// queue retries it) and is replaced on the next one.
import { fork, type ChildProcess } from 'node:child_process'
import { setPriority } from 'node:os'
import { createInterface } from 'node:readline'
import type { Logger } from 'pino'
import type { Speaker, TrackSegment } from '../domain/transcript.js'
import { speechWorkerEnv } from '../config.js'
import type { DecodeLimits } from './decode-limits.js'
import type { WhisperOptions } from './engine.js'
import { ModelLoadFailed, TranscriptionStopped } from './errors.js'

export interface TrackFile { speaker: Speaker | 'both'; path: string }
export interface WorkerRequest { id: number; tracks: TrackFile[]; language: string }
export type WorkerReply =
  /** `heardMs`: audio given to whisper, all tracks together, once long silences were left out; `passes`: the engine's runs over it. */
  | { id: number; ok: true; language: string; engine: string; tracks: Partial<Record<Speaker, TrackSegment[]>>; heardMs?: number; passes?: number }
  | { id: number; ok: false; error: string; modelFailed?: true }
export type Transcription = Extract<WorkerReply, { ok: true }>
/**
 * What a worker process is started with: `silenceRms` (0 or absent: off) leaves out silences quieter
 * than it; `pass` 'mixed' hears a call's two parties once, mixed to mono (absent: each on its own).
 */
/** `idlePolicy`: the worker puts itself under SCHED_IDLE before it loads the model (idle-policy.ts). */
export type WorkerSettings = WhisperOptions & { silenceRms?: number; pass?: TranscribePass; idlePolicy?: boolean }
export type TranscribePass = 'parties' | 'mixed'

export interface Transcriber {
  /** `signal` aborts the call: its worker is killed (replaced on the next call) and the call rejects with the signal's reason. */
  transcribe (tracks: TrackFile[], language: string, signal?: AbortSignal): Promise<Transcription>
  /** Lets the calls in hand finish within `graceMs`; the ones still running then fail with TranscriptionStopped. */
  close (graceMs?: number): Promise<void>
}

// Built, the child runs the .js beside this file; under tsx it runs the .ts source with tsx's loader.
const fromSource = import.meta.url.endsWith('.ts')
const workerFile = new URL(`./transcribe-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url)
function newWorker (file: URL, settings: WorkerSettings, nice: number): ChildProcess {
  const child = fork(file, [JSON.stringify(settings)], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    env: speechWorkerEnv(),
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc']
  })
  // Whisper takes every core it is given: at a low priority it gets only what calls leave idle.
  // whisper.cpp's threads start later and inherit the process's priority.
  if (child.pid !== undefined && nice > 0) setPriority(child.pid, nice)
  return child
}

/** whisper.cpp writes its progress to the native stderr: each line goes to the log at debug, or nowhere. */
function logNativeOutput (worker: ChildProcess, log: Logger | undefined): void {
  if (worker.stderr === null) return
  if (log === undefined) { worker.stderr.resume(); return }
  const whisperLog = log.child({ part: 'whisper', pid: worker.pid })
  createInterface({ input: worker.stderr }).on('line', (line) => { if (line.trim() !== '') whisperLog.debug(line) })
}

interface Slot {
  worker: ChildProcess | null
  /** The calls the slot's current process holds (a killed process's exit must not fail its successor's). */
  pending: Map<number, { resolve: (r: Transcription) => void; reject: (e: Error) => void }>
}

export class WorkerTranscriber implements Transcriber {
  private readonly slots: Slot[]
  private nextId = 1
  private next = 0
  private closed = false

  /**
   * `nice`: the workers' OS priority (0 = the daemon's, 19 = lowest). `log`: where whisper.cpp's own
   * output goes (debug); without one it is dropped. `workerFile`: the child's script (tests give one
   * that hangs or crashes; it speaks the same messages). `engine`: which whisper.cpp build the workers
   * run (engine.ts); calls sent to one worker run at once there. `silenceRms`: silences quieter than
   * this (RMS of 16-bit samples) are left out of what whisper hears; 0 or absent keeps everything.
   * `pass`: 'mixed' transcribes a call's two parties once, mixed to mono; absent or 'parties', each on its own.
   */
  constructor (private readonly opts: { modelPath: string; threads: number; workers: number; engine?: WhisperOptions['engine']; flashAttn?: boolean; nice?: number; log?: Logger; limits?: DecodeLimits; silenceRms?: number; pass?: TranscribePass; workerFile?: URL }) {
    this.slots = Array.from({ length: Math.max(1, opts.workers) }, () => ({ worker: null, pending: new Map() }))
  }

  /** Process ids of the running workers. */
  get processIds (): number[] { return this.slots.flatMap((s) => (s.worker?.pid === undefined ? [] : [s.worker.pid])) }

  private start (slot: Slot): ChildProcess {
    const worker = newWorker(this.opts.workerFile ?? workerFile, { modelPath: this.opts.modelPath, threads: this.opts.threads, engine: this.opts.engine ?? 'auto', ...(this.opts.flashAttn === undefined ? {} : { flashAttn: this.opts.flashAttn }), ...(this.opts.limits === undefined ? {} : { limits: this.opts.limits }), ...(this.opts.silenceRms === undefined ? {} : { silenceRms: this.opts.silenceRms }), ...(this.opts.pass === undefined ? {} : { pass: this.opts.pass }), ...((this.opts.nice ?? 0) >= 19 ? { idlePolicy: true } : {}) }, this.opts.nice ?? 0)
    logNativeOutput(worker, this.opts.log)
    const pending: Slot['pending'] = new Map()
    slot.pending = pending
    const failAll = (err: Error): void => {
      if (slot.worker === worker) slot.worker = null
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
    worker.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id)
      if (p === undefined) return
      pending.delete(reply.id)
      if (reply.ok) p.resolve(reply)
      else p.reject(reply.modelFailed === true ? new ModelLoadFailed(this.opts.modelPath, reply.error) : new Error(reply.error))
    })
    worker.on('error', (err) => { failAll(err) })
    worker.on('exit', (code, signal) => {
      failAll(this.closed ? new TranscriptionStopped() : new Error(`transcription worker exited with ${signal ?? `code ${code}`}`))
    })
    slot.worker = worker
    return worker
  }

  async transcribe (tracks: TrackFile[], language: string, signal?: AbortSignal): Promise<Transcription> {
    if (this.closed) throw new TranscriptionStopped()
    signal?.throwIfAborted()
    // Calls go round the slots; the queue never hands out more than `workers` at once.
    const slot = this.slots[this.next++ % this.slots.length]!
    const worker = slot.worker ?? this.start(slot)
    const pending = slot.pending
    const id = this.nextId++
    const abort = (): void => {
      const p = pending.get(id)
      if (p === undefined) return
      pending.delete(id)
      p.reject(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)))
      // A hung whisper.cpp cannot be interrupted: the process goes, and the next call starts a new one.
      if (slot.worker === worker) slot.worker = null
      worker.kill('SIGKILL')
    }
    try {
      return await new Promise<Transcription>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        signal?.addEventListener('abort', abort, { once: true })
        worker.send({ id, tracks, language } satisfies WorkerRequest)
      })
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }

  /**
   * Each child finishes the call in hand, frees the model and ends; one still working after `graceMs`
   * is killed (its calls fail with TranscriptionStopped, and the queue hands them out again).
   */
  async close (graceMs = 60_000): Promise<void> {
    this.closed = true
    await Promise.all(this.slots.map(async (s) => {
      const w = s.worker
      s.worker = null
      if (w === null || w.exitCode !== null || w.signalCode !== null) return
      const exited = new Promise<void>((resolve) => { w.once('exit', () => { resolve() }) })
      if (w.connected) w.send({ close: true })
      let timer: NodeJS.Timeout | undefined
      const inTime = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(false) }, graceMs) })])
      clearTimeout(timer)
      if (!inTime) {
        w.kill('SIGKILL')
        await exited
      }
    }))
  }
}
