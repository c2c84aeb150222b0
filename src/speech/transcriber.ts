// Transcription off the event loop: a worker thread per concurrent call, each with the model loaded
// once. A worker that dies fails its call (the queue retries it) and is replaced on the next one.
import { Worker } from 'node:worker_threads'
import type { Speaker, TrackSegment } from '../domain/transcript.js'

export interface TrackFile { speaker: Speaker | 'both'; path: string }
export interface WorkerRequest { id: number; tracks: TrackFile[]; language: string }
export type WorkerReply =
  | { id: number; ok: true; language: string; engine: string; tracks: Partial<Record<Speaker, TrackSegment[]>> }
  | { id: number; ok: false; error: string }
export type Transcription = Extract<WorkerReply, { ok: true }>

export interface Transcriber {
  transcribe (tracks: TrackFile[], language: string): Promise<Transcription>
  close (): Promise<void>
}

// Built, the worker is the .js beside this file. Under tsx the sources are .ts, and a worker thread
// does not get the parent's loader: it registers tsx itself before importing the worker.
const fromSource = import.meta.url.endsWith('.ts')
const workerFile = new URL(`./transcribe-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url)
const newWorker = (workerData: unknown): Worker => fromSource
  ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerFile.href)}) })`, { eval: true, workerData })
  : new Worker(workerFile, { workerData })

interface Slot {
  worker: Worker | null
  pending: Map<number, { resolve: (r: Transcription) => void; reject: (e: Error) => void }>
}

export class WorkerTranscriber implements Transcriber {
  private readonly slots: Slot[]
  private nextId = 1
  private next = 0

  constructor (private readonly opts: { modelPath: string; threads: number; workers: number }) {
    this.slots = Array.from({ length: Math.max(1, opts.workers) }, () => ({ worker: null, pending: new Map() }))
  }

  private start (slot: Slot): Worker {
    const worker = newWorker({ modelPath: this.opts.modelPath, threads: this.opts.threads })
    const failAll = (err: Error): void => {
      if (slot.worker === worker) slot.worker = null
      for (const p of slot.pending.values()) p.reject(err)
      slot.pending.clear()
    }
    worker.on('message', (reply: WorkerReply) => {
      const p = slot.pending.get(reply.id)
      if (p === undefined) return
      slot.pending.delete(reply.id)
      if (reply.ok) p.resolve(reply)
      else p.reject(new Error(reply.error))
    })
    worker.on('error', (err) => { failAll(err) })
    worker.on('exit', (code) => { failAll(new Error(`transcription worker exited with code ${code}`)) })
    slot.worker = worker
    return worker
  }

  async transcribe (tracks: TrackFile[], language: string): Promise<Transcription> {
    // Calls go round the slots; the queue never hands out more than `workers` at once.
    const slot = this.slots[this.next++ % this.slots.length]!
    const worker = slot.worker ?? this.start(slot)
    const id = this.nextId++
    return await new Promise<Transcription>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      worker.postMessage({ id, tracks, language } satisfies WorkerRequest)
    })
  }

  /**
   * Lets each worker finish the call in hand and release the model, then end. Terminating a thread
   * while whisper.cpp works aborts the process, so terminate() is only the last resort after `graceMs`.
   */
  async close (graceMs = 60_000): Promise<void> {
    await Promise.all(this.slots.map(async (s) => {
      const w = s.worker
      s.worker = null
      if (w === null) return
      const exited = new Promise<boolean>((resolve) => { w.once('exit', () => { resolve(true) }) })
      w.postMessage({ close: true })
      let timer: NodeJS.Timeout | undefined
      const inTime = await Promise.race([exited, new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(false) }, graceMs) })])
      clearTimeout(timer)
      if (!inTime) await w.terminate()
    }))
  }
}
