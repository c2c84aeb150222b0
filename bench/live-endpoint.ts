// Step 28: live alerts on a base-sized f16 model (the live window's own encoder length, the daemon's
// default), round by round so all see the same load: as before (windows every 3 s, each window asked
// in 'auto' and so paying whisper.cpp's language detection on a whole 30 s encoder pass), with
// endpointing alone, with endpointing and the language the call's first window detects kept (the
// daemon's default), and with a language named (tracking number, category or default): phrase end →
// console alert, and where the time went (the alerting window's way).
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { liveAudioCtx } from '../src/domain/live-transcript.js'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { LiveProcessEngine } from '../src/speech/live-engine.js'
import { fixtureDir } from '../test/helpers/speech.js'
import { costedEngine, phraseToAlert, type AlertTrace } from './live.js'
import { modelShapes } from './speech-engine.js'
import { percentiles } from './stats.js'

export async function benchLiveEndpoint (): Promise<Record<string, string>> {
  const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ')
  const out: Record<string, string> = { 'load (1/5/15 min) at start': load() }
  // The random base-sized model is the same for a seed: one written by an earlier run may be named.
  const model = process.env.RINGLEAD_BENCH_BASE_MODEL ?? `${fixtureDir}/bench-live-base-f16.bin`
  if (!existsSync(model)) await writeRandomWhisperModel(model, modelShapes['base-sized (512 wide, 6+6 layers)']!)
  const rounds = Number(process.env.RINGLEAD_BENCH_LIVE_ROUNDS ?? 5)
  // The addon as it was (a build of the previous binding.cc) for the first two, when named.
  const oldAddon = process.env.RINGLEAD_BENCH_OLD_ADDON
  const old = oldAddon === undefined ? {} : { addonPath: oldAddon }
  const variants = [
    { label: `before: every 3 s, auto each window${oldAddon === undefined ? '' : ', old addon'}`, endpointMs: 0, everyWindowAuto: true, language: 'auto' as const, ...old },
    { label: `endpointing 400 ms, auto each window${oldAddon === undefined ? '' : ', old addon'}`, endpointMs: 400, everyWindowAuto: true, language: 'auto' as const, ...old },
    { label: 'after: endpointing, auto detected once', endpointMs: 400, everyWindowAuto: false, language: 'auto' as const },
    { label: 'after, language named (en)', endpointMs: 400, everyWindowAuto: false, language: 'en' as const }
  ]
  const figures = variants.map(() => ({ alertMs: [] as number[], traces: [] as AlertTrace[], loads: [] as string[] }))
  const audioCtx = liveAudioCtx(4000, true)
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      const f = figures[i]!
      const real = new LiveProcessEngine({ modelPath: model, threads: 2, audioCtx, nice: 0, deadlineMs: 120_000, ...('addonPath' in v ? { addonPath: v.addonPath } : {}) })
      // As before the call's language was kept: every window asks whisper.cpp to detect it.
      const engine = costedEngine(v.everyWindowAuto ? { name: real.name, transcribe: async (samples) => await real.transcribe(samples, 'auto'), close: async () => { await real.close() } } : real)
      try {
        await real.transcribe(new Int16Array(16_000), 'en') // loads the model
        f.loads.push(loadavg()[0]!.toFixed(1))
        f.alertMs.push(...await phraseToAlert(1, 1, engine, 60_000, { liveEndpointMs: v.endpointMs, language: v.language }, f.traces))
      } finally { await engine.close() }
    }
  }
  const p = (xs: number[]): string => { const q = percentiles(xs); return `${q.p50.toFixed(0)} / ${Math.max(...xs).toFixed(0)}` }
  const step = (t: AlertTrace): string => `${t.reason}: heard ${t.heardMs.toFixed(0)}, cut ${t.cutMs.toFixed(0)}, engine ${t.startedMs.toFixed(0)}–${t.doneMs.toFixed(0)}, alert ${t.alertMs.toFixed(0)}, feed ${t.feedMs.toFixed(0)}`
  for (const [i, v] of variants.entries()) {
    const f = figures[i]!
    out[`${v.label}: phrase end → console alert p50 / max ms (${rounds} rounds)`] = p(f.alertMs)
    out[`${v.label}: per round ms (load 1 min)`] = f.alertMs.map((ms, r) => `${ms.toFixed(0)} (${f.loads[r]})`).join(', ')
    out[`${v.label}: the alerting window's way, ms after the phrase's end, per round`] = f.traces.map(step).join(' | ')
    out[`${v.label}: every window of the call (party, cap/endpoint, cut/engine start/end, ms after the phrase's end)`] = f.traces.map((t) => t.windows).join(' | ')
  }
  out['load (1/5/15 min) at end'] = load()
  out.target = '≤ 5000 ms'
  return out
}

if (import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '-')) {
  const { printFigures } = await import('./stats.js')
  printFigures('live alerts, endpointing', await benchLiveEndpoint())
}
