// One party's live audio cut into windows: each window holds exactly its stretch of the stream,
// however the packets fall, and no more than the next window needs is kept.
import t from 'tap'
import { PartyAudio } from '../../src/speech/live-monitor.js'

t.test('windows hold exactly their samples of the stream, packet boundaries aside', async (t) => {
  const audio = new PartyAudio({ windowMs: 1000, overlapMs: 250 })
  const windows: Array<{ startMs: number; endMs: number; first: number; last: number; length: number }> = []
  let n = 0
  // 20 ms packets (320 samples) whose samples count the stream's sample index (mod 2^15).
  for (let p = 0; p < 200; p++) {
    const packet = Int16Array.from({ length: 320 }, () => (n++) % 32768)
    for (const w of audio.push(packet)) windows.push({ ...w.window, first: w.samples[0]!, last: w.samples.at(-1)!, length: w.samples.length })
  }
  t.same(windows.slice(0, 3).map((w) => [w.startMs, w.endMs]), [[0, 1000], [750, 1750], [1500, 2500]])
  for (const w of windows) {
    t.equal(w.length, 16_000, `${w.startMs}–${w.endMs}: a whole window`)
    t.equal(w.first, (w.startMs * 16) % 32768, `${w.startMs}: starts at its first sample`)
    t.equal(w.last, (w.endMs * 16 - 1) % 32768, `${w.endMs}: ends at its last sample`)
  }
  t.equal(windows.length, Math.floor((4000 - 1000) / 750) + 1, 'every window of 4 s of audio')
  t.ok(audio.receivedMs === 4000)
})

t.test('a burst larger than a step gives every window it completes', async (t) => {
  const audio = new PartyAudio({ windowMs: 1000, overlapMs: 500 })
  const out = audio.push(new Int16Array(16 * 2600))
  t.same(out.map((w) => [w.window.startMs, w.window.endMs]), [[0, 1000], [500, 1500], [1000, 2000], [1500, 2500]])
})
