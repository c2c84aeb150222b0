// A daemon's transcription side as its own process: claims the queued job, starts on it and never
// finishes (the parent kills it with SIGKILL mid-job).
import pino from 'pino'
import { Bus } from '../../src/bus.js'
import { loadConfig } from '../../src/config.js'
import { openDb } from '../../src/db/open.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { TranscriptionRunner } from '../../src/speech/transcription-runner.js'

const [dbPath, modelPath, recordingsDir] = process.argv.slice(2) as [string, string, string]
const config = loadConfig({}, { speech: { modelPath, leaseSeconds: 5, pollMs: 20 } })
const runner = new TranscriptionRunner({
  repo: new SpeechRepo(openDb(dbPath)), bus: new Bus(), log: pino({ level: 'silent' }), now: Date.now,
  newId: (p) => `${p}_child`, config: config.speech, recordingsDir, worker: 'worker-that-dies',
  openTranscriber: () => ({
    transcribe: async () => { process.stdout.write('claimed\n'); return await new Promise(() => {}) },
    close: async () => {}
  })
})
runner.start()
// A promise that never settles does not keep Node alive: hold the process until the parent kills it.
setInterval(() => {}, 60_000)
