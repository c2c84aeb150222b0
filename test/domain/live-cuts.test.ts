// Where a party's live audio is cut, on audio time: frames of speech and silence go in, windows come
// out, as the live monitor feeds them.
import t from 'tap'
import { checkCutPlan, dropAt, FRAME_MS, heard, isSpeech, nextCut, noCuts, queueAt, type CutPlan, type CutState, type LiveWindow } from '../../src/domain/live-cuts.js'

const plan: CutPlan = { windowMs: 4000, overlapMs: 1000, silenceRms: 150, endpointMs: 400 }

/** Feeds stretches of speech (true) and silence (false) frame by frame; the windows cut, each with the audio time it was cut at. */
function feed (stretches: Array<[ms: number, speech: boolean]>, p: CutPlan = plan, state: CutState = noCuts): { cuts: Array<LiveWindow & { at: number }>; state: CutState } {
  const cuts: Array<LiveWindow & { at: number }> = []
  for (const [ms, speech] of stretches) {
    for (let f = 0; f < ms; f += FRAME_MS) {
      state = heard(state, FRAME_MS, speech)
      for (let c = nextCut(state, p); c !== null; c = nextCut(state, p)) {
        state = c.state
        cuts.push({ ...c.window, at: state.receivedMs })
      }
    }
  }
  return { cuts, state }
}

const spans = (cuts: LiveWindow[]): Array<[string, number, number, number, number]> => cuts.map((c) => [c.reason, c.startMs, c.endMs, c.owned.startMs, c.owned.endMs])

t.test('a phrase then silence: its window is cut once the tail of silence is in, not at the next step', async (t) => {
  const { cuts } = feed([[1000, false], [800, true], [2000, false]])
  t.same(spans(cuts), [['endpoint', 0, 2200, 0, 2200]], 'cut 400 ms after the phrase, keeping everything up to the cut')
  t.equal(cuts[0]!.at, 2200)
  t.ok(cuts[0]!.speech)
  const off = feed([[1000, false], [800, true], [2000, false]], { ...plan, endpointMs: 0 })
  t.same(spans(off.cuts), [], 'endpointing off: nothing before a whole window is in')
})

t.test('a pause shorter than the tail does not cut; the phrase after it is closed with the first', async (t) => {
  const { cuts } = feed([[500, false], [600, true], [300, false], [600, true], [1000, false]])
  t.same(spans(cuts), [['endpoint', 0, 2400, 0, 2400]])
})

t.test('continuous speech is still cut at the cap, with the overlap split as before', async (t) => {
  const { cuts } = feed([[10_000, true]])
  t.same(spans(cuts), [['cap', 0, 4000, 0, 3500], ['cap', 3000, 7000, 3500, 6500], ['cap', 6000, 10_000, 6500, 9500]])
  t.ok(cuts.every((c) => c.speech && c.endMs - c.startMs <= plan.windowMs))
})

t.test('a phrase across a cap cut: the cap keeps its part, the phrase\'s end is closed after the tail', async (t) => {
  const { cuts } = feed([[200, false], [3800, true], [1000, false]])
  // Speech from 0.2 s to 4.0 s: the cap at 4.0 s keeps up to 3.5 s; the rest is the endpoint window's.
  t.same(spans(cuts), [['cap', 0, 4000, 0, 3500], ['endpoint', 400, 4400, 3500, 4400]])
  t.ok(cuts.every((c) => c.speech), 'both hold speech in what they keep')
})

t.test('after an endpoint cut, the next window starts an overlap before it and owns from it', async (t) => {
  const first = feed([[500, false], [500, true], [400, false]])
  t.same(spans(first.cuts), [['endpoint', 0, 1400, 0, 1400]])
  const more = feed([[5000, true]], plan, first.state)
  t.same(spans(more.cuts), [['cap', 400, 4400, 1400, 3900]], 'at most a window long, starting 1 s before the last cut')
})

t.test('silence alone: no window cut at a phrase\'s end, and every window at the cap holds no speech', async (t) => {
  const { cuts } = feed([[10_000, false]])
  t.same(cuts.map((c) => c.reason), ['cap', 'cap', 'cap'])
  t.ok(cuts.every((c) => !c.speech), 'none worth the engine')
  const tail = feed([[3000, true], [900, false], [300, false], [3000, false]], { ...plan, endpointMs: 0 })
  t.same(tail.cuts.map((c) => [c.reason, c.speech]), [['cap', true], ['cap', false]], 'a cap window whose own stretch is silent holds no speech, though its overlap does')
})

t.test('both parties: each stream is cut on its own; a phrase\'s end goes ahead of windows cut at the cap', async (t) => {
  // The caller talks on; the operator says a phrase and stops.
  const caller = feed([[9000, true]])
  const operator = feed([[5000, false], [800, true], [3200, false]])
  t.same(caller.cuts.map((c) => [c.reason, c.at]), [['cap', 4000], ['cap', 7000]])
  t.same(operator.cuts.map((c) => [c.reason, c.at, c.speech]), [['cap', 4000, false], ['endpoint', 6200, true]], 'the operator\'s phrase is cut 400 ms after it, not at 7 s')
  t.equal(queueAt(['cap', 'cap'], 'endpoint'), 0, 'ahead of the caller\'s waiting windows')
  t.equal(queueAt(['endpoint', 'cap', 'cap'], 'endpoint'), 1, 'behind an earlier phrase\'s end')
  t.equal(queueAt(['endpoint', 'cap'], 'cap'), 2, 'a window at the cap waits at the back')
  t.equal(dropAt(['endpoint', 'cap', 'cap']), 1, 'a full queue loses the oldest window cut at the cap')
  t.equal(dropAt(['endpoint', 'endpoint']), 0)
})

t.test('frames: speech is what reaches the silence threshold; 0 makes everything speech (no endpointing)', async (t) => {
  t.notOk(isSpeech(new Int16Array(320).fill(149), 150))
  t.ok(isSpeech(new Int16Array(320).fill(-150), 150))
  t.ok(isSpeech(new Int16Array(320), 0))
})

t.test('a bad cut plan is named', async (t) => {
  t.same(checkCutPlan(plan), [])
  t.same(checkCutPlan({ ...plan, endpointMs: 0 }), [])
  t.match(checkCutPlan({ ...plan, endpointMs: 10 }), [/endpoint 10 ms/])
  t.match(checkCutPlan({ ...plan, endpointMs: 4000 }), [/endpoint 4000 ms.*less than the window/])
})
