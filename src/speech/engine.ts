// The speech engine behind one small interface, so another binding can take its place. The one in
// use is whisper.cpp through @fugood/whisper.node (docs/benchmarks.md, "Choosing the Whisper binding", has the measurements).
import { initWhisper, type WhisperContext } from '@fugood/whisper.node'
import type { TrackSegment } from '../domain/transcript.js'
import { decodeOptions, type DecodeLimits } from './decode-limits.js'

export interface EngineResult { language: string; segments: TrackSegment[] }

export interface SpeechEngine {
  readonly name: string
  /** 16 kHz mono signed 16-bit samples; language 'auto' lets the model detect it. */
  transcribe (samples: Int16Array, language: string): Promise<EngineResult>
  close (): Promise<void>
}

export interface WhisperOptions { modelPath: string; threads: number; limits?: DecodeLimits }

export async function openWhisperEngine (opts: WhisperOptions): Promise<SpeechEngine> {
  const ctx: WhisperContext = await initWhisper({ filePath: opts.modelPath, useGpu: false })
  return {
    name: 'whisper.cpp (@fugood/whisper.node)',
    async transcribe (samples, language) {
      // Temperature fallback off: a call transcript is better late than re-decoded five times.
      const { promise } = ctx.transcribeData(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength) as ArrayBuffer, {
        language, maxThreads: opts.threads, temperature: 0, temperatureInc: 0,
        ...(opts.limits === undefined ? {} : decodeOptions(opts.limits))
      })
      const r = await promise
      return {
        language: r.language !== undefined && r.language !== '' ? r.language : language,
        // t0/t1 come in milliseconds.
        segments: r.segments.map((s) => ({ startMs: Math.round(s.t0), endMs: Math.round(s.t1), text: s.text }))
      }
    },
    close: () => ctx.release()
  }
}
