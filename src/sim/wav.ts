// Recordings the simulator writes: 8 kHz, 16-bit, mono WAV (what Asterisk's "wav" format is).
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import wavefile from 'wavefile'

export const SAMPLE_RATE = 8000

/** One party's audio in a recording: a steady tone while that party was heard. */
export interface ToneSpan { frequencyHz: number; fromMs: number; toMs: number }

/**
 * Renders the spans into PCM. Each party gets its own frequency so a test (or a speech pipeline
 * check) can tell who was heard when; overlapping spans are mixed, as a bridge recording is.
 */
export function renderTones (durationMs: number, spans: readonly ToneSpan[]): Int16Array {
  const total = Math.max(0, Math.round((durationMs * SAMPLE_RATE) / 1000))
  const mix = new Float64Array(total)
  const amplitude = 0.3
  for (const span of spans) {
    const from = Math.max(0, Math.round((span.fromMs * SAMPLE_RATE) / 1000))
    const to = Math.min(total, Math.round((span.toMs * SAMPLE_RATE) / 1000))
    const step = (2 * Math.PI * span.frequencyHz) / SAMPLE_RATE
    for (let i = from; i < to; i++) mix[i] = (mix[i] ?? 0) + amplitude * Math.sin(step * i)
  }
  const pcm = new Int16Array(total)
  for (let i = 0; i < total; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, mix[i] ?? 0)) * 32767)
  return pcm
}

export function encodeWav (pcm: Int16Array): Buffer {
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, SAMPLE_RATE, '16', pcm)
  return Buffer.from(wav.toBuffer())
}

export async function writeWav (path: string, durationMs: number, spans: readonly ToneSpan[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, encodeWav(renderTones(durationMs, spans)))
}

/** Strength of one frequency in the PCM (Goertzel), 0..~0.5 for a full-scale tone; lets tests check who is audible. */
export function toneLevel (pcm: Int16Array, frequencyHz: number): number {
  if (pcm.length === 0) return 0
  const k = (2 * Math.PI * frequencyHz) / SAMPLE_RATE
  const coeff = 2 * Math.cos(k)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < pcm.length; i++) {
    const s0 = (pcm[i] ?? 0) / 32768 + coeff * s1 - s2
    s2 = s1
    s1 = s0
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2
  return Math.sqrt(Math.max(0, power)) / pcm.length
}

export function decodeWav (bytes: Uint8Array): { sampleRate: number; bitsPerSample: number; channels: number; pcm: Int16Array } {
  const wav = new wavefile.WaveFile(bytes)
  const fmt = wav.fmt as { sampleRate: number; bitsPerSample: number; numChannels: number }
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array
  return { sampleRate: fmt.sampleRate, bitsPerSample: fmt.bitsPerSample, channels: fmt.numChannels, pcm: samples }
}
