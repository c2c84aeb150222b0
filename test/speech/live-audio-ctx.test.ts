// Live windows through a shorter encoder (whisper.cpp's audio_ctx): the frame count chosen from the
// window, the setting, and the native addon and live engine passing it on to whisper.cpp. The model
// is random, so its text means nothing: what counts is that the value reaches whisper.cpp and the
// encoder does less work.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { liveAudioCtx } from '../../src/domain/live-transcript.js'
import { wavToChannels } from '../../src/speech/audio.js'
import { nativeAddon } from '../../src/speech/engine.js'
import { LiveProcessEngine } from '../../src/speech/live-engine.js'
import { spoken, testModel } from '../helpers/speech.js'

t.test('encoder frames for a live window: the window and a margin, rounded to 256 with flash attention', async (t) => {
  t.equal(liveAudioCtx(4000, true), 256, '4 s: 200 frames + 25, padded as flash attention does')
  t.equal(liveAudioCtx(4000, false), 225, 'without flash attention no rounding')
  t.equal(liveAudioCtx(10_000, true), 768)
  t.equal(liveAudioCtx(28_000, true), 0, 'rounding would reach 1500: whisper.cpp\'s whole window')
  t.equal(liveAudioCtx(30_000, false), 0)
})

t.test('RINGLEAD_SPEECH_LIVE_AUDIO_CTX: auto by default, 0 turns it off, anything else is refused', async (t) => {
  t.equal(loadConfig({}).speech.liveAudioCtx, 'auto')
  t.equal(loadConfig({ RINGLEAD_SPEECH_LIVE_AUDIO_CTX: '0' }).speech.liveAudioCtx, '0')
  t.throws(() => loadConfig({ RINGLEAD_SPEECH_LIVE_AUDIO_CTX: 'short' }), /RINGLEAD_SPEECH_LIVE_AUDIO_CTX/)
})

const window = (): Int16Array => wavToChannels(readFileSync(spoken('live-ctx', 'Good afternoon, thank you for calling, how can I help you today', 'en')))[0]!.slice(0, 4 * 16_000)

t.test('the addon hands audioCtx to whisper.cpp: a short encoder runs faster, one too long is refused by whisper.cpp', async (t) => {
  const addon = nativeAddon()
  const model = await addon.load(await testModel(), true)
  t.teardown(() => { addon.free(model) })
  const samples = window()
  // whisper.cpp's own check (code -5): the value got there.
  await t.rejects(addon.transcribe(model, samples, 'en', 1, -1, 0, 1501), /code -5/)
  t.throws(() => addon.transcribe(model, samples, 'en', 1, -1, 0, -1), /audioCtx/)
  // Interleaved, best of three each: the machine is shared.
  const whole: number[] = []
  const short: number[] = []
  for (let i = 0; i < 3; i++) {
    const a = await addon.transcribe(model, samples, 'en', 1, -1, 0, 0)
    const b = await addon.transcribe(model, samples, 'en', 1, -1, 0, 256)
    t.equal(b.stats.encoderRuns, 1, 'one window encoded')
    whole.push(a.stats.encodeMs)
    short.push(b.stats.encodeMs)
  }
  const ratio = Math.min(...short) / Math.min(...whole)
  t.ok(ratio < 0.6, `encoder at 256 frames: ${Math.min(...short).toFixed(0)} ms, at 1500: ${Math.min(...whole).toFixed(0)} ms (ratio ${ratio.toFixed(2)})`)
})

t.test('a short window in \'auto\' detects its language on the short encoder too, not on whisper.cpp\'s whole 30 s', async (t) => {
  const addon = nativeAddon()
  const model = await addon.load(await testModel(), true)
  t.teardown(() => { addon.free(model) })
  const samples = window()
  // Interleaved, best of three each: the encoder of a whole 30 s window, and what a short window in
  // 'auto' spends before its own encoder run (the spectrogram and the detection's encoder pass). On a
  // fresh state whisper.cpp detects before it applies audio_ctx: a whole 30 s pass.
  const whole: number[] = []
  const detect: number[] = []
  for (let i = 0; i < 3; i++) {
    whole.push((await addon.transcribe(model, samples, 'en', 1, -1, 0, 0)).stats.encodeMs)
    const r = await addon.transcribe(model, samples, 'auto', 1, -1, 0, 256)
    t.not(r.language, 'auto', `a language detected (${r.language})`)
    detect.push(r.stats.beforeEncodeMs)
  }
  const ratio = Math.min(...detect) / Math.min(...whole)
  t.ok(ratio < 0.75, `short window in auto, before its encoder: ${Math.min(...detect).toFixed(0)} ms; a whole window's encoder: ${Math.min(...whole).toFixed(0)} ms (ratio ${ratio.toFixed(2)})`)
})

t.test('a live window through the native engine in its child process with audioCtx set', async (t) => {
  const samples = window()
  const engine = new LiveProcessEngine({ modelPath: await testModel(), threads: 1, audioCtx: liveAudioCtx(4000, true), nice: 0, deadlineMs: 120_000 })
  t.teardown(() => engine.close())
  const r = await engine.transcribe(samples, 'en')
  t.ok(Array.isArray(r.segments), `transcribed (${r.segments.length} segments)`)
  // The value reaches whisper.cpp in the child: one it must refuse fails the window.
  const refused = new LiveProcessEngine({ modelPath: await testModel(), threads: 1, audioCtx: 1501, nice: 0, deadlineMs: 120_000 })
  t.teardown(() => refused.close())
  await t.rejects(refused.transcribe(samples, 'en'), /code -5/)
})
