// Child process: holds the loaded whisper.cpp model and transcribes off the daemon's event loop.
import { openWhisperEngine } from './engine.js'
import { serveTranscriptions } from './worker-serve.js'

serveTranscriptions(async (settings) => await openWhisperEngine(settings))
