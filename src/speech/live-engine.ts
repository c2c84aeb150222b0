// The engine of live alerts: whisper.cpp in its own child process (never in the daemon's event loop),
// at a low priority. A window past its deadline kills the child; the next window starts a new one.
import { fork, type ChildProcess } from 'node:child_process'
import { setPriority } from 'node:os'
import type { EngineResult, SpeechEngine } from './engine.js'
import type { LiveWorkerReply, LiveWorkerRequest } from './live-worker.js'

const fromSource = import.meta.url.endsWith('.ts')
const workerFile = new URL(`./live-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url)

export class LiveProcessEngine implements SpeechEngine {
  readonly name = 'whisper.cpp (live, child process)'
  private child: ChildProcess | null = null
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (r: EngineResult) => void; reject: (e: Error) => void }>()

  /** audioCtx: encoder frames per window (live-transcript.ts's liveAudioCtx); 0 or absent = whisper.cpp's whole 30 s. addonPath: another build of the native addon (the bench's before/after). */
  constructor (private readonly opts: { modelPath: string; threads: number; flashAttn?: boolean; audioCtx?: number; nice: number; deadlineMs: number; addonPath?: string }) {}

  private start (): ChildProcess {
    const child = fork(workerFile, [JSON.stringify({ modelPath: this.opts.modelPath, threads: this.opts.threads, flashAttn: this.opts.flashAttn ?? true, audioCtx: this.opts.audioCtx ?? 0, ...(this.opts.addonPath === undefined ? {} : { addonPath: this.opts.addonPath }) })], {
      execArgv: fromSource ? ['--import', 'tsx'] : [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc']
    })
    if (child.pid !== undefined && this.opts.nice > 0) setPriority(child.pid, this.opts.nice)
    child.on('message', (r: LiveWorkerReply) => {
      const p = this.pending.get(r.id)
      if (p === undefined) return
      this.pending.delete(r.id)
      if (r.ok) p.resolve({ language: r.language, segments: r.segments })
      else p.reject(new Error(r.error))
    })
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null
      for (const p of this.pending.values()) p.reject(new Error(`live transcription process exited with ${signal ?? `code ${code}`}`))
      this.pending.clear()
    })
    this.child = child
    return child
  }

  async transcribe (samples: Int16Array, language: string): Promise<EngineResult> {
    const child = this.child ?? this.start()
    const id = this.nextId++
    let timer: NodeJS.Timeout | undefined
    try {
      return await new Promise<EngineResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject })
        timer = setTimeout(() => {
          // A stuck decode would hold every later window: the process goes, the next window starts another.
          child.kill('SIGKILL')
          reject(new Error(`live window not transcribed within ${this.opts.deadlineMs} ms`))
        }, this.opts.deadlineMs)
        child.send({ id, samples, language } satisfies LiveWorkerRequest)
      })
    } finally {
      clearTimeout(timer)
      this.pending.delete(id)
    }
  }

  async close (): Promise<void> {
    const child = this.child
    this.child = null
    if (child === null || child.exitCode !== null) return
    const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
    child.kill('SIGKILL')
    await exited
  }
}
