// Worker thread: holds the loaded model and transcribes one call at a time, off the daemon's event loop.
import { readFile } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import type { Speaker, TrackSegment } from '../domain/transcript.js'
import { wavToChannels } from './audio.js'
import { openWhisperEngine, type SpeechEngine } from './engine.js'
import type { WorkerReply, WorkerRequest } from './transcriber.js'

const { modelPath, threads } = workerData as { modelPath: string; threads: number }
const port = parentPort!
let engine: Promise<SpeechEngine> | null = null

async function run (req: WorkerRequest): Promise<WorkerReply> {
  // A model that failed to load is tried again on the next call (the file may have been replaced).
  engine ??= openWhisperEngine({ modelPath, threads }).catch((err: unknown) => { engine = null; throw err })
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
  for (const s of sources) {
    const r = await e.transcribe(s.samples, req.language)
    tracks[s.speaker] = [...(tracks[s.speaker] ?? []), ...r.segments]
    if (req.language === 'auto' && r.language !== 'auto') language = r.language
  }
  return { id: req.id, ok: true, language, engine: e.name, tracks }
}

const inFlight = new Set<Promise<void>>()

port.on('message', (req: WorkerRequest | { close: true }) => {
  if ('close' in req) {
    // Ending the thread while the engine works aborts the whole process: finish, release, then end.
    void Promise.allSettled([...inFlight])
      .then(async () => { if (engine !== null) await (await engine.catch(() => null))?.close() })
      .finally(() => { process.exit(0) })
    return
  }
  const p = run(req).then(
    (reply) => { port.postMessage(reply) },
    (err: unknown) => { port.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply) }
  ).finally(() => { inFlight.delete(p) })
  inFlight.add(p)
})
