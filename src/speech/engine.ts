// The speech engine behind one small interface. Two builds of whisper.cpp can run behind it:
// - native: the project's addon (native/whisper), compiled at install for this machine's CPU
//   (AVX2/AVX-512 where present); one loaded model serves several transcriptions at once;
// - prebuilt: @fugood/whisper.node's portable binary (no AVX code: several times slower on base-sized
//   models), used when the native build is absent, failed, or was made for another CPU.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { initWhisper } from '@fugood/whisper.node'
import type { TrackSegment } from '../domain/transcript.js'
import { decodeOptions, type DecodeLimits } from './decode-limits.js'

/** What one transcription cost, as the native addon counts it (the benchmarks read it). */
export interface EngineStats {
  /** 30 s windows the encoder ran on. */
  encoderRuns: number
  /** Tokens decoded into the segments. */
  tokens: number
  ms: number
  /** From the encoder's start to the first decoding step (-1: the encoder never ran). */
  encodeMs: number
  /** From the start to the first encoder run of the windows: the spectrogram and, in 'auto', language detection (-1: none ran). */
  beforeEncodeMs: number
}

export interface EngineResult { language: string; segments: TrackSegment[] }

/** Which build runs, and with what instruction set: for the start-up log line and each transcript. */
export interface EngineInfo {
  kind: 'native' | 'prebuilt'
  /** Stored with each transcript. */
  name: string
  /** The instruction sets whisper.cpp was compiled with, e.g. "AVX2 AVX512 FMA F16C". */
  instructionSets: string
  /** whisper.cpp's own system line ("AVX = 1 | AVX2 = 1 | ..."), when the build tells it. */
  systemInfo: string
  /** Why the native build is not the one running (auto choice only). */
  fallbackReason?: string
  /** Whether several transcriptions may run at once on one loaded model. */
  sharesModel: boolean
}

export interface SpeechEngine {
  readonly name: string
  /** Which build runs (the whisper.cpp engines; a stand-in engine may leave it out). */
  readonly info?: EngineInfo
  /** 16 kHz mono signed 16-bit samples; language 'auto' lets the model detect it. */
  transcribe (samples: Int16Array, language: string): Promise<EngineResult>
  close (): Promise<void>
}

export type EngineChoice = 'auto' | 'native' | 'prebuilt'
export const engineChoices: readonly EngineChoice[] = ['auto', 'native', 'prebuilt']

export interface WhisperOptions {
  modelPath: string
  threads: number
  /** 'auto' (default): native when its build is usable, else prebuilt. */
  engine?: EngineChoice
  /** Where the native addon is; defaults to native/whisper/build in the project. */
  addonPath?: string
  /** The project's own bounds on decoding (decode-limits.ts). */
  limits?: DecodeLimits
  /** whisper.cpp's flash attention in the native engine (default on, as whisper.cpp 1.9 has it); the prebuilt binding keeps its own (off). */
  flashAttn?: boolean
  /** Encoder frames (20 ms each) per window in the native engine; 0 or absent = whisper.cpp's whole 30 s. Live windows only. */
  audioCtx?: number
}

export interface QuantizeResult { tensors: number; quantized: number; bytesIn: number; bytesOut: number }

export interface NativeAddon {
  systemInfo (): string
  load (path: string, flashAttn?: boolean): Promise<object>
  transcribe (model: object, samples: Int16Array, language: string, threads: number, maxContextTokens: number, maxSegmentChars: number, audioCtx?: number): Promise<{ language: string; segments: TrackSegment[]; stats: EngineStats }>
  /** One encoder pass over the first 30 s window, timed apart from decoding. */
  encodeWindow (model: object, samples: Int16Array, threads: number): Promise<{ melMs: number; encodeMs: number }>
  /** Writes a copy of an f16/f32 model with its weight matrices in `type` (q8_0, q5_1, q5_0). */
  quantize (inPath: string, outPath: string, type: string): Promise<QuantizeResult>
  free (model: object): void
}

const requireNative = createRequire(import.meta.url)
const buildDirs = ['../../native/whisper/build/', '../../../native/whisper/build/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)))

/** The default addon location: beside the sources (tsx) or beside the built output (dist/). */
export function defaultAddonPath (): string {
  const dir = buildDirs.find((d) => existsSync(`${d}ringlead_whisper.node`)) ?? buildDirs[0]!
  return `${dir}ringlead_whisper.node`
}

/** "AVX = 1 | AVX2 = 1 | AVX512 = 0 | ..." → "AVX AVX2". */
export function enabledFeatures (systemInfo: string): string {
  return [...systemInfo.matchAll(/([A-Z][A-Z0-9_]*) = 1/g)].map((m) => m[1]!)
    .filter((f) => /^(SSE|SSSE|AVX|F16C|FMA|BMI|AMX|NEON|ARM_|SVE|DOTPROD|MATMUL|FP16|VSX|LASX|LSX|RVV|WASM)/.test(f)).join(' ')
}

/**
 * This machine's instruction-set flags (Linux), compared with the ones the addon was built on: a
 * build copied to another CPU may die on an unknown instruction. Same filter as the build script.
 */
function cpuFlags (): string | null {
  try {
    const line = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]
    return line === undefined ? null : line.split(/\s+/).filter((f) => /^(sse|ssse|avx|fma|f16c|bmi|amx|popcnt)/.test(f)).sort().join(' ')
  } catch { return null }
}

