// The models folder as a person handles it: each file checked from its header, the model in use and
// why, `ringlead speech models` and `models use`, and the decoding limits handed to the engine.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli } from '../../src/cli.js'
import { transcriptionDeadlineMs } from '../../src/domain/transcription-deadline.js'
import { decodeOptions } from '../../src/speech/decode-limits.js'
import { checkModelFile } from '../../src/speech/ggml-header.js'
import { tinyShape, writeRandomWhisperModel } from '../../src/speech/ggml-model.js'
import { choiceFileName, resolveModel, writeChoice } from '../../src/speech/model-folder.js'
import { testModel } from '../helpers/speech.js'

async function folder (t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

async function cli (argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { RINGLEAD_DB_PATH: ':memory:', ...env } })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('the header check finds a sound model, a missing blank token, a cut-off copy and a file that is no model', async (t) => {
  const dir = await folder(t)
  const good = checkModelFile(await testModel())
  t.match(good, { header: { vocab: 51865, mels: 80, ftype: 1 }, multilingual: true, words: 50257, hasBlankToken: true, problems: [] })
  t.equal(good.size, 'custom (width 64, 1 layers)')

  await writeRandomWhisperModel(join(dir, 'no-blank.bin'), { ...tinyShape, withoutBlankToken: true })
  t.same(checkModelFile(join(dir, 'no-blank.bin')).problems, ['vocabulary lacks the blank token " ": whisper.cpp stalls on it while decoding'])

  copyFileSync(await testModel(), join(dir, 'cut.bin'))
  truncateSync(join(dir, 'cut.bin'), good.bytes - 1000)
  t.same(checkModelFile(join(dir, 'cut.bin')).problems, [`file ends early at ${good.bytes - 1000} bytes (an interrupted copy or download?)`])

  writeFileSync(join(dir, 'page.bin'), '<html>')
  t.match(checkModelFile(join(dir, 'page.bin')), { header: null, problems: [/^not a ggml model \(magic 0x6d74683c/] })
})

t.test('the model in use: the configured path, else the choice, else the only one; several and no choice is none', async (t) => {
  const dir = await folder(t)
  t.match(resolveModel({ modelPath: '', modelsDir: dir }), { path: null, why: /^no model in .*make model/ })
  t.match(resolveModel({ modelPath: '', modelsDir: dir, fallback: '/d/demo.bin' }), { path: '/d/demo.bin', why: /random model generated for the demo — transcripts will be noise/ })
  copyFileSync(await testModel(), join(dir, 'ggml-a.bin'))
  writeFileSync(join(dir, 'ggml-b.bin.part'), 'half a download')
  writeFileSync(join(dir, 'ggml-random-demo.bin'), 'the demo model an earlier version put here')
  t.same(resolveModel({ modelPath: '', modelsDir: dir, fallback: '/d/demo.bin' }), { path: join(dir, 'ggml-a.bin'), why: `the only model in ${dir}` })
  copyFileSync(await testModel(), join(dir, 'ggml-b.bin'))
  t.match(resolveModel({ modelPath: '', modelsDir: dir }), { path: null, why: /2 models in .* none chosen: pick one with `ringlead speech models use NAME`/ })
  writeChoice(dir, 'ggml-b.bin')
  t.same(resolveModel({ modelPath: '', modelsDir: dir }), { path: join(dir, 'ggml-b.bin'), why: 'chosen with `ringlead speech models use ggml-b.bin`' })
  t.same(resolveModel({ modelPath: '/m/x.bin', modelsDir: dir }), { path: '/m/x.bin', why: 'named by RINGLEAD_SPEECH_MODEL_PATH' })
  rmSync(join(dir, 'ggml-b.bin'))
  t.match(resolveModel({ modelPath: '', modelsDir: dir }), { path: null, why: /the chosen model ggml-b\.bin is not in/ })
})

t.test('`ringlead speech models` lists and checks the folder; `models use` chooses, and refuses a broken model', async (t) => {
  const dir = await folder(t)
  const env = { RINGLEAD_SPEECH_MODELS_DIR: dir }
  copyFileSync(await testModel(), join(dir, 'ggml-good.bin'))
  await writeRandomWhisperModel(join(dir, 'ggml-no-blank.bin'), { ...tinyShape, withoutBlankToken: true })
  const list = await cli(['speech', 'models'], env)
  t.equal(list.code, 0)
  t.match(list.out, `models in ${dir}: 2`)
  t.match(list.out, /\n {2}ggml-good\.bin {2}7\.5 MB {2}custom \(width 64, 1 layers\), f16, multilingual, 51865 tokens {2}ok/)
  t.match(list.out, /ggml-no-blank\.bin .* PROBLEM: vocabulary lacks the blank token/)
  t.match(list.out, /in use: none \(2 models in .* none chosen/)

  const refused = await cli(['speech', 'models', 'use', 'ggml-no-blank.bin'], env)
  t.match(refused, { code: 1, err: /ggml-no-blank\.bin has problems: vocabulary lacks the blank token.*--force/ })
  t.match(await cli(['speech', 'models', 'use', 'ggml-nope.bin'], env), { code: 1, err: /no model ggml-nope\.bin in .*; there: ggml-good\.bin, ggml-no-blank\.bin/ })

  const chosen = await cli(['speech', 'models', 'use', 'ggml-good.bin'], env)
  t.match(chosen, { code: 0, out: /ggml-good\.bin chosen: a running ringlead loads it for the next call/ })
  t.equal(readFileSync(join(dir, choiceFileName), 'utf8'), 'ggml-good.bin\n')
  const after = (await cli(['speech', 'models'], env)).out
  t.match(after, /\n\* ggml-good\.bin .* ok\n/, 'marked as the one in use')
  t.match(after, /\nin use: .*ggml-good\.bin \(chosen with `ringlead speech models use ggml-good\.bin`\)$/)

  const overridden = await cli(['speech', 'models', 'use', 'ggml-good.bin'], { ...env, RINGLEAD_SPEECH_MODEL_PATH: '/srv/m.bin' })
  t.match(overridden.err, /RINGLEAD_SPEECH_MODEL_PATH=\/srv\/m\.bin is set and wins/)
  t.equal((await cli(['speech'], env)).code, 2)
})

t.test('decoding limits go to the engine as whisper.cpp options; deadlines grow with the audio above a floor', async (t) => {
  t.same(decodeOptions({ maxContextTokens: 64, maxSegmentChars: 0 }), { maxContext: 64 })
  t.same(decodeOptions({ maxContextTokens: 32, maxSegmentChars: 120 }), { maxContext: 32, maxLen: 120, tokenTimestamps: true })
  t.equal(transcriptionDeadlineMs(10_000, { factor: 5, minMs: 120_000 }), 120_000)
  t.equal(transcriptionDeadlineMs(60_000, { factor: 5, minMs: 120_000 }), 300_000)
})
