// Recordings to what Whisper hears: 16 kHz mono 16-bit samples, one array per channel.
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
