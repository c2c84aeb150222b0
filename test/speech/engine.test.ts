// The real engine on a generated random-weight model: language detection, loader errors, missing
// files, and closing while a call is transcribed.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { TranscriptionStopped } from '../../src/speech/errors.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { fixtureDir, spoken, testModel } from '../helpers/speech.js'

// Two-party calls with a greeting, an offer and a rude phrase, spoken by espeak-ng in each language.
const calls = {
  ru: { caller: 'Здравствуйте, я хочу заказать холодильник. Где мой заказ?', operator: 'Добрый день, магазин Техника. Можем доставить завтра. Да отвали ты, дурак.' },
  en: { caller: 'Hello, I would like to order a fridge. Where is my order?', operator: 'Good afternoon, Tech Store. We can deliver it tomorrow. Shut up, you idiot.' }
}

t.test('per-party mono tracks at 8 kHz, language auto: the model names a language', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1 })
  t.teardown(() => transcriber.close())
  const r = await transcriber.transcribe([{ speaker: 'caller', path: spoken('caller-ru', calls.ru.caller, 'ru') }], 'auto')
  t.ok((r.tracks.caller ?? []).length > 0)
  t.match(r.language, /^[a-z]{2,3}$/, `detected "${r.language}"`)
  t.notOk(r.tracks.operator)
})

t.test('a file that is not a model fails each call with the loader\'s error (loading is tried again each time)', async (t) => {
  const bad = join(fixtureDir, 'not-a-model.bin')
  writeFileSync(bad, 'this is not a ggml file')
  const transcriber = new WorkerTranscriber({ modelPath: bad, threads: 1, workers: 1 })
  t.teardown(() => transcriber.close())
  const audio = spoken('operator-en', calls.en.operator, 'en')
  await t.rejects(transcriber.transcribe([{ speaker: 'operator', path: audio }], 'en'), /Failed to initialize whisper context/)
  await t.rejects(transcriber.transcribe([{ speaker: 'operator', path: audio }], 'en'), /Failed to initialize whisper context/)
})

t.test('a missing recording file fails the call with the file error', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1 })
  t.teardown(() => transcriber.close())
  await t.rejects(transcriber.transcribe([{ speaker: 'operator', path: join(fixtureDir, 'missing.wav') }], 'en'), /ENOENT|no such file/)
})

t.test('closing while a call is being transcribed lets it finish, then frees the model', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1 })
  const pending = transcriber.transcribe([{ speaker: 'operator', path: spoken('operator-en', calls.en.operator, 'en') }], 'en')
  await new Promise((resolve) => setTimeout(resolve, 200)) // the worker has the job in hand
  const closed = transcriber.close(30_000)
  const r = await pending
  t.ok((r.tracks.operator ?? []).length > 0, 'the call in hand was finished, not cut off')
  await closed
  t.pass('the process is still here: the worker ended on its own')
})

t.test('closing with no time left stops a long transcription at once: the call fails as stopped, never a native abort', async (t) => {
  // Five minutes of noise: far longer to transcribe than closing takes.
  const long = join(fixtureDir, 'noise-5min.wav')
  execFileSync('sox', ['-n', '-r', '8000', '-b', '16', '-c', '1', long, 'synth', '300', 'whitenoise', 'vol', '0.3'])
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1 })
  const pending = transcriber.transcribe([{ speaker: 'caller', path: long }], 'en')
  await transcriber.close(0)
  await t.rejects(pending, TranscriptionStopped)
  await t.rejects(transcriber.transcribe([{ speaker: 'caller', path: long }], 'en'), TranscriptionStopped, 'a closed transcriber takes no new call')
})
