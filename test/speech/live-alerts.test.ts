// Live alerts end to end through the simulated Asterisk: the operator's voice leaves the simulator as
// RTP from an external media channel, is cut into windows, transcribed (tone engine: text follows
// the audio received), checked, and the severe finding is on the wallboard while the call is up.
import t from 'tap'
import { until } from '../helpers/world.js'
import { liveWorld } from './live-world.js'
import { sayPhrases, toneEngine } from './tone-engine.js'


t.test('an operator\'s rudeness reaches the wallboard while the call is still going; nothing of the stream is left after it', async (t) => {
  const engine = toneEngine()
  const { w, alerts } = await liveWorld(t, { engine })
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  const callId = await w.callOf(call.channelId)
  await until('both parties stream', () => w.sim.externalMedia().length === 2)
  const operator = w.sim.channels().find((c) => c.endpoint === '101' && c.origin === 'originated')!
  t.ok(operator, 'the operator\'s leg')
  // The caller says something harmless; the operator greets, then is rude.
  w.sim.speak(call.channelId, sayPhrases([{ hz: 1500, ms: 600 }]))
  w.sim.speak(operator.channelId, sayPhrases([{ hz: 700, ms: 700 }, { hz: 1100, ms: 700 }]))
  await until('a live alert', () => alerts.length > 0)
  t.match(alerts[0], { callId, live: true, score: null, findings: [{ ruleId: 'rudeness-en', speaker: 'operator', text: 'you idiot' }] })
  t.equal(w.daemon.repo.call(callId)?.status, 'talking', 'the call is still going on')
  t.ok(w.sim.channels().some((c) => c.channelId === call.channelId), 'the caller is still on the line')
  const board = w.daemon.feed.snapshot().alerts
  t.match(board, [{ kind: 'qa', callId, text: /Rudeness.*you idiot.*call in progress/ }], 'on the wallboard')
  t.ok(engine.windows > 0)

  w.sim.hangup(call.channelId)
  t.equal((await ended).status, 'answered')
  await until('nothing left in Asterisk', () => w.sim.channels().length === 0 && w.sim.bridges().length === 0 && w.sim.externalMedia().length === 0)
  t.equal(w.daemon.live?.activeCalls, 0, 'the live slot is free again')
  t.equal(alerts.length, 1, 'raised once, though windows overlap')
})

t.test('the caller saying the same is no alert (the rule is about the operator); over the limit a call goes without live streaming', async (t) => {
  const { w, alerts } = await liveWorld(t, { speech: { liveMaxCalls: 1 } })
  w.addOperator('102')
  const first = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await until('the first call streams', () => w.sim.externalMedia().length === 2)
  const second = w.sim.placeCall({ from: '+79031112244', did: '74951234567' })
  await w.callOf(second.channelId)
  await until('the second call is over the live limit', () => w.daemon.live!.counts.overLimit === 1)
  t.equal(w.sim.externalMedia().length, 2, 'the second call is not streamed')
  w.sim.speak(first.channelId, sayPhrases([{ hz: 1100, ms: 700 }]))
  await until('the caller\'s words are transcribed', () => (w.daemon.live?.counts.transcribed ?? 0) >= 1)
  // Give the window after it the time to come too.
  const seen = w.daemon.live!.counts.transcribed
  await until('one more window', () => w.daemon.live!.counts.transcribed + w.daemon.live!.counts.silent > seen + 1)
  t.same(alerts, [])
  w.sim.hangup(first.channelId)
  w.sim.hangup(second.channelId)
  await until('nothing left in Asterisk', () => w.sim.channels().length === 0 && w.sim.externalMedia().length === 0)
})

t.test('a phrase is alerted once the operator stops speaking, not when a window\'s length of audio is in, while the caller talks on; the language two windows detect is kept', async (t) => {
  // Windows of 30 s: without cutting at a phrase's end, nothing would be transcribed before 30 s of audio.
  const tones = toneEngine()
  const asked: string[] = []
  const engine = { ...tones, transcribe: async (samples: Int16Array, language: string) => { asked.push(language); return await tones.transcribe(samples, language) } }
  const { w, alerts } = await liveWorld(t, { speech: { liveWindowMs: 30_000, liveOverlapMs: 1000, liveEndpointMs: 400, language: 'auto' }, engine })
  const audioAtAlert: number[] = []
  w.daemon.bus.on('call.qa_alert', () => {
    // How much audio the streams had sent: audio time, whatever the machine's speed.
    audioAtAlert.push(Math.max(...w.sim.externalMedia().map((m) => m.packetsSent)) * 20)
  })
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  const callId = await w.callOf(call.channelId)
  await until('both parties stream', () => w.sim.externalMedia().length === 2)
  const operator = w.sim.channels().find((c) => c.endpoint === '101' && c.origin === 'originated')!
  const sentBefore = Math.max(...w.sim.externalMedia().map((m) => m.packetsSent)) * 20
  w.sim.speak(call.channelId, sayPhrases([{ hz: 1500, ms: 25_000 }], 0, 0))
  // A greeting, thanks and the rudeness, with pauses longer than the tail: a window each.
  w.sim.speak(operator.channelId, sayPhrases([{ hz: 700, ms: 700 }, { hz: 1500, ms: 700 }, { hz: 1100, ms: 700 }], 300, 1500))
  await until('a live alert', () => alerts.length > 0, 90_000)
  t.match(alerts[0], { callId, live: true, findings: [{ ruleId: 'rudeness-en', speaker: 'operator', text: 'you idiot' }] })
  t.ok(audioAtAlert[0]! - sentBefore < 15_000, `alerted ${audioAtAlert[0]! - sentBefore} ms of audio after the operator began (a 30 s window would need 30 s)`)
  const operatorWindows = w.daemon.live!.recent.filter((r) => r.callId === callId && r.speaker === 'operator')
  t.same(operatorWindows.slice(0, 3).map((r) => [r.reason, r.alertAt !== null]), [['endpoint', false], ['endpoint', false], ['endpoint', true]], 'a window per phrase, each cut at its end; the third alerted')
  t.same(asked.slice(0, 3), ['auto', 'auto', 'en'], 'two windows detect the same language; the next is told it')
  w.sim.hangup(call.channelId)
  await until('nothing left in Asterisk', () => w.sim.channels().length === 0 && w.sim.externalMedia().length === 0)
})
