#!/usr/bin/env node
// `ringlead-speech <command>`: models for the transcription engine.
//   download-model NAME [--dir data/models] [--source URL]   a published whisper.cpp model (needs the internet)
//   random-model PATH                                        a tiny random-weight model (tests, demo: nonsense text)
import { parseArgs } from 'node:util'
import { writeRandomWhisperModel } from './speech/ggml-model.js'
import { ModelDownloadFailed } from './speech/errors.js'
import { downloadModel, modelNames } from './speech/model-download.js'

export async function runSpeechCli (argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, source: { type: 'string' } }, allowPositionals: true, strict: true })
  const [command, arg] = positionals
  if (command === 'download-model' && arg !== undefined) {
    try {
      err(`downloading ggml-${arg}.bin …`)
      const path = await downloadModel(arg, values.dir ?? 'data/models', values.source)
      out(path)
      err(`done; start the daemon with RINGLEAD_SPEECH_MODEL_PATH=${path}`)
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
  err(`usage:\n  ringlead-speech download-model NAME [--dir DIR] [--source URL]   NAME: ${modelNames.join(', ')}\n  ringlead-speech random-model PATH`)
  return 2
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  runSpeechCli(process.argv.slice(2), (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`))
    .then((code) => { process.exitCode = code }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1 })
}
