import t from 'tap'
import { defaultGate, gateSilence, speechSpans, toTrackTimes, trackMs } from '../../src/domain/silence-gate.js'

const rate = 16_000
const gate = { ...defaultGate, silenceRms: 150 }

/** A track of `ms` milliseconds: a 300 Hz tone at amplitude 3000 over the given stretches, faint noise elsewhere. */
function track (ms: number, loud: Array<[number, number]>): Int16Array {
  const out = new Int16Array((ms * rate) / 1000)
  for (let i = 0; i < out.length; i++) out[i] = (i * 7919) % 41 - 20
  for (const [from, to] of loud) for (let i = (from * rate) / 1000; i < (to * rate) / 1000; i++) out[i] = Math.round(Math.sin((2 * Math.PI * 300 * i) / rate) * 3000)
  return out
}

const inMs = (spans: Array<{ from: number; to: number }>): Array<[number, number]> => spans.map((s) => [(s.from * 1000) / rate, (s.to * 1000) / rate])

t.test('speech stretches: padded, short pauses kept in, long silences left out', async (t) => {
  const samples = track(20_000, [[1000, 3000], [3500, 4000], [10_000, 12_000]])
  t.same(inMs(speechSpans(samples, rate, gate)), [[700, 4300], [9700, 12_300]])
  t.same(inMs(speechSpans(samples, rate, { ...gate, silenceRms: 0 })), [[0, 20_000]], 'a threshold of 0 keeps everything')
  t.same(speechSpans(track(5000, []), rate, gate), [], 'a silent track has no speech')
  t.same(inMs(speechSpans(track(2000, [[0, 2000]]), rate, gate)), [[0, 2000]], 'padding stops at the track ends')
})

t.test('the joined audio holds the speech only, and its times map back onto the track', async (t) => {
  const samples = track(20_000, [[1000, 3000], [10_000, 12_000]])
  const g = gateSilence(samples, rate, gate)
  t.same(g.spans.map((s) => [(s.from * 1000) / rate, (s.to * 1000) / rate, (s.at * 1000) / rate]), [[700, 3300, 0], [9700, 12_300, 2600]])
  t.equal(g.samples.length, (5200 * rate) / 1000)
  t.same(g.samples.subarray(0, 10), samples.subarray((700 * rate) / 1000, (700 * rate) / 1000 + 10))
  t.same(g.samples.subarray((2600 * rate) / 1000, (2600 * rate) / 1000 + 10), samples.subarray((9700 * rate) / 1000, (9700 * rate) / 1000 + 10))
  t.equal(trackMs(g, 0, 'start'), 700)
  t.equal(trackMs(g, 1000, 'start'), 1700)
  t.equal(trackMs(g, 2600, 'start'), 9700, 'a start on the join belongs to the stretch after it')
  t.equal(trackMs(g, 2600, 'end'), 3300, 'an end on the join belongs to the stretch before it')
  t.equal(trackMs(g, 5200, 'end'), 12_300)
  t.equal(trackMs(g, 9000, 'end'), 12_300, 'a time past the joined audio stays at the end of the last stretch')
  t.same(toTrackTimes([{ startMs: 300, endMs: 2600, text: 'алло' }, { startMs: 2600, endMs: 4000, text: 'да' }], g), [
    { startMs: 1000, endMs: 3300, text: 'алло' }, { startMs: 9700, endMs: 11_100, text: 'да' }
  ])
})

t.test('nothing left out: the same samples and times; all silent: nothing to transcribe', async (t) => {
  const samples = track(3000, [[0, 3000]])
  const g = gateSilence(samples, rate, gate)
  t.equal(g.samples, samples)
  t.equal(trackMs(g, 1234, 'start'), 1234)
  const silent = gateSilence(track(3000, []), rate, gate)
  t.equal(silent.samples.length, 0)
  t.same(silent.spans, [])
})
