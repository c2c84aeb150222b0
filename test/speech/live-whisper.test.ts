// Live streaming with the real engine: whisper.cpp in its low-priority child process, a generated
// (random-weight) model, spoken English from espeak-ng. The text is noise; what counts is that the
// windows are transcribed into segments, nothing fails, and nothing is left after the call.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { wavToChannels } from '../../src/speech/audio.js'
import { spoken, testModel } from '../helpers/speech.js'
import { startWorld, until } from '../helpers/world.js'

t.test('the live path runs on whisper.cpp: windows of a call in progress become segments', async (t) => {
  const w = await startWorld({ speech: { modelPath: await testModel(), language: 'en', live: 'auto', liveWindowMs: 3000, liveOverlapMs: 500, liveWindowDeadlineMs: 60_000, pollMs: 60_000 } }, { recordingSettleMs: 15_000 })
  t.teardown(() => w.close())
  w.addOperator('101')
  const voice = wavToChannels(readFileSync(spoken('live-op', 'Good afternoon, thank you for calling. How can I help you today?', 'en')))[0]!
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await until('both parties stream', () => w.sim.externalMedia().length === 2)
  const operator = w.sim.channels().find((c) => c.endpoint === '101' && c.origin === 'originated')!
  w.sim.speak(operator.channelId, voice)
  const live = w.daemon.live!
  await until('a window transcribed', () => live.counts.transcribed + live.counts.failed >= 1, 120_000)
  t.equal(live.counts.failed, 0, 'no window failed')
  t.ok(live.counts.segments > 0, `${live.counts.segments} segments`)
  w.sim.hangup(call.channelId)
  t.equal((await ended).status, 'answered')
  await until('nothing left in Asterisk', () => w.sim.channels().length === 0 && w.sim.externalMedia().length === 0)
  t.equal(live.activeCalls, 0)
})
