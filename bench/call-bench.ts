// Call setup through the real ARI path: the daemon in this process, the simulator in a child
// process (bench/sim-process.ts) on loopback. Setup time is StasisStart sent → operator originate
// received, both taken in the simulator's process.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import { sleep, startBenchWorld, type BenchWorld } from './bench-world.js'
import { addHistory } from './history.js'
import { CpuWindow, cpuText, pctText } from './cpu-window.js'
import { profiled, type ProfileSummary } from './profile.js'
import type { SetupReport } from './sim-process.js'
import { percentiles } from './stats.js'

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')

/** ARI 4xx/5xx answers; "unexpected" leaves out hang-up and bridge-destroy 404s (the leg was already gone, which is normal). */
function ariErrorCount (r: SetupReport): { unexpected: number; text: string } {
  let unexpected = 0
  const parts: string[] = []
  for (const [k, n] of Object.entries(r.ariErrors)) {
    parts.push(`${k}×${n}`)
    if (!/^(hangup|destroy) 404$/.test(k)) unexpected += n
  }
  return { unexpected, text: parts.join(', ') || 'none' }
}

// ---- figure 2: setup latency with 1,000 operators and 50 concurrent calls ----

export async function benchSetupLatency (operators = 1000, concurrency = 50): Promise<Record<string, string>> {
  const talkMs = 1000
  const w = await startBenchWorld({ operators, behaviour: { kind: 'answer', afterMs: 20, hangupAfterMs: talkMs } })
  try {
    // Warm-up: JIT, sqlite page cache, HTTP sockets.
    const callers = { concurrency, staggerMs: talkMs, thinkMs: 100, dids: w.dids, callerHangupAfterMs: 30_000 }
    await w.sim.load({ cmd: 'closed', durationMs: 3000, ...callers }, 60_000)
    await w.waitIdle(10_000)
    w.resetStatuses()
    const cpuWindow = new CpuWindow(w.sim.pid)
    const live: number[] = []
    const sampler = setInterval(() => { live.push(w.daemon.center.activeCalls) }, 100)
    const closed = await w.sim.load({ cmd: 'closed', durationMs: 15_000, ...callers }, 90_000).finally(() => { clearInterval(sampler) })
    const cpu = cpuWindow.read()
    const simPct = 100 * (closed.cpuUserMs + closed.cpuSystemMs) / closed.windowMs
    await w.waitIdle(10_000)
    const closedStatuses = { ...w.statuses }
    w.resetStatuses()
    const burst = await w.sim.load({ cmd: 'burst', size: concurrency, rounds: 10, dids: w.dids, callerHangupAfterMs: 30_000 }, 120_000)
    await w.waitIdle(10_000)
    const c = percentiles(closed.setupMs)
    const b = percentiles(burst.setupMs)
    const ce = ariErrorCount(closed)
    const be = ariErrorCount(burst)
    return {
      'operators': String(operators),
      'talk time per call ms': String(talkMs),
      [`${concurrency} callers, closed loop, 15 s`]: `${closed.placed} calls, ${(closed.placed / (closed.windowMs / 1000)).toFixed(1)} calls/s, live calls in the daemon mean ${(live.reduce((a, b) => a + b, 0) / Math.max(1, live.length)).toFixed(0)}, max ${Math.max(0, ...live)}`,
      '  (each caller calls again 0–100 ms after hanging up; first calls spread over the talk time)': '',
      '  setup p50 ms': ms(c.p50),
      '  setup p90 ms': ms(c.p90),
      '  setup p99 ms': ms(c.p99),
      '  setup max ms': ms(c.max),
      '  no originate': String(closed.noOriginate),
      '  call outcomes': JSON.stringify(closedStatuses),
      '  ARI errors': ce.text,
      '  CPU % daemon (main thread)': cpuText(cpu.daemonPct, cpu.daemonMainPct),
      '  CPU % sim (main thread)': cpuText(simPct, cpu.simMainPct),
      '  CPU % other load on the machine': pctText(cpu.machineBusyPct === null ? null : Math.max(0, cpu.machineBusyPct - cpu.daemonPct - simPct)),
      [`burst: ${concurrency} calls in one tick ×10`]: `${burst.placed} calls`,
      '  burst setup p50 ms': ms(b.p50),
      '  burst setup p99 ms': ms(b.p99),
      '  burst setup max ms': ms(b.max),
      '  burst no originate': String(burst.noOriginate),
      '  burst ARI errors': be.text
    }
  } finally {
    await w.close()
  }
}

