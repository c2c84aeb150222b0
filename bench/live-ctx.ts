// Step 27: live alerts on a base-sized f16 model with whisper.cpp's whole 30 s encoder window (what
// step 26 measures) and with the live window's own frames (audio_ctx, the daemon's default), round
// by round so both see the same load: one window's encoder time (the addon's own count), one window
// through the live engine, then phrase → alert with each window paying whisper's real cost.
import { loadavg } from 'node:os'
import { readFileSync } from 'node:fs'
import { liveAudioCtx } from '../src/domain/live-transcript.js'
import { wavToChannels } from '../src/speech/audio.js'
import { nativeAddon } from '../src/speech/engine.js'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { LiveProcessEngine } from '../src/speech/live-engine.js'
import { fixtureDir, spoken } from '../test/helpers/speech.js'
import { costedEngine, phraseToAlert, whisperWindowMs } from './live.js'
import { modelShapes } from './speech-engine.js'
import { percentiles } from './stats.js'

export async function benchLiveAudioCtx (): Promise<Record<string, string>> {
  const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ')
  const out: Record<string, string> = { 'load (1/5/15 min) at start': load() }
  const model = `${fixtureDir}/bench-live-base-f16.bin`
  await writeRandomWhisperModel(model, modelShapes['base-sized (512 wide, 6+6 layers)']!)
  const rounds = Number(process.env.RINGLEAD_BENCH_LIVE_ROUNDS ?? 5)
  const variants = [{ label: 'whole 30 s (audioCtx 0)', audioCtx: 0 }, { label: `live window (audioCtx ${liveAudioCtx(4000, true)})`, audioCtx: liveAudioCtx(4000, true) }]
  const figures = variants.map(() => ({ encodeMs: [] as number[], windowMs: [] as number[], alertMs: [] as number[] }))
  const window = wavToChannels(readFileSync(spoken('bench-live', 'Good afternoon, thank you for calling, you idiot, how can I help you today', 'en')))[0]!.slice(0, 4 * 16_000)
  const addon = nativeAddon()
  const loaded = await addon.load(model, true)
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, v] of variants.entries()) {
        const f = figures[i]!
        f.encodeMs.push((await addon.transcribe(loaded, window, 'en', 2, -1, 0, v.audioCtx)).stats.encodeMs)
        f.windowMs.push(...await whisperWindowMs(1, model, v.audioCtx))
        const real = new LiveProcessEngine({ modelPath: model, threads: 2, audioCtx: v.audioCtx, nice: 0, deadlineMs: 120_000 })
        const engine = costedEngine(real)
        try {
          await real.transcribe(new Int16Array(16_000), 'en') // loads the model
          f.alertMs.push(...await phraseToAlert(1, 1, engine, 60_000))
        } finally { await engine.close() }
      }
    }
  } finally { addon.free(loaded) }
  const p = (xs: number[]): string => { const q = percentiles(xs); return `${q.p50.toFixed(0)} / ${Math.max(...xs).toFixed(0)}` }
  for (const [i, v] of variants.entries()) {
    const f = figures[i]!
    out[`${v.label}: encoder, one 4 s window (2 threads) p50 / max ms`] = p(f.encodeMs)
    out[`${v.label}: one 4 s window through the live engine p50 / max ms`] = p(f.windowMs)
    out[`${v.label}: phrase end → console alert, 1 call (both parties talking) p50 / max ms (${rounds} rounds)`] = p(f.alertMs)
  }
  out['phrase end → console alert per round, whole / live window, ms'] = figures[0]!.alertMs.map((ms, r) => `${ms.toFixed(0)} / ${figures[1]!.alertMs[r]!.toFixed(0)}`).join(', ')
  const ratios = figures[1]!.encodeMs.map((ms, r) => ms / figures[0]!.encodeMs[r]!)
  out['encoder ratio live window / whole, per round'] = ratios.map((x) => x.toFixed(2)).join(' ')
  out['load (1/5/15 min) at end'] = load()
  out.target = '≤ 5000 ms'
  return out
}
