#!/usr/bin/env node
// `ringlead speech <command>` (also `ringlead-speech <command>`): the models transcription runs on.
//   models [--dir DIR]                                       the models in the folder, each checked, and the one in use
//   models use NAME [--dir DIR] [--force]                    choose the model; a running daemon loads it for the next call
//   models quantize IN OUT --type T [--dir DIR] [--force]   a quantized copy (q8_0, q5_1, q5_0) of an f16 model
//   download-model NAME [--dir DIR] [--source URL]           a published whisper.cpp model (needs the internet)
//   random-model PATH                                        a tiny random-weight model (tests, demo: nonsense text)
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from './config.js'
import { ModelDownloadFailed, ModelQuantizeFailed } from './speech/errors.js'
import { writeRandomWhisperModel } from './speech/ggml-model.js'
import { downloadModel, modelNames } from './speech/model-download.js'
import { listModels, resolveModel, writeChoice, type ModelEntry } from './speech/model-folder.js'
import { quantizeModelFile, quantizeTypes } from './speech/model-quantize.js'

const usage = [
  'ringlead speech models [--dir DIR]                       list and check the models in the folder',
  'ringlead speech models use NAME [--dir DIR] [--force]    choose the model the daemon runs (no restart needed)',
  `ringlead speech models quantize IN OUT --type ${quantizeTypes.join('|')} [--dir DIR] [--force]   a smaller, faster copy of an f16 model (names without a / are in the folder)`,
  `ringlead speech download-model NAME [--dir DIR] [--source URL]   NAME: ${modelNames.join(', ')}`,
  'ringlead speech random-model PATH                        a tiny random-weight model (its transcripts are nonsense)'
]

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`

function describe (m: ModelEntry): string {
  const h = m.check.header
  const shape = h === null ? 'not a ggml model' : `${m.check.size}, ${m.check.weights}, ${m.check.multilingual ? 'multilingual' : 'English only'}, ${h.vocab} tokens`
  return `${m.name}  ${mb(m.check.bytes)}  ${shape}  ${m.check.problems.length === 0 ? 'ok' : `PROBLEM: ${m.check.problems.join('; ')}`}`
}

/** `settings`: the config's model path and folder (the CLI passes them; --dir overrides the folder). */
export async function runSpeechCli (argv: string[], out: (line: string) => void, err: (line: string) => void,
  settings: { modelPath: string; modelsDir: string } = loadConfig().speech): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, source: { type: 'string' }, force: { type: 'boolean' }, type: { type: 'string' } }, allowPositionals: true, strict: true })
  const [command, arg, name, target] = positionals
  const dir = values.dir ?? settings.modelsDir
  const inDir = (file: string): string => (file.includes('/') ? file : join(dir, file))
  if (command === 'models' && arg === undefined) {
    const models = listModels(dir)
    const inUse = resolveModel({ modelPath: settings.modelPath, modelsDir: dir })
    out(`models in ${dir}: ${models.length}`)
    for (const m of models) out(`${m.path === inUse.path ? '*' : ' '} ${describe(m)}`)
    out(inUse.path === null ? `in use: none (${inUse.why})` : `in use: ${inUse.path} (${inUse.why})`)
    return models.some((m) => m.path === inUse.path && m.check.problems.length > 0) ? 1 : 0
  }
  if (command === 'models' && arg === 'use' && name !== undefined) {
    const m = listModels(dir).find((e) => e.name === name)
    if (m === undefined) {
      err(`no model ${name} in ${dir}; there: ${listModels(dir).map((e) => e.name).join(', ') || 'none'}`)
      return 1
    }
    if (m.check.problems.length > 0 && values.force !== true) {
      err(`${name} has problems: ${m.check.problems.join('; ')}. Not chosen (--force chooses it anyway).`)
      return 1
    }
    writeChoice(dir, name)
    out(`${name} chosen: a running ringlead loads it for the next call (the call in hand finishes on the previous model)`)
    if (settings.modelPath !== '') err(`note: RINGLEAD_SPEECH_MODEL_PATH=${settings.modelPath} is set and wins over the folder's choice; unset it to use ${name}`)
    return 0
  }
  if (command === 'models' && arg === 'quantize' && name !== undefined && target !== undefined && values.type !== undefined) {
    try {
      err(`quantizing ${inDir(name)} to ${values.type} …`)
      const r = await quantizeModelFile({ input: inDir(name), output: inDir(target), type: values.type, force: values.force === true })
      out(inDir(target))
      err(`${mb(r.bytesIn)} → ${mb(r.bytesOut)}, ${r.quantized} of ${r.tensors} tensors ${values.type}; choose it with \`ringlead speech models use ${basename(target)}\``)
      return 0
    } catch (e) {
      if (!(e instanceof ModelQuantizeFailed)) throw e
      err(e.message)
      return 1
    }
  }
  if (command === 'download-model' && arg !== undefined) {
    try {
      err(`downloading ggml-${arg}.bin …`)
      const path = await downloadModel(arg, dir, values.source)
      out(path)
      err(`done; choose it with \`ringlead speech models use ggml-${arg}.bin\` (or it is used as the only model in ${dir})`)
      return 0
    } catch (e) {
      if (!(e instanceof ModelDownloadFailed)) throw e
      err(e.message)
      return 1
    }
  }
  if (command === 'random-model' && arg !== undefined) {
    const bytes = await writeRandomWhisperModel(arg)
    out(arg)
    err(`wrote a random-weight model (${bytes} bytes): it loads and runs, and its transcripts are nonsense`)
    return 0
  }
  err(`usage:\n  ${usage.join('\n  ')}`)
  return 2
}

export const speechUsage = usage.map((u) => u.replace(/^ringlead /, ''))

// Started as its own script (not imported by `ringlead speech`): the whole file name, since cli.ts ends like this one.
if (process.argv[1] !== undefined && import.meta.url.split('/').pop() === process.argv[1].split('/').pop()) {
  runSpeechCli(process.argv.slice(2), (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`))
    .then((code) => { process.exitCode = code }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1 })
}
