// A speech engine for tests whose text follows from the audio it is given: each phrase is "spoken"
// as a pure tone of its own pitch, and the engine finds the tones (Goertzel, 20 ms frames) and says
// the phrase for each run of them. What it returns depends only on the samples that reached it.
import type { EngineResult, SpeechEngine } from '../../src/speech/engine.js'

export const phraseTones: Record<number, string> = { 700: 'good afternoon', 1100: 'you idiot', 1500: 'thank you' }
const RATE = 16_000
const FRAME = 320

function power (frame: Int16Array, hz: number): number {
  const k = 2 * Math.cos(2 * Math.PI * hz / RATE)
  let s1 = 0; let s2 = 0
  for (const x of frame) { const s0 = x + k * s1 - s2; s2 = s1; s1 = s0 }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / frame.length
}

export function toneEngine (): SpeechEngine & { windows: number } {
  const engine = {
    name: 'tones',
    windows: 0,
    async transcribe (samples: Int16Array): Promise<EngineResult> {
      engine.windows++
      const segments: EngineResult['segments'] = []
      let run: { hz: number; from: number; to: number } | null = null
      for (let f = 0; f + FRAME <= samples.length; f += FRAME) {
        const frame = samples.subarray(f, f + FRAME)
        const energy = frame.reduce((n, x) => n + x * x, 0) / FRAME
        const hz = Object.keys(phraseTones).map(Number).find((h) => energy > 1e5 && power(frame, h) > energy * FRAME / 8) ?? null
        const ms = f / 16
        if (run !== null && run.hz === hz) { run.to = ms + 20; continue }
        if (run !== null) segments.push({ startMs: run.from, endMs: run.to, text: phraseTones[run.hz]! })
        run = hz === null ? null : { hz, from: ms, to: ms + 20 }
      }
      if (run !== null) segments.push({ startMs: run.from, endMs: run.to, text: phraseTones[run.hz]! })
      return { language: 'en', segments }
    },
    async close () {}
  }
  return engine
}

/** 16 kHz samples: silence, then each phrase's tone for `ms`, with a pause between. */
export function sayPhrases (phrases: Array<{ hz: number; ms: number }>, leadMs = 300, gapMs = 300): Int16Array {
  const total = phrases.reduce((n, p) => n + p.ms + gapMs, leadMs) * 16
  const out = new Int16Array(total)
  let at = leadMs * 16
  for (const p of phrases) {
    for (let i = 0; i < p.ms * 16; i++) out[at + i] = Math.round(8000 * Math.sin(2 * Math.PI * p.hz * i / RATE))
    at += (p.ms + gapMs) * 16
  }
  return out
}
