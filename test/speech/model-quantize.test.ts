// Quantized models: `ringlead speech models quantize` writes a q8_0/q5_1 copy the native engine loads
// and the models list names by its weight type; and the flash attention setting reaches whisper.cpp.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { runSpeechCli } from '../../src/speech-cli.js'
import { wavToChannels } from '../../src/speech/audio.js'
import { nativeAddon, openWhisperEngine } from '../../src/speech/engine.js'
import { checkModelFile } from '../../src/speech/ggml-header.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, testModel } from '../helpers/speech.js'

const run = async (argv: string[], dir: string): Promise<{ code: number; out: string[]; err: string }> => {
  const out: string[] = []
  const err: string[] = []
  const code = await runSpeechCli(argv, (l) => out.push(l), (l) => err.push(l), { modelPath: '', modelsDir: dir })
  return { code, out, err: err.join('\n') }
}
const phrase = (): Int16Array => wavToChannels(readFileSync(spoken('quantize-en', 'Hello, I would like to order a fridge.', 'en')))[0]!

t.test('models quantize writes q8_0 and q5_1 copies that list as such, are smaller, and the native engine transcribes with', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-quantize-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  copyFileSync(await testModel(), join(dir, 'ggml-tiny.bin'))
  for (const type of ['q8_0', 'q5_1']) {
    const r = await run(['models', 'quantize', 'ggml-tiny.bin', `ggml-tiny-${type}.bin`, '--type', type], dir)
    t.equal(r.code, 0, r.err)
    t.equal(r.out[0], join(dir, `ggml-tiny-${type}.bin`))
    t.match(r.err, new RegExp(`17 of 50 tensors ${type}; choose it with \`ringlead speech models use ggml-tiny-${type}\\.bin\``))
    const check = checkModelFile(join(dir, `ggml-tiny-${type}.bin`))
    t.match(check, { weights: type, problems: [], words: 50257, hasBlankToken: true })
    t.ok(statSync(join(dir, `ggml-tiny-${type}.bin`)).size < 0.65 * statSync(join(dir, 'ggml-tiny.bin')).size, 'smaller than the f16 model')
    const engine = await openWhisperEngine({ modelPath: join(dir, `ggml-tiny-${type}.bin`), threads: 1, engine: 'native' })
    const result = await engine.transcribe(phrase(), 'en')
    await engine.close()
    t.ok(result.segments.length > 0, `${type}: segments from the quantized model`)
    const addon = nativeAddon()
    const model = await addon.load(join(dir, `ggml-tiny-${type}.bin`), true)
    const counted = await addon.transcribe(model, phrase(), 'en', 1, 64, 0)
    addon.free(model)
    t.ok(counted.stats.encoderRuns >= 1 && counted.stats.tokens > 0 && counted.stats.ms > 0, 'the addon counts its windows, tokens and time')
  }
  t.same(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left')
  const list = await run(['models'], dir)
  t.match(list.out.join('\n'), /ggml-tiny-q8_0\.bin .* q8_0, multilingual, 51865 tokens {2}ok/)
  t.match(list.out.join('\n'), /ggml-tiny-q5_1\.bin .* q5_1, multilingual, 51865 tokens {2}ok/)
  t.match(list.out.join('\n'), /ggml-tiny\.bin .* f16, multilingual/)
})

t.test('models quantize refuses what it cannot do, saying why, and leaves no file behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-quantize-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  copyFileSync(await testModel(), join(dir, 'ggml-tiny.bin'))
  t.match(await run(['models', 'quantize', 'ggml-tiny.bin', 'out.bin', '--type', 'q4_k'], dir), { code: 1, err: /unknown type "q4_k": q8_0, q5_1, q5_0/ })
  t.match(await run(['models', 'quantize', 'missing.bin', 'out.bin', '--type', 'q8_0'], dir), { code: 1, err: /no model at .*missing\.bin/ })
  t.equal((await run(['models', 'quantize', 'ggml-tiny.bin', 'q8.bin', '--type', 'q8_0'], dir)).code, 0)
  t.match(await run(['models', 'quantize', 'q8.bin', 'q5.bin', '--type', 'q5_1'], dir), { code: 1, err: /already q8_0: quantize its f16 original/ })
  const before = statSync(join(dir, 'q8.bin')).mtimeMs
  t.match(await run(['models', 'quantize', 'ggml-tiny.bin', 'q8.bin', '--type', 'q5_1'], dir), { code: 1, err: /q8\.bin exists \(--force replaces it\)/ })
  t.equal(statSync(join(dir, 'q8.bin')).mtimeMs, before)
  t.equal((await run(['models', 'quantize', 'ggml-tiny.bin', 'q8.bin', '--type', 'q5_1', '--force'], dir)).code, 0)
  t.equal(checkModelFile(join(dir, 'q8.bin')).weights, 'q5_1', '--force replaced it')
  t.notOk(existsSync(join(dir, 'q5.bin')))
  t.equal((await run(['models', 'quantize', 'ggml-tiny.bin', 'x.bin'], dir)).code, 2, 'no --type: usage')
})

t.test('the flash attention setting reaches whisper.cpp\'s context (its own load line says so); on by default', async (t) => {
  t.equal(loadConfig({}).speech.flashAttn, true)
  t.equal(loadConfig({ RINGLEAD_SPEECH_FLASH_ATTN: 'false' }).speech.flashAttn, false)
  const track = [{ speaker: 'caller' as const, path: spoken('quantize-en', 'Hello, I would like to order a fridge.', 'en') }]
  for (const flashAttn of [false, true]) {
    const lines: string[] = []
    const log = pino({ level: 'debug' }, { write: (line: string) => { lines.push(String(JSON.parse(line).msg)) } })
    const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1, engine: 'native', flashAttn, log })
    await transcriber.transcribe(track, 'en')
    await transcriber.close()
    // whisper.cpp logs while loading; the worker's stderr reaches the log line by line.
    t.ok(lines.some((l) => new RegExp(`flash attn = ${flashAttn ? 1 : 0}$`).test(l)), `whisper.cpp loaded with flash attention ${flashAttn ? 'on' : 'off'}`)
  }
})
