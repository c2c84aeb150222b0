// A recording's length comes from its WAV header: exact, and the same for a long call as its sizes say.
import t from 'tap'
import { wavComplete, wavDurationMs } from '../../src/calls/wav-duration.js'

/** A PCM WAV as Asterisk writes it: 44-byte header, 16-bit mono, sizes set at close. */
function wav (seconds: number, sampleRate = 8000): Buffer {
  const data = Math.round(seconds * sampleRate) * 2
  const b = Buffer.alloc(44 + data)
  b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(b.length - 8, 4); b.write('WAVE', 8, 'latin1')
  b.write('fmt ', 12, 'latin1'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22)
  b.writeUInt32LE(sampleRate, 24); b.writeUInt32LE(sampleRate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34)
  b.write('data', 36, 'latin1'); b.writeUInt32LE(data, 40)
  return b
}

t.test('the duration is the data chunk\'s size over the byte rate, for short and long calls', async (t) => {
  t.equal(wavDurationMs(wav(0.8)), 800)
  t.equal(wavDurationMs(wav(2.5, 16000)), 2500)
  const long = wav(5 * 60)
  t.equal(wavDurationMs(long), 300_000, 'a five-minute call')
  t.ok(wavComplete(long))
})

t.test('what is not a WAV has no duration, and a file still being written is not complete', async (t) => {
  t.equal(wavDurationMs(Buffer.from('not a wav at all')), null)
  const open = wav(1)
  open.writeUInt32LE(0, 4)
  t.notOk(wavComplete(open))
  t.notOk(wavComplete(open.subarray(0, 20)))
})
