// The real transcription worker with the tone engine in place of whisper.cpp: what it transcribes
// follows from the samples that reach it, and no model is needed.
import { serveTranscriptions } from '../../../src/speech/worker-serve.js'
import { toneEngine } from '../tone-engine.js'

serveTranscriptions(async () => toneEngine())
