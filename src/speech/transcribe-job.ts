// One transcription request in the worker process: the call's WAVs read, then either each party's
// track transcribed on its own ('parties'), or both summed to one mono track transcribed once and each
// segment given to the party louder on its own track over the segment's span ('mixed': half the 30 s
// windows whisper.cpp encodes). Long silences are left out first when gating is on.
import { readFile } from 'node:fs/promises'
import { attributeSpeakers } from '../domain/speaker-attribution.js'
import { defaultGate, gateSilence, toTrackTimes } from '../domain/silence-gate.js'
import type { Speaker, TrackSegment } from '../domain/transcript.js'
import { mixToMono, rmsOver, wavToChannels, whisperSampleRate } from './audio.js'
import type { EngineResult, SpeechEngine } from './engine.js'
import type { Transcription, WorkerRequest, WorkerSettings } from './transcriber.js'

interface Source { speaker: Speaker; samples: Int16Array }

async function sourcesOf (req: WorkerRequest): Promise<Source[]> {
  const sources: Source[] = []
  for (const t of req.tracks) {
    const channels = wavToChannels(await readFile(t.path))
    // A stereo recording carries the caller on the left and the operator on the right.
    if (t.speaker === 'both') {
      sources.push({ speaker: 'caller', samples: channels[0]! })
      if (channels[1] !== undefined) sources.push({ speaker: 'operator', samples: channels[1] })
    } else sources.push({ speaker: t.speaker, samples: channels[0]! })
  }
  return sources
}

/** Whisper over `samples` (gated when on): its segments on the track's own clock, and what it heard. */
async function hear (e: SpeechEngine, samples: Int16Array, settings: WorkerSettings, language: string): Promise<{ result: EngineResult | null; segments: TrackSegment[]; heardMs: number }> {
  // Long silences are left out before the encoder (it encodes whole 30 s windows whatever they hold).
  const gated = (settings.silenceRms ?? 0) > 0 ? gateSilence(samples, whisperSampleRate, { ...defaultGate, silenceRms: settings.silenceRms! }) : null
  const heard = gated?.samples ?? samples
  const heardMs = Math.round((heard.length * 1000) / whisperSampleRate)
  if (gated !== null && heard.length === 0) return { result: null, segments: [], heardMs }
  const result = await e.transcribe(heard, language)
  return { result, segments: gated === null ? result.segments : toTrackTimes(result.segments, gated), heardMs }
}

export async function transcribeRequest (e: SpeechEngine, settings: WorkerSettings, req: WorkerRequest): Promise<Transcription> {
  const sources = await sourcesOf(req)
  const caller = sources.find((s) => s.speaker === 'caller')
  const operator = sources.find((s) => s.speaker === 'operator')
  if (settings.pass === 'mixed' && sources.length === 2 && caller !== undefined && operator !== undefined) {
    const { result, segments, heardMs } = await hear(e, mixToMono(caller.samples, operator.samples), settings, req.language)
    const own = { caller: caller.samples, operator: operator.samples }
    const tracks = attributeSpeakers(segments, (speaker, fromMs, toMs) => rmsOver(own[speaker], fromMs, toMs))
    const language = req.language === 'auto' && result !== null && result.language !== 'auto' ? result.language : req.language
    return { id: req.id, ok: true, language, engine: e.name, tracks: { caller: [], operator: [], ...tracks }, heardMs, passes: 1 }
  }
  const tracks: Partial<Record<Speaker, TrackSegment[]>> = {}
  let language = req.language
  let heardMs = 0
  let passes = 0
  for (const s of sources) {
    const h = await hear(e, s.samples, settings, req.language)
    heardMs += h.heardMs
    if (h.result !== null) passes++
    tracks[s.speaker] = [...(tracks[s.speaker] ?? []), ...h.segments]
    if (req.language === 'auto' && h.result !== null && h.result.language !== 'auto') language = h.result.language
  }
  return { id: req.id, ok: true, language, engine: e.name, tracks, heardMs, passes }
}
