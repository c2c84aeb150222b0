// Transcription speed: ringlead's path (worker process, WAV decode, the native engine, the reply)
// against whisper.cpp's own command-line tool built for this CPU, on the same file, model, threads
// and decoding limits, runs interleaved (A B A B ...); and the native engine against the prebuilt one.
// The CLI is built outside the project from whisper.cpp's public source; its path comes from
// RINGLEAD_BENCH_WHISPER_CLI (the comparison is skipped, saying so, without it).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { speechWorkerEnv } from '../src/config.js'
import { describeEngine } from '../src/speech/engine.js'
import { writeRandomWhisperModel, type RandomModelShape } from '../src/speech/ggml-model.js'
import { WorkerTranscriber } from '../src/speech/transcriber.js'
import { toneWav } from './tone-wav.js'

const run = promisify(execFile)
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2 }

/** Whisper's own tiny and base shapes (width, heads, layers), random weights. */
export const modelShapes: Record<string, RandomModelShape> = {
  'tiny-sized (384 wide, 4+4 layers)': { state: 384, heads: 6, audioLayers: 4, textLayers: 4, seed: 7 },
  'base-sized (512 wide, 6+6 layers)': { state: 512, heads: 8, audioLayers: 6, textLayers: 6, seed: 7 }
}


interface CliRun { wallMs: number; totalMs: number; loadMs: number; encodeMs: number; encodeRuns: number }

/** One CLI run: its own timings (load, encode, total) from whisper_print_timings. */
async function cliOnce (cli: string, model: string, audio: string, threads: number): Promise<CliRun> {
  // Greedy, no temperature fallback, language fixed: the engine's decoding settings; the workers' environment (OpenMP threads sleep while waiting).
  const t0 = performance.now()
  const { stderr } = await run(cli, ['-m', model, '-f', audio, '-t', String(threads), '-l', 'en', '-bs', '1', '-bo', '1', '-nf'], { maxBuffer: 16 * 1024 * 1024, env: speechWorkerEnv() })
  const wallMs = performance.now() - t0
  const time = (label: string): number => Number(new RegExp(`${label} time =\\s*([0-9.]+) ms`).exec(stderr)?.[1] ?? NaN)
  const encodeRuns = Number(/encode time =\s*[0-9.]+ ms \/\s*(\d+) runs/.exec(stderr)?.[1] ?? NaN)
  return { wallMs, totalMs: time('total'), loadMs: time('load'), encodeMs: time('encode'), encodeRuns }
}

async function ourOnce (t: WorkerTranscriber, audio: string): Promise<number> {
  const t0 = performance.now()
  await t.transcribe([{ speaker: 'caller', path: audio }], 'en')
  return performance.now() - t0
}

export async function benchEngine (pairs = 5): Promise<Record<string, string>> {
  const cli = process.env.RINGLEAD_BENCH_WHISPER_CLI
  const threads = Number(process.env.RINGLEAD_BENCH_WHISPER_THREADS ?? 2)
  const seconds = 10
  const info = describeEngine('auto')
  const out: Record<string, string> = {
    'engine': `${info.name}${info.fallbackReason === undefined ? '' : ` (fallback: ${info.fallbackReason})`}`,
    'audio': `${seconds} s, 16 kHz mono, one track; ${threads} threads; greedy, temperature 0, no fallback, language en`,
    'load (1/5/15 min) at start': loadavg().map((l) => l.toFixed(1)).join(' / ') + ` on ${availableParallelism()} cores`
  }
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-engine-bench-'))
  try {
    const audio = join(dir, 'track.wav')
    writeFileSync(audio, toneWav(16000, seconds, 3))
    for (const [label, shape] of Object.entries(modelShapes)) {
      const model = join(dir, `ggml-${shape.state}.bin`)
      await writeRandomWhisperModel(model, shape)
      const ours = new WorkerTranscriber({ modelPath: model, threads, workers: 1, engine: 'auto' })
      try {
        await ours.transcribe([{ speaker: 'caller', path: audio }], 'en') // loads the model
        if (cli === undefined || cli === '') {
          const ms = [await ourOnce(ours, audio), await ourOnce(ours, audio)]
          out[`${label}: ringlead ms (median of 2)`] = median(ms).toFixed(0)
          out[`${label}: whisper.cpp CLI`] = 'skipped: set RINGLEAD_BENCH_WHISPER_CLI to a whisper-cli built for this CPU'
          continue
        }
        await cliOnce(cli, model, audio, threads) // warm the file cache
        const ratios: number[] = []
        const a: number[] = []
        const b: CliRun[] = []
        for (let i = 0; i < pairs; i++) {
          a.push(await ourOnce(ours, audio))
          b.push(await cliOnce(cli, model, audio, threads))
          // The CLI loads the model on each run; ringlead's worker holds it: compare the work after loading.
          ratios.push(a.at(-1)! / (b.at(-1)!.totalMs - b.at(-1)!.loadMs))
        }
        const cliWork = b.map((r) => r.totalMs - r.loadMs)
        const perWindow = median(b.map((r) => r.encodeMs / r.encodeRuns))
        out[`${label}: ringlead ms per run (median)`] = median(a).toFixed(0)
        out[`${label}: CLI ms after model load (median; whole process ${median(b.map((r) => r.wallMs)).toFixed(0)})`] = median(cliWork).toFixed(0)
        out[`${label}: ratios per pair`] = ratios.map((r) => r.toFixed(2)).join(' ')
        out[`${label}: median ratio ringlead / CLI (target ≤ 1.1)`] = median(ratios).toFixed(3)
        out[`${label}: encoder per 30 s window (CLI timings), ms`] = `${perWindow.toFixed(0)} (${b[0]!.encodeRuns} windows a run: the random model's segments end every 2–8 s)`
        out[`${label}: real-time factor, ringlead path`] = (median(a) / (seconds * 1000)).toFixed(3)
      } finally { await ours.close() }
    }
    out['load (1/5/15 min) at end'] = loadavg().map((l) => l.toFixed(1)).join(' / ')
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Native build against the prebuilt one, interleaved, on the tiny-sized model (the base-sized one takes minutes a run on the prebuilt). */
export async function benchNativeVsPrebuilt (pairs = 3): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-engine-bench-'))
  try {
    const audio = join(dir, 'track.wav')
    writeFileSync(audio, toneWav(16000, 10, 3))
    const model = join(dir, 'ggml-tiny-sized.bin')
    await writeRandomWhisperModel(model, modelShapes['tiny-sized (384 wide, 4+4 layers)']!)
    const threads = Number(process.env.RINGLEAD_BENCH_WHISPER_THREADS ?? 2)
    const native = new WorkerTranscriber({ modelPath: model, threads, workers: 1, engine: 'native' })
    const prebuilt = new WorkerTranscriber({ modelPath: model, threads, workers: 1, engine: 'prebuilt' })
    try {
      await native.transcribe([{ speaker: 'caller', path: audio }], 'en')
      await prebuilt.transcribe([{ speaker: 'caller', path: audio }], 'en')
      const ratios: number[] = []
      for (let i = 0; i < pairs; i++) {
        const p = await ourOnce(prebuilt, audio)
        const n = await ourOnce(native, audio)
        ratios.push(p / n)
      }
      return {
        'model': 'tiny-sized random weights; 10 s, 16 kHz; ' + `${threads} threads`,
        'prebuilt / native per pair': ratios.map((r) => r.toFixed(2)).join(' '),
        'median speed-up of the native build': median(ratios).toFixed(2),
        'load (1 min)': loadavg()[0]!.toFixed(1)
      }
    } finally { await Promise.all([native.close(), prebuilt.close()]) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
