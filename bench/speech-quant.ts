// What flash attention and quantized weights change on a base-sized model: the encoder's time per
// 30 s window (one pass, timed alone) and a whole 10 s file (encoder windows, decoding, tokens),
// variants interleaved round by round (A B C D A B C D …) so the machine's drift cancels.
// In one process on the native engine, with the workers' OpenMP setting.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { nativeAddon } from '../src/speech/engine.js'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { modelShapes } from './speech-engine.js'

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2 }
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ')

/** A 220 Hz tone with a slow swell: not silence, so every window is encoded and decoded. */
function tone (seconds: number): Int16Array {
  const s = new Int16Array(16000 * seconds)
  for (let i = 0; i < s.length; i++) s[i] = Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / 16000) * (0.6 + 0.4 * Math.sin(i / 8000)))
  return s
}

interface Variant { label: string; file: string; flashAttn: boolean; threads: number; model?: object; encode: number[]; encodeCpu: number[]; whole: number[]; wholeCpu: number[]; perToken: number[]; tokens: number[]; runs: number[]; text?: string }

/** CPU time of this process (all of whisper.cpp's threads) spent in `work`, in ms: what a window costs the machine, less inflated by other load than wall time. */
async function cpuMs<T> (work: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const before = process.cpuUsage()
  const result = await work()
  const d = process.cpuUsage(before)
  return { result, cpu: (d.user + d.system) / 1000 }
}

export async function benchQuantized (rounds = Number(process.env.RINGLEAD_BENCH_QUANT_ROUNDS ?? 4)): Promise<Record<string, string>> {
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE'
  const threads = Number(process.env.RINGLEAD_BENCH_WHISPER_THREADS ?? 2)
  const addon = nativeAddon()
  const out: Record<string, string> = {
    'model': `base-sized (512 wide, 6+6 layers), random weights; ${threads} threads; native engine`,
    'load (1/5/15 min) at start': `${load()} on ${availableParallelism()} cores`
  }
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-quant-bench-'))
  try {
    const f16 = join(dir, 'ggml-base-f16.bin')
    await writeRandomWhisperModel(f16, modelShapes['base-sized (512 wide, 6+6 layers)']!)
    for (const type of ['q8_0', 'q5_1']) {
      const t0 = performance.now()
      const q = await addon.quantize(f16, join(dir, `ggml-base-${type}.bin`), type)
      out[`quantize to ${type}`] = `${(q.bytesIn / 1_048_576).toFixed(1)} → ${(q.bytesOut / 1_048_576).toFixed(1)} MB, ${q.quantized} of ${q.tensors} tensors, ${(performance.now() - t0).toFixed(0)} ms`
    }
    const variants: Variant[] = [
      { label: 'f16, flash attention on', file: f16, flashAttn: true, threads },
      { label: 'f16, flash attention off', file: f16, flashAttn: false, threads },
      { label: 'q8_0, flash attention on', file: join(dir, 'ggml-base-q8_0.bin'), flashAttn: true, threads },
      { label: 'q5_1, flash attention on', file: join(dir, 'ggml-base-q5_1.bin'), flashAttn: true, threads },
      // CPU per window with one thread a call (4 calls × 1 thread on 4 cores instead of 2 × 2).
      { label: 'f16, flash attention on, 1 thread', file: f16, flashAttn: true, threads: 1 },
      { label: 'q8_0, flash attention on, 1 thread', file: join(dir, 'ggml-base-q8_0.bin'), flashAttn: true, threads: 1 }
    ].filter((v) => threads !== 1 || !v.label.endsWith('1 thread')).map((v) => ({ ...v, encode: [], encodeCpu: [], whole: [], wholeCpu: [], perToken: [], tokens: [], runs: [] }))
    const window = tone(30)
    const file = tone(10)
    for (const v of variants) {
      v.model = await addon.load(v.file, v.flashAttn)
      await addon.encodeWindow(v.model, window, v.threads) // warms the threads and caches
      v.text = (await addon.transcribe(v.model, file, 'en', v.threads, 64, 0)).segments.map((s) => s.text).join('')
    }
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const { result: e, cpu: eCpu } = await cpuMs(async () => await addon.encodeWindow(v.model!, window, v.threads))
        v.encode.push(e.encodeMs)
        v.encodeCpu.push(eCpu)
        const { result: w, cpu: wCpu } = await cpuMs(async () => await addon.transcribe(v.model!, file, 'en', v.threads, 64, 0))
        v.whole.push(w.stats.ms)
        v.wholeCpu.push(wCpu)
        v.runs.push(w.stats.encoderRuns)
        v.tokens.push(w.stats.tokens)
        // Decoding's share in CPU time: the whole run less its encoder windows at this round's cost of one.
        v.perToken.push((wCpu - w.stats.encoderRuns * eCpu) / Math.max(1, w.stats.tokens))
      }
      console.log(`   round ${r + 1}/${rounds}: encoder ms ${variants.map((v) => v.encode.at(-1)!.toFixed(0)).join(' ')}, encoder CPU ms ${variants.map((v) => v.encodeCpu.at(-1)!.toFixed(0)).join(' ')}, whole ms ${variants.map((v) => v.whole.at(-1)!.toFixed(0)).join(' ')} (load ${load()})`)
    }
    const base = variants[0]!
    for (const v of variants) {
      const ratios = v.encode.map((ms, i) => ms / base.encode[i]!)
      out[`${v.label}: encoder per 30 s window, ms (median; per round)`] = `${median(v.encode).toFixed(0)} (${v.encode.map((x) => x.toFixed(0)).join(' ')})`
      if (v !== base) out[`${v.label}: encoder / f16-on, per round → median`] = `${ratios.map((x) => x.toFixed(2)).join(' ')} → ${median(ratios).toFixed(2)}`
      const wholeRatios = v.whole.map((ms, i) => ms / base.whole[i]!)
      out[`${v.label}: whole 10 s file, ms (median; windows, tokens)`] = `${median(v.whole).toFixed(0)} (${median(v.runs)} windows, ${median(v.tokens)} tokens)`
      if (v !== base) out[`${v.label}: whole file / f16-on, per round → median`] = `${wholeRatios.map((x) => x.toFixed(2)).join(' ')} → ${median(wholeRatios).toFixed(2)}`
      const cpuRatios = v.encodeCpu.map((ms, i) => ms / base.encodeCpu[i]!)
      out[`${v.label}: encoder CPU ms per 30 s window (median; per round)`] = `${median(v.encodeCpu).toFixed(0)} (${v.encodeCpu.map((x) => x.toFixed(0)).join(' ')})`
      if (v !== base) out[`${v.label}: encoder CPU / f16-on, per round → median`] = `${cpuRatios.map((x) => x.toFixed(2)).join(' ')} → ${median(cpuRatios).toFixed(2)}`
      out[`${v.label}: whole 10 s file, CPU ms (median)`] = median(v.wholeCpu).toFixed(0)
      out[`${v.label}: decoding, CPU ms per token (median)`] = median(v.perToken).toFixed(1)
      out[`${v.label}: same transcript as f16 with flash attention`] = v.text === base.text ? 'yes' : `no (${v.text!.length} vs ${base.text!.length} characters)`
    }
    for (const v of variants) addon.free(v.model!)
    out['load (1/5/15 min) at end'] = load()
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
