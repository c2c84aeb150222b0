// The real engine on a generated random-weight model, on spoken two-party calls in Russian and
// English: loading, inference, timestamps and the channel split run for real; the words are nonsense.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { wavToChannels, whisperSampleRate } from '../../src/speech/audio.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, stereoCall, testModel } from '../helpers/speech.js'
import { describeEngine } from '../../src/speech/engine.js'

// Two-party calls with a greeting, an offer and a rude phrase, spoken by espeak-ng in each language.
const calls = {
  ru: { caller: 'Здравствуйте, я хочу заказать холодильник. Где мой заказ?', operator: 'Добрый день, магазин Техника. Можем доставить завтра. Да отвали ты, дурак.' },
  en: { caller: 'Hello, I would like to order a fridge. Where is my order?', operator: 'Good afternoon, Tech Store. We can deliver it tomorrow. Shut up, you idiot.' }
}

for (const lang of ['ru', 'en'] as const) {
  t.test(`a stereo call (${lang}) is split by channel, each party transcribed in a worker thread with timestamps inside its audio`, async (t) => {
    const caller = spoken(`caller-${lang}`, calls[lang].caller, lang)
    const operator = spoken(`operator-${lang}`, calls[lang].operator, lang)
    const stereo = stereoCall(`call-${lang}`, caller, operator)
    const channels = wavToChannels(readFileSync(stereo))
    t.equal(channels.length, 2, 'two channels after the split')
    const durationMs = (channels[0]!.length / whisperSampleRate) * 1000
    t.ok(durationMs > 1000, `the fixture is real speech (${Math.round(durationMs)} ms)`)

    const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1 })
    t.teardown(() => transcriber.close())
    let ticks = 0
    const ticker = setInterval(() => { ticks++ }, 5)
    const r = await transcriber.transcribe([{ speaker: 'both', path: stereo }], lang)
    clearInterval(ticker)
    t.ok(ticks > 0, 'the event loop kept running while the model worked')
    t.equal(r.engine, describeEngine().name, 'the transcript names the build that ran')
    t.equal(r.language, lang)
    for (const speaker of ['caller', 'operator'] as const) {
      const segs = r.tracks[speaker] ?? []
      t.ok(segs.length > 0, `${speaker}: segments came back`)
      for (const s of segs) {
        t.ok(s.startMs >= 0 && s.startMs <= s.endMs, `${speaker}: ${s.startMs}–${s.endMs} ms is an interval`)
        t.ok(s.startMs <= durationMs, `${speaker}: starts inside the audio`)
      }
      t.ok(segs.some((s) => s.text.trim() !== ''), `${speaker}: some text was decoded`)
    }
  })
}

