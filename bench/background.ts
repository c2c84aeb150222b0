// Background work never slows a call: call set-up p99 with nothing to transcribe (A) against two
// transcriptions running all the time (B, workers at the default lowest priority: nice 19 and
// SCHED_IDLE) and, for reference, the same at the daemon's own priority (C). A and B are the same
// daemon on the same database: the model configured, the same calls of yesterday, their jobs done
// (A) or pending (B); live alerts are off in all three unless `live` says otherwise (they are
// call-time work, not background; with them on, A and B both have them).
// Runs interleave A B C A B C so the machine's other load falls on all alike; the p99s are pooled
// over the rounds and B − A comes with a bootstrap interval. Daemon here, simulator in a child process.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import wavefile from 'wavefile'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { startBenchWorld } from './bench-world.js'
import { seedTranscriptionBacklog } from './speech.js'
import { percentiles, printFigures, quantileDifference, seeded, signed } from './stats.js'

const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')
const JOBS = 200

/** 8 kHz mono noise and tone: a phone track long enough to keep whisper busy. */
function phoneWav (seconds: number): Buffer {
  const random = seeded(5)
  const samples = new Int16Array(8000 * seconds)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(i / (7 + (i >> 12) % 5)) * 6000 + (random() - 0.5) * 3000)
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, 8000, '16', samples)
  return Buffer.from(wav.toBuffer())
}

type Background = 'none' | 'low' | 'normal'
interface Run { setupMs: number[]; placed: number; transcribing: number; transcribed: number; loopMaxMs: number }

async function oneRun (modelPath: string, track: Buffer, background: Background, seconds: number, live: 'off' | 'auto'): Promise<Run> {
  const w = await startBenchWorld({
    operators: 200,
    behaviour: { kind: 'answer', afterMs: 20, hangupAfterMs: 1000 },
    config: { speech: { modelPath, concurrency: 2, threads: 2, pollMs: 200, nice: background === 'normal' ? 0 : 19, live } },
    seed: (dbPath, dir) => { seedTranscriptionBacklog(dbPath, dir, track, JOBS, background === 'none' ? 'done' : 'pending') }
  })
  try {
    // Both workers have loaded the model and are transcribing before the measured window.
    const deadline = Date.now() + 60_000
    while (background !== 'none' && w.daemon.transcription.running < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const load = { cmd: 'closed' as const, concurrency: 10, staggerMs: 1000, thinkMs: 100, dids: w.dids, callerHangupAfterMs: 30_000 }
    await w.sim.load({ ...load, durationMs: 2000 }, 60_000)
    const doneBefore = w.daemon.speechRepo.counts().done
    const loop = monitorEventLoopDelay({ resolution: 1 })
    loop.enable()
    const r = await w.sim.load({ ...load, durationMs: seconds * 1000 }, 120_000)
    loop.disable()
    return {
      setupMs: r.setupMs, placed: r.placed, transcribing: w.daemon.transcription.running,
      transcribed: w.daemon.speechRepo.counts().done - doneBefore, loopMaxMs: loop.max / 1e6
    }
  } finally {
    await w.close()
  }
}

export async function benchBackground (o: { rounds?: number | undefined; seconds?: number | undefined; live?: 'off' | 'auto' | undefined } = {}): Promise<Record<string, string>> {
  const rounds = o.rounds ?? 2
  const live = o.live ?? 'off'
  const seconds = o.seconds ?? 12
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-background-'))
  try {
    const modelPath = join(dir, 'ggml-random.bin')
    await writeRandomWhisperModel(modelPath)
    const track = phoneWav(30)
    const all: Record<Background, number[]> = { none: [], low: [], normal: [] }
    const transcribed: Record<Background, number> = { none: 0, low: 0, normal: 0 }
    const perRun: string[] = []
    const loads: string[] = []
    for (let i = 0; i < rounds; i++) {
      for (const kind of ['none', 'low', 'normal'] as const) {
        loads.push(loadavg()[0]!.toFixed(1))
        const r = await oneRun(modelPath, track, kind, seconds, live)
        all[kind].push(...r.setupMs)
        transcribed[kind] += r.transcribed
        const p = percentiles(r.setupMs)
        const label = kind === 'none' ? 'A' : kind === 'low' ? 'B' : 'C'
        perRun.push(`${label}: ${ms(p.p50)}/${ms(p.p99)}, loop max ${ms(r.loopMaxMs)} (${r.placed} calls${kind === 'none' ? '' : `, ${r.transcribed} transcribed, ${r.transcribing} in hand at the end`})`)
      }
    }
    const [a, b, c] = [percentiles(all.none), percentiles(all.low), percentiles(all.normal)]
    const d = quantileDifference(all.low, all.none)
    return {
      'load': `10 callers in a closed loop for ${seconds} s per run, 1 s talk, 200 operators; the same ${JOBS} calls of 30 s audio seeded in all, their jobs done in A, pending in B and C (2 transcribing at once, 2 threads each, random-weight model); live alerts ${live === 'off' ? 'off' : 'on (auto), in all three'}`,
      'runs in order, setup p50/p99 ms, event-loop delay max ms': perRun.join('; '),
      'load average (1 min) before each run': loads.join(' '),
      'A nothing to transcribe: setup p50 / p99 ms': `${ms(a.p50)} / ${ms(a.p99)} (${a.n} calls)`,
      'B two transcriptions at nice 19 (default): setup p50 / p99 ms': `${ms(b.p50)} / ${ms(b.p99)} (${b.n} calls, ${transcribed.low} transcribed meanwhile)`,
      'C two transcriptions at nice 0: setup p50 / p99 ms': `${ms(c.p50)} / ${ms(c.p99)} (${c.n} calls, ${transcribed.normal} transcribed meanwhile)`,
      'setup p99 ms: B − A (95 % bootstrap interval over calls)': `${signed(d.diff, 2)} (${signed(d.low, 2)} … ${signed(d.high, 2)}); target ≤ +1`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A p99 of ~220 calls is their second-worst: RINGLEAD_BENCH_BACKGROUND_ROUNDS and _SECONDS give more
  // calls. RINGLEAD_BENCH_BACKGROUND_LIVE=auto runs all three with live alerts as a model turns them on.
  const live = process.env.RINGLEAD_BENCH_BACKGROUND_LIVE
  if (live !== undefined && live !== 'off' && live !== 'auto') throw new Error(`RINGLEAD_BENCH_BACKGROUND_LIVE must be off or auto, not ${live}`)
  const env = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]))
  printFigures('background work: call set-up with nothing to transcribe vs two transcriptions', await benchBackground({ rounds: env('RINGLEAD_BENCH_BACKGROUND_ROUNDS'), seconds: env('RINGLEAD_BENCH_BACKGROUND_SECONDS'), live }))
  process.exit(0)
}
