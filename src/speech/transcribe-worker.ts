// Child process: holds the loaded model and transcribes off the daemon's event loop. Calls sent to it
// run at once (the native engine gives each its own decoding state over the one loaded model).
import { readFile } from 'node:fs/promises'
import type { Speaker, TrackSegment } from '../domain/transcript.js'
import { gateSilence, defaultGate, toTrackTimes } from '../domain/silence-gate.js'
import { wavToChannels, whisperSampleRate } from './audio.js'
import { openWhisperEngine, type SpeechEngine, type WhisperOptions } from './engine.js'
import type { WorkerReply, WorkerRequest, WorkerSettings } from './transcriber.js'

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings
let engine: Promise<SpeechEngine> | null = null

async function run (req: WorkerRequest): Promise<WorkerReply> {
  // A model that failed to load is tried again on the next call (the file may have been replaced).
  engine ??= openWhisperEngine(settings).catch((err: unknown) => { engine = null; throw new ModelNotLoaded(err) })
  const e = await engine
  const tracks: Partial<Record<Speaker, TrackSegment[]>> = {}
  let language = req.language
  const sources: Array<{ speaker: Speaker; samples: Int16Array }> = []
  for (const t of req.tracks) {
    const channels = wavToChannels(await readFile(t.path))
    // A stereo recording carries the caller on the left and the operator on the right.
    if (t.speaker === 'both') {
      sources.push({ speaker: 'caller', samples: channels[0]! })
      if (channels[1] !== undefined) sources.push({ speaker: 'operator', samples: channels[1] })
    } else sources.push({ speaker: t.speaker, samples: channels[0]! })
  }
  let heardMs = 0
  for (const s of sources) {
    // Long silences are left out before the encoder (it encodes whole 30 s windows whatever they hold).
    const gated = (settings.silenceRms ?? 0) > 0 ? gateSilence(s.samples, whisperSampleRate, { ...defaultGate, silenceRms: settings.silenceRms! }) : null
    const samples = gated?.samples ?? s.samples
    heardMs += Math.round((samples.length * 1000) / whisperSampleRate)
    if (gated !== null && samples.length === 0) { tracks[s.speaker] ??= []; continue }
    const r = await e.transcribe(samples, req.language)
    tracks[s.speaker] = [...(tracks[s.speaker] ?? []), ...(gated === null ? r.segments : toTrackTimes(r.segments, gated))]
    if (req.language === 'auto' && r.language !== 'auto') language = r.language
  }
  return { id: req.id, ok: true, language, engine: e.name, tracks, heardMs }
}

/** Told apart from a failed transcription: the daemon then waits for another model instead of retrying. */
class ModelNotLoaded extends Error {
  constructor (cause: unknown) { super(cause instanceof Error ? cause.message : String(cause)) }
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
