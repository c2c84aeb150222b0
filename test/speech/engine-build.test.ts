// Which whisper.cpp build runs: the one compiled at install for this CPU, reporting its instruction
// sets, and the prebuilt portable one when the native build is absent, asked against, or made for
// another CPU.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { defaultAddonPath, describeEngine, engineLogLine, openWhisperEngine } from '../../src/speech/engine.js'
import { wavToChannels } from '../../src/speech/audio.js'
import { speechPlan } from '../../src/speech/speech-plan.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, testModel } from '../helpers/speech.js'

const cpuHas = (flag: string): boolean => new RegExp(`^flags\\s*:.*\\b${flag}\\b`, 'm').test(readFileSync('/proc/cpuinfo', 'utf8'))
const speech = (): Int16Array => wavToChannels(readFileSync(spoken('build-en', 'Hello, I would like to order a fridge.', 'en')))[0]!
const missing = join(mkdtempSync(join(tmpdir(), 'ringlead-no-addon-')), 'ringlead_whisper.node')

t.test('the native build runs and names the instruction sets it was compiled with, as this CPU has them', async (t) => {
  const info = describeEngine('native')
  t.equal(info.kind, 'native')
  t.match(info.systemInfo, /AVX = \d/, `whisper.cpp's own line: ${info.systemInfo}`)
  t.equal(/\bAVX2\b/.test(info.instructionSets), cpuHas('avx2'), `AVX2 as the CPU has it (${info.instructionSets})`)
  t.equal(/\bAVX512\b/.test(info.instructionSets), cpuHas('avx512f'), 'AVX-512 as the CPU has it')
  t.ok(info.sharesModel)
  t.match(engineLogLine(info), /built for this CPU, .*AVX/)
})

t.test('auto without a native build: the prebuilt one runs, and the log line says why', async (t) => {
  const info = describeEngine('auto', missing)
  t.equal(info.kind, 'prebuilt')
  t.match(info.fallbackReason, /native build absent/)
  t.match(engineLogLine(info), /prebuilt portable whisper\.cpp \(no AVX.*because the native build absent/)
  const engine = await openWhisperEngine({ modelPath: await testModel(), threads: 2, engine: 'auto', addonPath: missing })
  t.teardown(() => engine.close())
  t.equal(engine.info?.kind, 'prebuilt')
  t.ok((await engine.transcribe(speech(), 'en')).segments.length > 0, 'the prebuilt engine transcribes')
})

t.test('"native" asked for without a native build fails with the reason, instead of running slow', async (t) => {
  t.throws(() => describeEngine('native', missing), /speech engine "native" was asked for, but the native build absent/)
  await t.rejects(openWhisperEngine({ modelPath: await testModel(), threads: 1, engine: 'native', addonPath: missing }), /native build absent/)
})

t.test('a native build made on a CPU with other instruction sets is not run (it could die on an unknown instruction)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-other-cpu-'))
  const addon = join(dir, 'ringlead_whisper.node')
  copyFileSync(defaultAddonPath(), addon)
  writeFileSync(join(dir, 'cpu-flags.txt'), 'sse sse2\n')
  const info = describeEngine('auto', addon)
  t.equal(info.kind, 'prebuilt')
  t.match(info.fallbackReason, /another CPU|other instruction sets/)
})

t.test('one loaded native model serves two calls at once, each with the result it gets alone', async (t) => {
  const engine = await openWhisperEngine({ modelPath: await testModel(), threads: 1, engine: 'native' })
  t.teardown(() => engine.close())
  const samples = speech()
  const alone = await engine.transcribe(samples, 'en')
  t.ok(alone.segments.length > 0)
  const [a, b] = await Promise.all([engine.transcribe(samples, 'en'), engine.transcribe(samples, 'en')])
  t.same(a, alone)
  t.same(b, alone)
})

t.test('the transcription worker runs the build it is told to, and each transcript names it', async (t) => {
  const modelPath = await testModel()
  const track = [{ speaker: 'caller' as const, path: spoken('build-en', 'Hello, I would like to order a fridge.', 'en') }]
  const native = new WorkerTranscriber({ modelPath, threads: 1, workers: 1, engine: 'native' })
  t.teardown(() => native.close())
  t.match((await native.transcribe(track, 'en')).engine, /^whisper\.cpp native \(.*AVX/)
  const prebuilt = new WorkerTranscriber({ modelPath, threads: 1, workers: 1, engine: 'prebuilt' })
  t.teardown(() => prebuilt.close())
  t.match((await prebuilt.transcribe(track, 'en')).engine, /prebuilt/)
})

t.test('at start the daemon logs one line naming the engine and its instruction sets, then the capacity it chose', async (t) => {
  const lines: Array<Record<string, unknown> & { msg: string }> = []
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const plan = speechPlan(loadConfig({}, { speech: { modelPath: await testModel() } }).speech, log)
  t.match(lines[0], { msg: /^speech engine: whisper\.cpp built for this CPU, .*AVX2/, engine: 'native', systemInfo: /AVX2 = 1/ })
  t.match(lines[1], { msg: 'transcription capacity', concurrency: plan.concurrency, processes: 1 })
  t.ok(plan.concurrency >= 1)
  lines.length = 0
  speechPlan(loadConfig({}, { speech: { engine: 'prebuilt', sharedModel: true } }).speech, log)
  t.match(lines[0], { msg: /prebuilt portable whisper\.cpp .*as configured/, engine: 'prebuilt' })
  t.equal(lines[1]!.processes, lines[1]!.concurrency, 'the prebuilt binding cannot share a model: a process per call')
})