// ---- figure 3: sustained call setups per second ----

export interface RampStep {
  offered: number
  achieved: number
  p50: number
  p99: number
  /** Calls that never rang an operator, or ended failed or missed. */
  errors: number
  /** ARI 4xx/5xx later in the call (bridge, snoop, record: a leg already gone), hang-up 404s not counted. */
  legErrors: number
  errorText: string
  /** % of one core: whole process, and its main (JavaScript) thread alone. */
  daemonCpu: number
  daemonMainCpu: number | null
  simCpu: number
  simMainCpu: number | null
  /** Machine CPU used by everything else, and stolen by the hypervisor, % of one core. */
  othersCpu: number | null
  stealCpu: number | null
  loopP99: number
  placed: number
  /** Main-thread CPU ms per call set up (whole call: setup, talk, hang-up, recordings). */
  daemonMainMsPerCall: number | null
  simMainMsPerCall: number | null
}

async function runStep (w: BenchWorld, rate: number, durationMs: number): Promise<RampStep> {
  w.resetStatuses()
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  const cpuWindow = new CpuWindow(w.sim.pid)
  const measured: { window: ReturnType<CpuWindow['read']> | null } = { window: null }
  const sample = (): ReturnType<CpuWindow['read']> => cpuWindow.read()
  const timer = setTimeout(() => {
    measured.window = sample()
    loop.disable()
  }, durationMs)
  let r: SetupReport
  try {
    r = await w.sim.load({ cmd: 'load', ratePerSecond: rate, durationMs, drainMs: 5000, dids: w.dids, callerHangupAfterMs: 30_000 }, durationMs + 60_000)
  } finally {
    clearTimeout(timer)
    loop.disable()
  }
  const win = measured.window ?? sample()
  await w.waitIdle(20_000)
  const p = percentiles(r.setupMs)
  const ari = ariErrorCount(r)
  const failed = (w.statuses.failed ?? 0) + (w.statuses.missed ?? 0)
  const errors = r.noOriginate + failed
  return {
    offered: rate,
    achieved: r.setupsInWindow / (r.windowMs / 1000),
    p50: p.p50,
    p99: p.p99,
    errors,
    legErrors: ari.unexpected,
    errorText: `no originate ${r.noOriginate}; outcomes ${JSON.stringify(w.statuses)}; ARI ${ari.text}`,
    daemonCpu: win.daemonPct,
    daemonMainCpu: win.daemonMainPct,
    simCpu: 100 * (r.cpuUserMs + r.cpuSystemMs) / r.windowMs,
    simMainCpu: win.simMainPct,
    othersCpu: win.machineBusyPct === null ? null : Math.max(0, win.machineBusyPct - win.daemonPct - 100 * (r.cpuUserMs + r.cpuSystemMs) / r.windowMs),
    stealCpu: win.stealPct,
    loopP99: loop.percentile(99) / 1e6,
    placed: r.placed,
    daemonMainMsPerCall: win.daemonMainPct === null ? null : win.daemonMainPct * 10 / Math.max(1e-9, r.setupsInWindow / (r.windowMs / 1000)),
    simMainMsPerCall: win.simMainPct === null ? null : win.simMainPct * 10 / Math.max(1e-9, r.setupsInWindow / (r.windowMs / 1000))
  }
}

export interface RampResult { steps: RampStep[]; skipped: number[]; profile: (ProfileSummary & { rate: number; step: RampStep }) | { error: string } | null; talkMs: number }

