// Background work never slows a call: call set-up p99 with nothing in the background (A) against two
// transcriptions running all the time (B, workers at the default lowest priority: nice 19 and
// SCHED_IDLE) and, for reference,
// the same at the daemon's own priority (C). Runs interleave A B C A B C so the machine's other
// load falls on all alike. Daemon here, simulator in a child process.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import wavefile from 'wavefile'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { startBenchWorld } from './bench-world.js'
import { seedTranscriptionBacklog } from './speech.js'
import { percentiles, printFigures, seeded } from './stats.js'

const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')

/** 8 kHz mono noise and tone: a phone track long enough to keep whisper busy. */
function phoneWav (seconds: number): Buffer {
  const random = seeded(5)
  const samples = new Int16Array(8000 * seconds)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(i / (7 + (i >> 12) % 5)) * 6000 + (random() - 0.5) * 3000)
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, 8000, '16', samples)
  return Buffer.from(wav.toBuffer())
}

interface Run { setupMs: number[]; placed: number; transcribing: number }

async function oneRun (modelPath: string, track: Buffer, background: 'none' | 'low' | 'normal', seconds: number): Promise<Run> {
  const jobs = background === 'none' ? 0 : 200
  const w = await startBenchWorld({
    operators: 200,
    behaviour: { kind: 'answer', afterMs: 20, hangupAfterMs: 1000 },
    config: { speech: background === 'none' ? {} : { modelPath, concurrency: 2, threads: 2, pollMs: 200, nice: background === 'low' ? 19 : 0 } },
    seed: (dbPath, dir) => { seedTranscriptionBacklog(dbPath, dir, track, jobs) }
  })
  try {
    // Both workers have loaded the model and are transcribing before the measured window.
    const deadline = Date.now() + 60_000
    while (background !== 'none' && w.daemon.transcription.running < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const load = { cmd: 'closed' as const, concurrency: 10, staggerMs: 1000, thinkMs: 100, dids: w.dids, callerHangupAfterMs: 30_000 }
    await w.sim.load({ ...load, durationMs: 2000 }, 60_000)
    const r = await w.sim.load({ ...load, durationMs: seconds * 1000 }, 120_000)
    return { setupMs: r.setupMs, placed: r.placed, transcribing: w.daemon.transcription.running }
  } finally {
    await w.close()
  }
}

export async function benchBackground (o: { rounds?: number | undefined; seconds?: number | undefined } = {}): Promise<Record<string, string>> {
  const rounds = o.rounds ?? 2
  const seconds = o.seconds ?? 12
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-background-'))
  try {
    const modelPath = join(dir, 'ggml-random.bin')
    await writeRandomWhisperModel(modelPath)
    const track = phoneWav(30)
    const all: Record<'none' | 'low' | 'normal', number[]> = { none: [], low: [], normal: [] }
    const perRun: string[] = []
    const loads: string[] = []
    for (let i = 0; i < rounds; i++) {
      for (const kind of ['none', 'low', 'normal'] as const) {
        loads.push(loadavg()[0]!.toFixed(1))
        const r = await oneRun(modelPath, track, kind, seconds)
        all[kind].push(...r.setupMs)
        const p = percentiles(r.setupMs)
        perRun.push(`${kind === 'none' ? 'A' : kind === 'low' ? 'B' : 'C'}: ${ms(p.p50)}/${ms(p.p99)} (${r.placed} calls${kind === 'none' ? '' : `, ${r.transcribing} transcribing at the end`})`)
      }
    }
    const a = percentiles(all.none)
    const b = percentiles(all.low)
    const c = percentiles(all.normal)
    return {
      'load': `10 callers in a closed loop for ${seconds} s per run, 1 s talk, 200 operators; B and C: 200 jobs of 30 s audio queued, 2 transcribing at once (2 threads each, random-weight model)`,
      'runs in order, setup p50/p99 ms': perRun.join('; '),
      'load average (1 min) before each run': loads.join(' '),
      'A idle: setup p50 / p99 ms': `${ms(a.p50)} / ${ms(a.p99)} (${a.n} calls)`,
      'B two transcriptions at nice 19 (default): setup p50 / p99 ms': `${ms(b.p50)} / ${ms(b.p99)} (${b.n} calls)`,
      'C two transcriptions at nice 0: setup p50 / p99 ms': `${ms(c.p50)} / ${ms(c.p99)} (${c.n} calls)`,
      'setup p99 ms: idle | two transcriptions (difference)': `${ms(a.p99)} | ${ms(b.p99)} (${b.p99 - a.p99 >= 0 ? '+' : ''}${ms(b.p99 - a.p99)}; target ≤ 1)`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A p99 of ~220 calls is their second-worst: RINGLEAD_BENCH_BACKGROUND_ROUNDS and _SECONDS give more calls.
  const env = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]))
  printFigures('background work: call set-up idle vs two transcriptions', await benchBackground({ rounds: env('RINGLEAD_BENCH_BACKGROUND_ROUNDS'), seconds: env('RINGLEAD_BENCH_BACKGROUND_SECONDS') }))
  process.exit(0)
}
