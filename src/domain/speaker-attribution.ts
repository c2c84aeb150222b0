// Who said each segment of a call transcribed once from both parties mixed to mono: the party whose
// own track is louder over the segment's time span (what whisper.cpp's `--diarize` does for stereo).
// Speech that overlaps goes whole to the louder party: the cost of hearing the call once.
import { speakers, type Speaker, type TrackSegment } from './transcript.js'

/** RMS (16-bit samples) of `speaker`'s own track over [fromMs, toMs); 0 past its end. */
export type EnergyOf = (speaker: Speaker, fromMs: number, toMs: number) => number

export interface AttributionSettings {
  /** Below this RMS on both tracks the span tells nothing (whisper's times may fall in a pause). */
  quietRms: number
  /** How far each side of such a span to look instead. */
  contextMs: number
}

export const defaultAttribution: AttributionSettings = { quietRms: 50, contextMs: 2000 }

/**
 * Each segment with its speaker. The louder party over [start, end] takes it; when both are below
 * `quietRms` there, or equal, the one with more energy over the span widened by `contextMs` each side;
 * still equal (both silent), the previous segment's speaker, and the caller for the first.
 */
export function attributeSpeakers (segments: readonly TrackSegment[], energyOf: EnergyOf, s: AttributionSettings = defaultAttribution): Partial<Record<Speaker, TrackSegment[]>> {
  const out: Partial<Record<Speaker, TrackSegment[]>> = {}
  let previous: Speaker = 'caller'
  for (const seg of segments) {
    const endMs = Math.max(seg.startMs, seg.endMs)
    const louder = (fromMs: number, toMs: number, quiet: number): Speaker | null => {
      const [caller, operator] = speakers.map((p) => energyOf(p, fromMs, toMs)) as [number, number]
      if ((caller < quiet && operator < quiet) || caller === operator) return null
      return caller > operator ? 'caller' : 'operator'
    }
    const speaker: Speaker = louder(seg.startMs, endMs, s.quietRms) ?? louder(Math.max(0, seg.startMs - s.contextMs), endMs + s.contextMs, 0) ?? previous
    ;(out[speaker] ??= []).push(seg)
    previous = speaker
  }
  return out
}
