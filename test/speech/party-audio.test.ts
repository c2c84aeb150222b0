// One party's live audio cut into windows: each window holds exactly its stretch of the stream,
// however the packets fall, and no more than the next window needs is kept.
import t from 'tap'
import { PartyAudio } from '../../src/speech/party-audio.js'

t.test('windows hold exactly their samples of the stream, packet boundaries aside', async (t) => {
  const audio = new PartyAudio({ windowMs: 1000, overlapMs: 250, silenceRms: 0, endpointMs: 0 })
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
  const audio = new PartyAudio({ windowMs: 1000, overlapMs: 500, silenceRms: 0, endpointMs: 0 })
  const out = audio.push(new Int16Array(16 * 2600))
  t.same(out.map((w) => [w.window.startMs, w.window.endMs]), [[0, 1000], [500, 1500], [1000, 2000], [1500, 2500]])
})

const tone = (ms: number): Int16Array => Int16Array.from({ length: ms * 16 }, (_, i) => Math.round(4000 * Math.sin(i / 5)))

t.test('a phrase then silence: its window comes once the tail of silence is in, holding the phrase', async (t) => {
  const audio = new PartyAudio({ windowMs: 4000, overlapMs: 1000, silenceRms: 150, endpointMs: 400 })
  const cut: Array<{ startMs: number; endMs: number; reason: string; speech: boolean; length: number; loud: number }> = []
  const packets = [new Int16Array(16 * 1000), tone(800), new Int16Array(16 * 3500)]
  for (const stretch of packets) {
    for (let at = 0; at < stretch.length; at += 320) {
      for (const w of audio.push(stretch.subarray(at, at + 320))) {
        cut.push({ startMs: w.window.startMs, endMs: w.window.endMs, reason: w.window.reason, speech: w.window.speech, length: w.samples.length, loud: w.samples.filter((x) => Math.abs(x) > 150).length })
      }
    }
  }
  t.same(cut.map((c) => [c.reason, c.startMs, c.endMs, c.speech]), [['endpoint', 0, 2200, true], ['cap', 1200, 5200, false]])
  t.equal(cut[0]!.length, 2200 * 16, 'the window\'s samples')
  t.ok(cut[0]!.loud > 800 * 16 * 0.5, 'the phrase is in it')
  t.equal(audio.lastSpeechEndMs, 1800)
})

t.test('with a silence threshold of 0 every frame is speech: windows only at the cap', async (t) => {
  const audio = new PartyAudio({ windowMs: 2000, overlapMs: 500, silenceRms: 0, endpointMs: 400 })
  const out = [...audio.push(tone(500)), ...audio.push(new Int16Array(16 * 3000))]
  t.same(out.map((w) => [w.window.reason, w.window.startMs, w.window.endMs, w.window.speech]), [['cap', 0, 2000, true], ['cap', 1500, 3500, true]])
})
