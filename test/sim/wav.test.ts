// The simulator's WAV files: the same bytes wavefile writes for the same samples, and tones
// read from one period equal to Math.sin sample by sample.
import t from 'tap'
import wavefile from 'wavefile'
import { SAMPLE_RATE, encodeWav, renderTones } from '../../src/sim/wav.js'

function sineTones (durationMs: number, spans: Array<{ frequencyHz: number; fromMs: number; toMs: number }>): Int16Array {
  const total = Math.max(0, Math.round((durationMs * SAMPLE_RATE) / 1000))
  const mix = new Float64Array(total)
  for (const span of spans) {
    const from = Math.max(0, Math.round((span.fromMs * SAMPLE_RATE) / 1000))
    const to = Math.min(total, Math.round((span.toMs * SAMPLE_RATE) / 1000))
    const step = (2 * Math.PI * span.frequencyHz) / SAMPLE_RATE
    for (let i = from; i < to; i++) mix[i]! += 0.3 * Math.sin(step * i)
  }
  return Int16Array.from(mix, (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767))
}

t.test('tones equal Math.sin sample by sample, mixed where parties overlap (whole and fractional hertz)', async (t) => {
  for (const hz of [350, 440, 523, 1209, 697.5]) {
    const spans = [{ frequencyHz: hz, fromMs: 0, toMs: 2500 }, { frequencyHz: 440, fromMs: 700.3, toMs: 3000 }]
    t.same(renderTones(3000, spans), sineTones(3000, spans), `${hz} Hz`)
  }
  t.equal(renderTones(0, []).length, 0)
})

t.test('encodeWav writes what wavefile writes: 44-byte header, 16-bit little-endian samples', async (t) => {
  for (const pcm of [new Int16Array(0), Int16Array.from([0, 1, -1, 32767, -32768]), renderTones(1000, [{ frequencyHz: 440, fromMs: 0, toMs: 1000 }])]) {
    const w = new wavefile.WaveFile()
    w.fromScratch(1, SAMPLE_RATE, '16', pcm)
    t.same(encodeWav(pcm), Buffer.from(w.toBuffer()), `${pcm.length} samples`)
  }
})