export async function benchThroughput (rates = [50, 100, 150, 200, 300, 400], stepMs = 10_000, operators = 1000): Promise<RampResult> {
  const talkMs = 1000
  const w = await startBenchWorld({ operators, behaviour: { kind: 'answer', afterMs: 20, hangupAfterMs: talkMs } })
  const steps: RampStep[] = []
  let skipped: number[] = []
  let profile: RampResult['profile'] = null
  try {
    // Warm-up: V8 compiles the hot paths on background threads during the first seconds of load,
    // taking a third of a core; a step measured then measures the compiler, not the daemon.
    await runStep(w, 50, 3000)
    await runStep(w, 150, 8000)
    // RINGLEAD_BENCH_HISTORY_CALLS=100000: the database holds that many calls before the ramp, as a shop's does after months.
    const history = Number(process.env.RINGLEAD_BENCH_HISTORY_CALLS ?? 0)
    if (history > 0) {
      const t0 = Date.now()
      console.log(`  history: ${addHistory(w.daemon.db, history)} calls in the database (${((Date.now() - t0) / 1000).toFixed(1)} s to copy)`)
    }
    for (const rate of rates) {
      try {
        const step = await runStep(w, rate, stepMs)
        steps.push(step)
        console.log(`  step ${rate}/s: achieved ${step.achieved.toFixed(1)}/s, p50 ${ms(step.p50)} ms, p99 ${ms(step.p99)} ms, errors ${step.errors} (+${step.legErrors} leg), ` +
          `CPU% daemon ${cpuText(step.daemonCpu, step.daemonMainCpu)}, sim ${cpuText(step.simCpu, step.simMainCpu)}, others ${pctText(step.othersCpu)}, steal ${pctText(step.stealCpu)}, daemon loop p99 ${ms(step.loopP99)} ms`)
        // Far past saturation the backlog only grows; higher rates would tell nothing more.
        if (step.achieved < 0.6 * step.offered) {
          skipped = rates.filter((r) => r > rate)
          if (skipped.length > 0) console.log(`  saturated: skipping ${skipped.join(', ')}/s`)
          break
        }
      } catch (err) {
        console.log(`  step ${rate}/s FAILED: ${(err as Error).stack ?? String(err)}`)
      }
    }
    // Profile the daemon at the first rate where it falls behind, else at the highest rate run.
    // RINGLEAD_BENCH_PROFILE_RATE profiles at a rate of one's choosing (e.g. the target's 200/s).
    const saturated = steps.find((s) => s.achieved < 0.95 * s.offered)
    const rate = Number(process.env.RINGLEAD_BENCH_PROFILE_RATE) || (saturated?.offered ?? steps.at(-1)?.offered ?? 200)
    try {
      const { result, profile: p } = await profiled(() => runStep(w, rate, 6000))
      profile = { ...p, rate, step: result }
    } catch (err) {
      profile = { error: (err as Error).message }
    }
  } finally {
    await w.close()
  }
  return { steps, skipped, profile, talkMs }
}

// ---- figure 4: memory with 1,000 operators and 500 live calls ----

function exposeGc (): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc
  if (typeof g === 'function') return g
  try {
    v8.setFlagsFromString('--expose-gc')
    return vm.runInNewContext('gc') as () => void
  } catch {
    return null
  }
}

export async function benchMemory (operators = 1000, liveCalls = 500): Promise<Record<string, string>> {
  const gc = exposeGc()
  const settle = async (): Promise<NodeJS.MemoryUsage> => {
    for (let i = 0; i < 3; i++) { gc?.(); await sleep(50) }
    return process.memoryUsage()
  }
  const w = await startBenchWorld({ operators, behaviour: { kind: 'answer', afterMs: 20 } })
  try {
    const before = await settle()
    const hold = await w.sim.load({ cmd: 'hold', count: liveCalls, ratePerSecond: 200, dids: w.dids, callerHangupAfterMs: 600_000 }, 60_000)
    const deadline = Date.now() + 30_000
    let simStats = await w.sim.stats()
    while ((simStats.bridges < liveCalls || w.daemon.center.activeCalls < liveCalls) && Date.now() < deadline) {
      await sleep(200)
      simStats = await w.sim.stats()
    }
    await sleep(1000) // recordings and snoops of the last calls start
    simStats = await w.sim.stats()
    const live = await settle()
    const talking = w.daemon.board.views().filter((v) => v.state === 'talking').length
    const activeCalls = w.daemon.center.activeCalls
    await w.sim.request({ cmd: 'hangupAll', timeoutMs: 15_000 }, 30_000)
    await w.waitIdle(15_000)
    return {
      'operators': String(operators),
      'gc before reading': gc ? 'yes' : 'no (not available)',
      'calls placed': String(hold.placed),
      'live calls (daemon sessions)': String(activeCalls),
      'operators talking (board)': String(talking),
      'sim bridges / channels': `${simStats.bridges} / ${simStats.channels}`,
      'rss before traffic MB': mb(before.rss),
      'heapUsed before traffic MB': mb(before.heapUsed),
      [`rss with ${liveCalls} live MB`]: mb(live.rss),
      [`heapUsed with ${liveCalls} live MB`]: mb(live.heapUsed),
      'heapUsed per live call KB': ((live.heapUsed - before.heapUsed) / Math.max(1, activeCalls) / 1024).toFixed(1),
      'external+arrayBuffers with live MB': mb(live.external + live.arrayBuffers),
      'sim child rss MB (for reference)': simStats.rssMb.toFixed(1)
    }
  } finally {
    await w.close()
  }
}
