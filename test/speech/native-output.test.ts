// whisper.cpp writes its own progress to the native stderr of the transcription child: it belongs in
// the daemon's log at debug, not raw on the terminal.
import t from 'tap'
import pino from 'pino'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, testModel } from '../helpers/speech.js'

t.test('whisper.cpp output from the transcription child goes into the log at debug, marked whisper', async (t) => {
  const lines: Array<{ level: number; part?: string; msg: string }> = []
  const log = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1, log })
  await transcriber.transcribe([{ speaker: 'caller', path: spoken('native-en', 'Hello, I would like a fridge.', 'en') }], 'en')
  await transcriber.close()
  const whisper = lines.filter((l) => l.part === 'whisper')
  t.ok(whisper.some((l) => /whisper_/.test(l.msg)), `whisper.cpp lines logged (${whisper.length})`)
  t.ok(whisper.every((l) => l.level === pino.levels.values.debug), 'all at debug')
})
