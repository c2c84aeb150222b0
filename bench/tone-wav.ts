// Synthetic phone-like audio for the speech benchmarks (no espeak needed): a wavering tone under
// seeded noise, mono 16-bit.
import wavefile from 'wavefile'
import { seeded } from './stats.js'

/** `rateHz`: 8000 (a phone track) or 16000 (what whisper.cpp's tool takes without resampling); the same signal at either. */
export function toneWav (rateHz: 8000 | 16000, seconds: number, seed: number): Buffer {
  const random = seeded(seed)
  const scale = rateHz / 8000
  const shift = 12 + Math.log2(scale)
  const samples = new Int16Array(rateHz * seconds)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(i / (7 * scale + (i >> shift) % 5)) * 6000 + (random() - 0.5) * 3000)
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, rateHz, '16', samples)
  return Buffer.from(wav.toBuffer())
}
