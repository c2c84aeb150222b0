// The transcription child process's side of the conversation with the daemon: it holds the loaded
// engine and runs the calls sent to it at once (the native engine gives each its own decoding state
// over the one loaded model). `open` makes the engine; tests give one that needs no model.
import type { SpeechEngine } from './engine.js'
import { runOnlyWhenIdle } from './idle-policy.js'
import { transcribeRequest } from './transcribe-job.js'
import type { WorkerReply, WorkerRequest, WorkerSettings } from './transcriber.js'

/** Told apart from a failed transcription: the daemon then waits for another model instead of retrying. */
class ModelNotLoaded extends Error {
  constructor (cause: unknown) { super(cause instanceof Error ? cause.message : String(cause)) }
}

export function serveTranscriptions (open: (settings: WorkerSettings) => Promise<SpeechEngine>): void {
  const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings
  // At the lowest priority, before the engine starts its threads: they inherit the policy. Without
  // it the worker still runs at nice 19; stderr reaches the daemon's log.
  if (settings.idlePolicy === true) {
    const why = runOnlyWhenIdle()
    if (why !== null) process.stderr.write(`transcription worker left at nice 19, not SCHED_IDLE: ${why}\n`)
  }
  let engine: Promise<SpeechEngine> | null = null
  const run = async (req: WorkerRequest): Promise<WorkerReply> => {
    // A model that failed to load is tried again on the next call (the file may have been replaced).
    engine ??= open(settings).catch((err: unknown) => { engine = null; throw new ModelNotLoaded(err) })
    return await transcribeRequest(await engine, settings, req)
  }

  const inFlight = new Set<Promise<void>>()
  const reply = (message: WorkerReply): void => { if (process.connected) process.send!(message) }

  // The daemon is gone (killed, or it stopped without us): end at once and silently. A signal, not
  // process.exit(): exiting while whisper.cpp works would abort with a native error on the way out.
  process.on('disconnect', () => { process.kill(process.pid, 'SIGKILL') })
  // Ctrl-C reaches the whole process group: the daemon decides when this child ends (a close message,
  // or the kill after its grace), so the call in hand is not cut off by the terminal's signal.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => {})

  process.on('message', (req: WorkerRequest | { close: true }) => {
    if ('close' in req) {
      // Finish the call in hand, free the model, then end.
      void Promise.allSettled([...inFlight])
        .then(async () => { if (engine !== null) await (await engine.catch(() => null))?.close() })
        .finally(() => { process.exit(0) })
      return
    }
    const p = run(req).then(
      (r) => { reply(r) },
      (err: unknown) => { reply({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err), ...(err instanceof ModelNotLoaded ? { modelFailed: true } : {}) }) }
    ).finally(() => { inFlight.delete(p) })
    inFlight.add(p)
  })
}
