import t from 'tap'
import { checkWindowPlan, LiveTranscript, liveLanguage, newSegments, ownedSpan, type AudioWindow } from '../../src/domain/live-transcript.js'
import type { QaRule } from '../../src/domain/qa.js'

const plan = { windowMs: 4000, overlapMs: 1000 }

t.test('a bad plan is named', async (t) => {
  t.same(checkWindowPlan(plan), [])
  t.match(checkWindowPlan({ windowMs: 500, overlapMs: 600 }), [/window 500 ms/, /overlap 600 ms/])
})

t.test('each window keeps what lies in its half of each overlap', async (t) => {
  t.same(ownedSpan({ startMs: 0, endMs: 4000 }, plan), { startMs: 0, endMs: 3500 })
  t.same(ownedSpan({ startMs: 3000, endMs: 7000 }, plan), { startMs: 3500, endMs: 6500 })
})

t.test('a phrase heard by two windows is kept once, by the window that holds it away from its edge', async (t) => {
  const live = new LiveTranscript()
  const w1: AudioWindow = { startMs: 0, endMs: 4000 }
  const w2: AudioWindow = { startMs: 3000, endMs: 7000 }
  // "you idiot" is spoken from 3.0 s to 3.6 s: both windows hear it, and the second places it a little later.
  const kept1 = live.add('operator', w1, [{ startMs: 500, endMs: 1500, text: 'Hello' }, { startMs: 3000, endMs: 3600, text: 'you idiot' }], plan)
  t.same(kept1.map((s) => s.text), ['Hello', 'you idiot'], 'its middle (3.3 s) is before the split at 3.5 s')
  const kept2 = live.add('operator', w2, [{ startMs: 500, endMs: 1100, text: 'You idiot.' }, { startMs: 1500, endMs: 2500, text: 'sorry' }], plan)
  t.same(kept2.map((s) => s.text), ['sorry'], 'the repeat (same words, overlapping in time) is dropped, the new phrase kept')
  t.same(live.segments().map((s) => [s.startMs, s.text]), [[500, 'Hello'], [3000, 'you idiot'], [4500, 'sorry']], 'at stream times')
  const w3: AudioWindow = { startMs: 6000, endMs: 10_000 }
  t.same(live.add('operator', w3, [{ startMs: 1000, endMs: 1500, text: 'sorry' }], plan).map((s) => s.startMs), [7000], 'the same words said again later are kept')
})

t.test('a segment in the far half of the overlap waits for the next window', async (t) => {
  const got = newSegments({ startMs: 0, endMs: 4000 }, [{ startMs: 3600, endMs: 4000, text: 'late' }], plan, [])
  t.same(got, [])
  const next = newSegments({ startMs: 3000, endMs: 7000 }, [{ startMs: 600, endMs: 1000, text: 'late' }], plan, [])
  t.same(next, [{ startMs: 3600, endMs: 4000, text: 'late' }])
  t.same(newSegments({ startMs: 3000, endMs: 7000 }, [{ startMs: 1000, endMs: 1500, text: '  ' }], plan, []), [], 'blank text is no segment')
})

const rules: QaRule[] = [
  { kind: 'required', ruleId: 'greeting', title: 'Greets', speaker: 'operator', phrases: ['hello'], toMs: 15_000 },
  { kind: 'forbidden', ruleId: 'rude', title: 'Rudeness', speaker: 'operator', severity: 'severe', words: ['idiot'] },
  { kind: 'forbidden', ruleId: 'filler', title: 'Filler', speaker: 'operator', severity: 'warning', words: ['um'] }
]

t.test('alerts: severe findings about something said, each raised once; nothing about what is not said yet', async (t) => {
  const live = new LiveTranscript()
  live.add('operator', { startMs: 0, endMs: 4000 }, [{ startMs: 0, endMs: 1000, text: 'um well' }], plan)
  t.same(live.newAlerts(rules), [], 'no greeting yet and a filler: no alert')
  live.add('caller', { startMs: 0, endMs: 4000 }, [{ startMs: 1000, endMs: 2000, text: 'you idiot' }], plan)
  t.same(live.newAlerts(rules), [], 'the rule is about the operator')
  live.add('operator', { startMs: 3000, endMs: 7000 }, [{ startMs: 1000, endMs: 2000, text: 'you idiot' }], plan)
  const alerts = live.newAlerts(rules)
  t.match(alerts, [{ ruleId: 'rude', speaker: 'operator', text: 'you idiot' }])
  t.same(live.newAlerts(rules), [], 'not raised twice')
})

t.test('live language: a named one stays; auto becomes the language two windows in a row detect', async (t) => {
  const auto = { language: 'auto', detected: null }
  const once = liveLanguage(auto, 'ru')
  t.same(once, { language: 'auto', detected: 'ru' }, 'one window alone may be heard wrong')
  t.same(liveLanguage(once, 'ru'), { language: 'ru', detected: 'ru' }, 'two agree: the rest of the call is asked in it')
  t.same(liveLanguage(once, 'en'), { language: 'auto', detected: 'en' }, 'they disagree: still detected')
  t.same(liveLanguage({ language: 'en', detected: null }, 'ru'), { language: 'en', detected: null }, 'a language the call was given is kept')
  t.same(liveLanguage(once, ''), once, 'nothing detected changes nothing')
  t.same(liveLanguage(once, 'auto'), once)
})
