// Recordings to what Whisper hears: 16 kHz mono 16-bit samples, one array per channel.
import wavefile from 'wavefile'

export const whisperSampleRate = 16_000

/** Decodes a WAV file (any rate, depth or channel count) into one 16 kHz array per channel. */
export function wavToChannels (bytes: Uint8Array): Int16Array[] {
  const wav = new wavefile.WaveFile(bytes)
  const fmt = wav.fmt as { numChannels: number; sampleRate: number }
  if (fmt.sampleRate !== whisperSampleRate) wav.toSampleRate(whisperSampleRate)
  if (wav.bitDepth !== '16') wav.toBitDepth('16')
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]
  return fmt.numChannels > 1 ? (samples as Int16Array[]) : [samples as Int16Array]
}
