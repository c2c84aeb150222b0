// Child process of live alerts: holds a loaded model and transcribes short windows of a call's
// audio, one at a time, at a low OS priority so calls and the daemon keep the CPU they need.
import type { TrackSegment } from '../domain/transcript.js'
import { openWhisperEngine, type SpeechEngine } from './engine.js'

export interface LiveWorkerRequest { id: number; samples: Int16Array; language: string }
export type LiveWorkerReply = { id: number; ok: true; language: string; segments: TrackSegment[] } | { id: number; ok: false; error: string }

const { modelPath, threads, flashAttn, audioCtx, addonPath } = JSON.parse(process.argv[2] ?? '{}') as { modelPath: string; threads: number; flashAttn?: boolean; audioCtx?: number; addonPath?: string }
let engine: Promise<SpeechEngine> | null = null

process.on('disconnect', () => { process.kill(process.pid, 'SIGKILL') })
process.on('message', (req: LiveWorkerRequest) => {
  engine ??= openWhisperEngine({ modelPath, threads, audioCtx: audioCtx ?? 0, ...(flashAttn === undefined ? {} : { flashAttn }), ...(addonPath === undefined ? {} : { addonPath }) }).catch((err: unknown) => { engine = null; throw err })
  void engine.then(async (e) => await e.transcribe(req.samples, req.language)).then(
    (r) => { if (process.connected) process.send!({ id: req.id, ok: true, language: r.language, segments: r.segments } satisfies LiveWorkerReply) },
    (err: unknown) => { if (process.connected) process.send!({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies LiveWorkerReply) }
  )
})