type NativeProbe = { ok: true; addon: NativeAddon; systemInfo: string } | { ok: false; reason: string }
const probes = new Map<string, NativeProbe>()

function probeNative (addonPath: string): NativeProbe {
  const cached = probes.get(addonPath)
  if (cached !== undefined) return cached
  const probe = ((): NativeProbe => {
    if (!existsSync(addonPath)) {
      const failed = addonPath.replace(/ringlead_whisper\.node$/, 'build-failed.txt')
      const why = existsSync(failed) ? readFileSync(failed, 'utf8').trim() : 'never built (run npm run build:native)'
      return { ok: false, reason: `native build absent at ${addonPath}: ${why}` }
    }
    const builtOn = addonPath.replace(/ringlead_whisper\.node$/, 'cpu-flags.txt')
    const here = cpuFlags()
    if (existsSync(builtOn) && here !== null && readFileSync(builtOn, 'utf8').trim() !== here) {
      return { ok: false, reason: 'native build was made on a CPU with other instruction sets (rebuild: npm run build:native)' }
    }
    try {
      const addon = requireNative(addonPath) as NativeAddon
      return { ok: true, addon, systemInfo: addon.systemInfo().trim() }
    } catch (err) {
      return { ok: false, reason: `native build does not load: ${err instanceof Error ? err.message : String(err)}` }
    }
  })()
  probes.set(addonPath, probe)
  return probe
}

const prebuiltInfo = (fallbackReason?: string): EngineInfo => ({
  kind: 'prebuilt',
  name: 'whisper.cpp prebuilt (@fugood/whisper.node, portable, no AVX)',
  instructionSets: 'portable (SSE only)',
  systemInfo: '',
  sharesModel: false,
  ...(fallbackReason === undefined ? {} : { fallbackReason })
})

/** The native addon itself (quantizing, timing); throws why it cannot be used. */
export function nativeAddon (addonPath = defaultAddonPath()): NativeAddon {
  const probe = probeNative(addonPath)
  if (!probe.ok) throw new Error(`the ${probe.reason}`)
  return probe.addon
}

/** Which engine `openWhisperEngine` would run with these settings (no model is loaded). */
export function describeEngine (choice: EngineChoice = 'auto', addonPath = defaultAddonPath()): EngineInfo {
  if (choice === 'prebuilt') return prebuiltInfo()
  const probe = probeNative(addonPath)
  if (!probe.ok) {
    if (choice === 'native') throw new Error(`speech engine "native" was asked for, but the ${probe.reason}`)
    return prebuiltInfo(probe.reason)
  }
  const sets = enabledFeatures(probe.systemInfo)
  return { kind: 'native', name: `whisper.cpp native (${sets})`, instructionSets: sets, systemInfo: probe.systemInfo, sharesModel: true }
}

/** The one line a daemon logs at start about transcription. */
export function engineLogLine (info: EngineInfo): string {
  return info.kind === 'native'
    ? `speech engine: whisper.cpp built for this CPU, ${info.instructionSets}; one loaded model serves concurrent calls`
    : `speech engine: prebuilt portable whisper.cpp (no AVX, several times slower)${info.fallbackReason === undefined ? ', as configured' : ` because the ${info.fallbackReason}`}`
}

export async function openWhisperEngine (opts: WhisperOptions): Promise<SpeechEngine> {
  const addonPath = opts.addonPath ?? defaultAddonPath()
  const info = describeEngine(opts.engine ?? 'auto', addonPath)
  return info.kind === 'native' ? await openNative(opts, info, addonPath) : await openPrebuilt(opts, info)
}

async function openNative (opts: WhisperOptions, info: EngineInfo, addonPath: string): Promise<SpeechEngine> {
  const probe = probeNative(addonPath)
  if (!probe.ok) throw new Error(probe.reason)
  const { addon } = probe
  const model = await addon.load(opts.modelPath, opts.flashAttn ?? true)
  return {
    name: info.name,
    info,
    async transcribe (samples, language) {
      const r = await addon.transcribe(model, samples, language, opts.threads, opts.limits?.maxContextTokens ?? -1, opts.limits?.maxSegmentChars ?? 0, opts.audioCtx ?? 0)
      return { language: r.language !== '' ? r.language : language, segments: r.segments }
    },
    async close () { addon.free(model) }
  }
}

async function openPrebuilt (opts: WhisperOptions, info: EngineInfo): Promise<SpeechEngine> {
  const ctx = await initWhisper({ filePath: opts.modelPath, useGpu: false })
  return {
    name: info.name,
    info,
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
