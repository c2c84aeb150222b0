// A call's conversation as one stereo WAV (the caller on the left, the operator on the right), made
// from the two party tracks when someone first plays the call. MixMonitor writes both tracks from one
// audiohook, frame by frame, so sample i of each is the same instant. Storing a third, mixed file
// for every call cost each call a download, a store and a removal (docs/benchmarks.md) for the few
// calls anyone listens to; a stereo file also lets the listener tell the two apart.
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { readHead, wavLayout, type WavLayout } from './audio.js'

/** Samples read from each track per step: 64 KiB of each, 128 KiB written. */
const STEP_SAMPLES = 32_768

/** The party tracks a conversation can be made of: 16-bit integer PCM, mono, at one rate. */
function checkTrack (layout: WavLayout, what: string): void {
  if (layout.audioFormat !== 1 || layout.bitsPerSample !== 16) throw new Error(`${what} is not 16-bit PCM (format ${layout.audioFormat}, ${layout.bitsPerSample} bits)`)
  if (layout.channels !== 1) throw new Error(`${what} has ${layout.channels} channels, not one party's single channel`)
}

/** The 44-byte header of a 16-bit PCM stereo WAV holding `dataBytes` of samples. */
function stereoHeader (sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + dataBytes, 4)
  h.write('WAVEfmt ', 8, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20) // integer PCM
  h.writeUInt16LE(2, 22) // channels
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE(sampleRate * 4, 28) // byte rate
  h.writeUInt16LE(4, 32) // block align
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(dataBytes, 40)
  return h
}

async function readTrack (path: string, what: string): Promise<{ file: FileHandle; layout: WavLayout }> {
  const file = await open(path)
  try {
    const { head, size } = await readHead(file)
    const layout = wavLayout(head, size, what)
    checkTrack(layout, what)
    return { file, layout }
  } catch (err) {
    await file.close()
    throw err
  }
}

/**
 * Writes the stereo conversation to `outPath` (through a temporary file, so a reader never finds half
 * of one). The shorter track is padded with silence. Throws, naming the track, when a track is not a
 * single party's 16-bit PCM or the two differ in rate.
 */
export async function writeConversation (callerPath: string, operatorPath: string, outPath: string): Promise<{ bytes: number; durationMs: number }> {
  const caller = await readTrack(callerPath, `the caller's track ${callerPath}`)
  let operator: { file: FileHandle; layout: WavLayout } | undefined
  const tmp = `${outPath}.part`
  let out: FileHandle | undefined
  try {
    operator = await readTrack(operatorPath, `the operator's track ${operatorPath}`)
    const rate = caller.layout.sampleRate
    if (operator.layout.sampleRate !== rate) throw new Error(`the party tracks differ in rate: the caller's ${rate} Hz, the operator's ${operator.layout.sampleRate} Hz`)
    const frames = Math.floor(Math.max(caller.layout.dataBytes, operator.layout.dataBytes) / 2)
    out = await open(tmp, 'w')
    await out.write(stereoHeader(rate, frames * 4), 0, 44, 0)
    // Buffers of their own (not the shared pool), so the 16-bit views are aligned. Samples are
    // copied as 16-bit units, never interpreted: their byte order stays the file's.
    const left = Buffer.alloc(STEP_SAMPLES * 2)
    const right = Buffer.alloc(STEP_SAMPLES * 2)
    const both = Buffer.alloc(STEP_SAMPLES * 4)
    const l16 = new Uint16Array(left.buffer, left.byteOffset, STEP_SAMPLES)
    const r16 = new Uint16Array(right.buffer, right.byteOffset, STEP_SAMPLES)
    const b16 = new Uint16Array(both.buffer, both.byteOffset, STEP_SAMPLES * 2)
    for (let at = 0; at < frames; at += STEP_SAMPLES) {
      const n = Math.min(STEP_SAMPLES, frames - at)
      await Promise.all([readSamples(caller, at, n, left), readSamples(operator, at, n, right)])
      for (let i = 0; i < n; i++) {
        b16[2 * i] = l16[i]!
        b16[2 * i + 1] = r16[i]!
      }
      await out.write(both, 0, n * 4, 44 + at * 4)
    }
    await out.close()
    out = undefined
    await rename(tmp, outPath)
    return { bytes: 44 + frames * 4, durationMs: Math.round((frames / rate) * 1000) }
  } catch (err) {
    await out?.close().catch(() => {})
    await rm(tmp, { force: true })
    throw err
  } finally {
    await caller.file.close()
    await operator?.file.close()
  }
}

/** `n` samples from sample `at` of a track into `into`; past its end, silence. */
async function readSamples (track: { file: FileHandle; layout: WavLayout }, at: number, n: number, into: Buffer): Promise<void> {
  const want = n * 2
  const available = Math.max(0, Math.min(want, track.layout.dataBytes - at * 2))
  let got = 0
  while (got < available) {
    const { bytesRead } = await track.file.read(into, got, available - got, track.layout.dataOffset + at * 2 + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  into.fill(0, got, want)
}
