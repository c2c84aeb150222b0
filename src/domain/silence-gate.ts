// Silence left out before transcription. Each party's track of a call is silent while the other party
// speaks, and whisper.cpp encodes every 30 s window in full whatever it holds: the speech of a track,
// joined, is what is worth encoding. Segment times are then mapped back onto the track's own clock.
import type { TrackSegment } from './transcript.js'

export interface GateSettings {
  /** A frame whose RMS (16-bit samples) is below this is silent; 0 = nothing is left out. */
  silenceRms: number
  /** Frame length for the RMS. */
  frameMs: number
  /** Silence kept on each side of speech (word onsets and tails are quiet). */
  padMs: number
  /** Silences shorter than this stay in (pauses inside a sentence). */
  minGapMs: number
}

export const defaultGate: Omit<GateSettings, 'silenceRms'> = { frameMs: 20, padMs: 300, minGapMs: 1000 }

/** A kept stretch: samples [from, to) of the track, found at `at` in the joined audio. */
export interface KeptSpan { from: number; to: number; at: number }
export interface Gated { samples: Int16Array; spans: KeptSpan[]; sampleRate: number }

/** Whether samples [from, to) reach the silence threshold: their mean square is at least silenceRms². */
export function loudEnough (samples: Int16Array, from: number, to: number, silenceRms: number): boolean {
  if (to <= from) return false
  let sum = 0
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!
  return sum / (to - from) >= silenceRms * silenceRms
}

/** Stretches of the track with speech (sample indexes, padded, close ones merged), in order. */
export function speechSpans (samples: Int16Array, sampleRate: number, s: GateSettings): Array<{ from: number; to: number }> {
  if (s.silenceRms <= 0) return samples.length > 0 ? [{ from: 0, to: samples.length }] : []
  const frame = Math.max(1, Math.round((sampleRate * s.frameMs) / 1000))
  const pad = Math.round((sampleRate * s.padMs) / 1000)
  const gap = Math.round((sampleRate * s.minGapMs) / 1000)
  const out: Array<{ from: number; to: number }> = []
  for (let start = 0; start < samples.length; start += frame) {
    const end = Math.min(samples.length, start + frame)
    if (!loudEnough(samples, start, end, s.silenceRms)) continue
    const from = Math.max(0, start - pad)
    const to = Math.min(samples.length, end + pad)
    const last = out[out.length - 1]
    if (last !== undefined && from - last.to < gap) last.to = Math.max(last.to, to)
    else out.push({ from, to })
  }
  return out
}

/** The track's speech joined, and where each kept stretch came from. */
export function gateSilence (samples: Int16Array, sampleRate: number, s: GateSettings): Gated {
  const found = speechSpans(samples, sampleRate, s)
  if (found.length === 1 && found[0]!.from === 0 && found[0]!.to === samples.length) return { samples, spans: [{ from: 0, to: samples.length, at: 0 }], sampleRate }
  const joined = new Int16Array(found.reduce((n, f) => n + f.to - f.from, 0))
  const spans: KeptSpan[] = []
  let at = 0
  for (const f of found) {
    joined.set(samples.subarray(f.from, f.to), at)
    spans.push({ ...f, at })
    at += f.to - f.from
  }
  return { samples: joined, spans, sampleRate }
}

/**
 * A time in the joined audio on the track's clock. A time on a join belongs to the stretch after it
 * when it starts something (`edge` 'start') and to the one before when it ends something.
 */
export function trackMs (g: Gated, ms: number, edge: 'start' | 'end'): number {
  if (g.spans.length === 0) return ms
  const sample = (ms * g.sampleRate) / 1000
  let span = g.spans[0]!
  for (const s of g.spans) {
    const len = s.to - s.from
    const inside = edge === 'start' ? sample >= s.at && sample < s.at + len : sample > s.at && sample <= s.at + len
    if (inside || sample >= s.at) span = s
    if (inside) break
  }
  const offset = Math.min(Math.max(sample - span.at, 0), span.to - span.from)
  return Math.round(((span.from + offset) * 1000) / g.sampleRate)
}

/** Segments transcribed from the joined audio, on the track's clock. */
export function toTrackTimes (segments: readonly TrackSegment[], g: Gated): TrackSegment[] {
  return segments.map((seg) => ({ ...seg, startMs: trackMs(g, seg.startMs, 'start'), endMs: trackMs(g, seg.endMs, 'end') }))
}
