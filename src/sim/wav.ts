// Recordings the simulator writes: 8 kHz, 16-bit, mono WAV (what Asterisk's "wav" format is).
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import wavefile from 'wavefile'

export const SAMPLE_RATE = 8000

/** One party's audio in a recording: a steady tone while that party was heard. */
export interface ToneSpan { frequencyHz: number; fromMs: number; toMs: number }

/**
 * One period of a tone at `amplitude`, as Math.sin(step * i) gives it for i in [0, period): a
 * whole number of hertz repeats every SAMPLE_RATE / gcd(hz, SAMPLE_RATE) samples, so a recording
 * reads its samples from this table instead of calling Math.sin for each one.
 */
const periods = new Map<number, Float64Array>()
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
function tonePeriod (frequencyHz: number, amplitude: number): Float64Array | null {
  if (!Number.isInteger(frequencyHz) || frequencyHz <= 0) return null
  let table = periods.get(frequencyHz)
  if (table === undefined) {
    const period = SAMPLE_RATE / gcd(frequencyHz, SAMPLE_RATE)
    const step = (2 * Math.PI * frequencyHz) / SAMPLE_RATE
    table = new Float64Array(period)
    for (let i = 0; i < period; i++) table[i] = amplitude * Math.sin(step * i)
    periods.set(frequencyHz, table)
  }
  return table
}

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
    const table = tonePeriod(span.frequencyHz, amplitude)
    if (table !== null) {
      for (let i = from, k = from % table.length; i < to; i++) {
        mix[i]! += table[k]!
        if (++k === table.length) k = 0
      }
      continue
    }
    const step = (2 * Math.PI * span.frequencyHz) / SAMPLE_RATE
    for (let i = from; i < to; i++) mix[i]! += amplitude * Math.sin(step * i)
  }
  const pcm = new Int16Array(total)
  for (let i = 0; i < total; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, mix[i]!)) * 32767)
  return pcm
}

/** A canonical 44-byte RIFF/WAVE header (PCM, mono, 16-bit) followed by the samples, little-endian. */
export function encodeWav (pcm: Int16Array): Buffer {
  const dataBytes = pcm.length * 2
  const out = Buffer.allocUnsafe(44 + dataBytes)
  out.write('RIFF', 0, 'latin1')
  out.writeUInt32LE(36 + dataBytes, 4)
  out.write('WAVEfmt ', 8, 'latin1')
  out.writeUInt32LE(16, 16) // fmt chunk size
  out.writeUInt16LE(1, 20) // PCM
  out.writeUInt16LE(1, 22) // mono
  out.writeUInt32LE(SAMPLE_RATE, 24)
  out.writeUInt32LE(SAMPLE_RATE * 2, 28) // byte rate
  out.writeUInt16LE(2, 32) // block align
  out.writeUInt16LE(16, 34) // bits per sample
  out.write('data', 36, 'latin1')
  out.writeUInt32LE(dataBytes, 40)
  if (littleEndian && out.byteOffset % 2 === 0) new Int16Array(out.buffer, out.byteOffset + 44, pcm.length).set(pcm)
  else for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i]!, 44 + 2 * i)
  return out
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

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
