// Child process: holds the loaded whisper.cpp model and transcribes off the daemon's event loop.
import { openWhisperEngine } from './engine.js'
import { runOnlyWhenIdle } from './idle-policy.js'
import type { WorkerSettings } from './transcriber.js'
import { serveTranscriptions } from './worker-serve.js'

// At the lowest priority, before whisper.cpp starts its threads: they inherit the policy. Without it
// the worker still runs at nice 19; stderr reaches the daemon's log.
if ((JSON.parse(process.argv[2] ?? '{}') as WorkerSettings).idlePolicy === true) {
  const why = runOnlyWhenIdle()
  if (why !== null) process.stderr.write(`transcription worker left at nice 19, not SCHED_IDLE: ${why}\n`)
}

serveTranscriptions(async (settings) => await openWhisperEngine(settings))
