// Recordings to what Whisper hears: 16 kHz mono 16-bit samples, one array per channel.
import { open, type FileHandle } from 'node:fs/promises'
import wavefile from 'wavefile'

export const whisperSampleRate = 16_000

/** Decodes a WAV file (any rate, depth or channel count) into one 16 kHz array per channel. */
export function wavToChannels (bytes: Uint8Array): Int16Array[] {
  const wav = new wavefile.WaveFile(bytes)
  // Conversions rebuild the header: read what we need first.
  const sampleRate = (wav.fmt as { sampleRate: number }).sampleRate
  if (sampleRate !== whisperSampleRate) wav.toSampleRate(whisperSampleRate)
  if (wav.bitDepth !== '16') wav.toBitDepth('16')
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]
  return Array.isArray(samples) ? samples : [samples]
}

/** Where a WAV file's samples are and how they are laid out, from its header. */
export interface WavLayout {
  /** 1: integer PCM. */
  audioFormat: number
  channels: number
  sampleRate: number
  bitsPerSample: number
  byteRate: number
  dataOffset: number
  dataBytes: number
}

/** Reads the layout from the first bytes of a file of `size` bytes; `what` names it in errors. */
export function wavLayout (head: Buffer, size: number, what: string): WavLayout {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${what} is not a WAV file`)
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | null = null
  for (let at = 12; at + 8 <= head.length;) {
    const id = head.toString('latin1', at, at + 4)
    const len = head.readUInt32LE(at + 4)
    if (id === 'fmt ' && at + 24 <= head.length) {
      fmt = { audioFormat: head.readUInt16LE(at + 8), channels: head.readUInt16LE(at + 10), sampleRate: head.readUInt32LE(at + 12), byteRate: head.readUInt32LE(at + 16), bitsPerSample: head.readUInt16LE(at + 22) }
    }
    if (id === 'data') {
      if (fmt === null || fmt.byteRate === 0) break
      // A header written before the recording ended may say 0 or 0xFFFFFFFF: the file's size tells.
      const dataBytes = len === 0 || len === 0xffffffff || at + 8 + len > size ? size - at - 8 : len
      return { ...fmt, dataOffset: at + 8, dataBytes }
    }
    at += 8 + len + (len & 1)
  }
  throw new Error(`${what}: no fmt or data chunk in the WAV header`)
}

/** The first bytes of an open file, where a WAV's header is. */
export async function readHead (file: FileHandle): Promise<{ head: Buffer; size: number }> {
  const size = (await file.stat()).size
  const head = Buffer.alloc(Math.min(size, 4096))
  await file.read(head, 0, head.length, 0)
  return { head, size }
}

/** Length and channel count of a WAV file, from its header alone (a call's recording can be large). */
export async function wavLength (path: string): Promise<{ ms: number; channels: number }> {
  const file = await open(path)
  try {
    const { head, size } = await readHead(file)
    const layout = wavLayout(head, size, path)
    return { ms: Math.round((layout.dataBytes / layout.byteRate) * 1000), channels: layout.channels }
  } finally {
    await file.close()
  }
}

/**
 * Two parties' tracks of one call as one mono track: summed sample by sample from their common start
 * (one MixMonitor writes both), the shorter padded with silence, clipped to 16 bits.
 */
export function mixToMono (a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(Math.max(a.length, b.length))
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, (a[i] ?? 0) + (b[i] ?? 0)))
  return out
}

/** RMS of 16 kHz samples over [fromMs, toMs); what lies past the track's end counts as silence. */
export function rmsOver (samples: Int16Array, fromMs: number, toMs: number): number {
  const from = Math.max(0, Math.floor((fromMs * whisperSampleRate) / 1000))
  const to = Math.max(from, Math.ceil((toMs * whisperSampleRate) / 1000))
  if (to === from) return 0
  let sum = 0
  for (let i = from; i < Math.min(to, samples.length); i++) sum += samples[i]! * samples[i]!
  return Math.sqrt(sum / (to - from))
}
