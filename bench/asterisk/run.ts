// The real-Asterisk bench: call set-up through ringlead, through a minimal ARI app (the floor,
// floor-app.ts) and through app_queue, on one real Asterisk, sipp as carrier and as 100 operators.
//
// What it measures: INVITE-in (the carrier's INVITE leaving for Asterisk, loopback) → INVITE-out (the
// INVITE Asterisk sends to the chosen operator's phone), per call, from sipp's own logs with
// microsecond timestamps; success % (the operator was rung and the caller's call ended normally);
// CPU per call of Asterisk and of the contender's Node process (/proc/<pid>/stat over the run).
// Runs are interleaved (ringlead, floor, queue at each rate) so the machine's other load hits all
// three alike; each contender's process runs only during its own run. Then, with the floor app,
// Asterisk's cost of the per-party recording options (RINGLEAD_BENCH_ASTERISK_RECORDING_*).
//
// Asterisk is built and started outside the repository with bench/asterisk/asterisk-config as its
// configuration and with app_queue and app_mixmonitor loaded (an example asterisk.conf is in the
// bench section of the docs). Settings: settings.ts (RINGLEAD_BENCH_ASTERISK_*).
// Run alone: RINGLEAD_BENCH_ASTERISK_ARI_URL=http://127.0.0.1:8090 node --import tsx bench/asterisk/run.ts
// or as step 21 of `npm run bench`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixed as n, percentiles, printFigures } from '../stats.js'
import { buildContenders, startFloor, startRinglead, startWebhookSink, type NodeContender } from './contenders.js'
import { cpuWindow } from './cpu.js'
import { routingQuantileMs, type MetricsSnapshot } from './daemon-metrics.js'
import { pooledLines } from './pooled.js'
import { benchSettings, callsPerRun, type BenchSettings, type Contender } from './settings.js'
import { callerNumbers, runCarrier, setupFigures, startPhones } from './sipp-load.js'

export interface RunResult {
  contender: Contender; recording: string; rate: number
  placed: number; succeeded: number
  p50: number; p99: number; max: number
  /** Each call's INVITE-in → INVITE-out, for the figures pooled over rounds (pooled.ts). */
  delaysMs: number[]
  asteriskMsPerCall: number | null; nodeMsPerCall: number | null
  asteriskPct: number | null; nodePct: number | null
  machinePct: number | null; load1: number
  /** Time ready to run but without a core, ms a call: all of Asterisk's threads, the Node process's main thread. */
  asteriskWaitMsPerCall: number | null; nodeWaitMsPerCall: number | null
  extra: Record<string, unknown>
  /** ringlead's own figures over the run (see inProcess), null for the others. */
  inside: string | null
}

interface Ctx { settings: BenchSettings; dir: string; runs: number; ringleadStarted: boolean; webhookUrl: string }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function ari (s: BenchSettings, method: string, path: string): Promise<any> {
  const res = await fetch(`${s.ari.url}/ari/${path}`, { method, headers: { authorization: `Basic ${Buffer.from(`${s.ari.user}:${s.ari.password}`).toString('base64')}` } })
  const text = await res.text()
  if (res.status >= 300 && method === 'GET') throw new Error(`GET ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/** Waits until Asterisk has no channel left from an earlier run; hangs up what stays after 30 s. */
async function quiet (s: BenchSettings): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const channels = await ari(s, 'GET', 'channels') as Array<{ id: string }>
    if (channels.length === 0) return
    if (Date.now() > deadline) {
      console.log(`  (hanging up ${channels.length} channels left after 30 s)`)
      for (const c of channels) await ari(s, 'DELETE', `channels/${encodeURIComponent(c.id)}`)
      await sleep(1000)
      return
    }
    await sleep(250)
  }
}

/**
 * A production process is warm: unmeasured calls first (JIT, pools, caches; WARM_UP_CALLS at
 * WARM_UP_RATE), then a wait until the contender's process is quiet again, so its start-up work is
 * not charged to the run.
 */
async function warmUp (ctx: Ctx, dir: string, did: string, run: number, node: NodeContender | null): Promise<void> {
  const s = ctx.settings
  const warmDir = join(dir, 'warm-up')
  mkdirSync(warmDir, { recursive: true })
  await runCarrier(s, warmDir, did, s.warmUpRate, callerNumbers(run, s.warmUpCalls, '04')).exited
  await quiet(s)
  const deadline = Date.now() + 20_000
  while (node !== null && Date.now() < deadline) {
    const w = cpuWindow([node.pid])
    await sleep(500)
    const ms = w.stop().ms[0]
    if (ms === null || ms === undefined || ms < 50) break // under 10 % of a core
  }
}

async function runOne (ctx: Ctx, contender: Contender, rate: number, recording: string): Promise<RunResult> {
  const s = ctx.settings
  await quiet(s)
  const run = ++ctx.runs
  const dir = join(ctx.dir, `${String(run).padStart(3, '0')}-${contender}-${rate}${contender === 'floor' ? `-${recording}` : ''}`)
  mkdirSync(dir, { recursive: true })
  let node: NodeContender | null = null
  if (contender === 'ringlead') {
    node = await startRinglead(s, ctx.dir, ctx.webhookUrl, !ctx.ringleadStarted)
    ctx.ringleadStarted = true
  } else if (contender === 'floor') {
    node = await startFloor(s, recording)
  }
  const phones = await startPhones(s, dir)
  const did = s.dids[contender]
  try {
    await warmUp(ctx, dir, did, run, node)
  } catch (err) {
    await phones.stop()
    await node?.stop()
    throw err
  }
  const numbers = callerNumbers(run, callsPerRun(s, rate))
  let extra: Record<string, unknown> = {}
  let inside: string | null = null
  let cpu
  try {
    const before = await node?.metrics?.() ?? null // also resets the event loop's lag figures
    const window = cpuWindow([s.asteriskPid, node?.pid ?? null], ['all threads', 'main thread'])
    const started = Date.now()
    const carrier = runCarrier(s, dir, did, rate, numbers)
    await carrier.exited
    await sleep(2000) // the calls' tails (recordings stored, webhooks) belong to the run
    cpu = { ...window.stop(), seconds: (Date.now() - started) / 1000 }
    const after = await node?.metrics?.() ?? null
    if (before !== null && after !== null) inside = inProcess(before, after)
  } finally {
    await phones.stop()
    if (node) {
      extra = await node.stop()
      writeFileSync(join(dir, `${contender}.out`), node.output())
    }
  }
  const f = setupFigures(dir, numbers)
  const p = percentiles(f.delaysMs)
  const perCall = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : ms / f.placed)
  const pct = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : 100 * ms / 1000 / cpu.seconds)
  return {
    contender, recording, rate, placed: f.placed, succeeded: f.succeeded, p50: p.p50, p99: p.p99, max: p.max, delaysMs: f.delaysMs,
    asteriskMsPerCall: perCall(cpu.ms[0]), nodeMsPerCall: perCall(cpu.ms[1]),
    asteriskPct: pct(cpu.ms[0]), nodePct: pct(cpu.ms[1]), machinePct: cpu.machineBusyPct, load1: cpu.load1,
    asteriskWaitMsPerCall: perCall(cpu.waitMs[0]), nodeWaitMsPerCall: perCall(cpu.waitMs[1]), extra, inside
  }
}

/** ringlead's own view of the run: StasisStart → originate sent, and the event loop's lag. */
function inProcess (before: MetricsSnapshot, after: MetricsSnapshot): string {
  const q = (p: number): string => n(routingQuantileMs(before, after, p), 2)
  const lag = (k: string): string => n(after.lag[k] === undefined ? null : after.lag[k]! * 1000, 1)
  return `StasisStart → originate sent p50 / p99 ${q(0.5)} / ${q(0.99)} ms (from /metrics buckets); event-loop lag p50 / p99 / max ${lag('0.5')} / ${lag('0.99')} / ${lag('1')} ms`
}

const successPct = (r: RunResult): number => 100 * r.succeeded / r.placed

/**
 * How long each waited for a core while ready to run: on a shared machine a call's set-up stalls
 * while Asterisk or the app's event loop has work and no core, whatever the app's own code costs.
 */
export function waitLine (r: RunResult): string | null {
  if (r.asteriskWaitMsPerCall === null && r.nodeWaitMsPerCall === null) return null
  const node = r.contender === 'queue' ? '' : `, the Node process's main thread ${n(r.nodeWaitMsPerCall, 2)}`
  return `waited for a core, ms a call: Asterisk's threads ${n(r.asteriskWaitMsPerCall, 2)}${node}`
}

export const SETUP_HEADER = 'calls/s | contender | calls | success % | p50 / p99 / max ms | Asterisk CPU ms/call (% core) | Node CPU ms/call (% core) | machine busy % | load1'

export function setupLine (r: RunResult): string {
  return [r.rate, r.contender, r.placed, n(successPct(r)), `${n(r.p50)} / ${n(r.p99)} / ${n(r.max)}`,
    `${n(r.asteriskMsPerCall, 2)} (${n(r.asteriskPct, 0)})`, r.contender === 'queue' ? '—' : `${n(r.nodeMsPerCall, 2)} (${n(r.nodePct, 0)})`,
    n(r.machinePct, 0), n(r.load1, 2)].join(' | ')
}

/** The highest rate at which every run of the contender had p99 < 50 ms and ≥ 99 % success. */
export function knee (results: RunResult[], contender: Contender): string {
  const rates = [...new Set(results.filter((r) => r.contender === contender).map((r) => r.rate))].sort((a, b) => a - b)
  let best: number | null = null
  for (const rate of rates) {
    const runs = results.filter((r) => r.contender === contender && r.rate === rate)
    if (runs.every((r) => r.p99 < 50 && successPct(r) >= 99)) best = rate
  }
  return best === null ? `none of ${rates.join(', ')} calls/s` : `${best} calls/s`
}

export const RECORDING_HEADER = 'calls/s | recording | success % | set-up p50 / p99 ms | recording start p50 / p99 ms (errors) | Asterisk CPU ms/call (% core) | floor CPU ms/call | load1'

function recordingLine (r: RunResult): string {
  const times = Array.isArray(r.extra.recordSetupMs) ? r.extra.recordSetupMs as number[] : []
  const q = percentiles(times)
  const start = r.recording === 'none' ? '—' : `${n(q.p50)} / ${n(q.p99)} (${String(r.extra.recordErrors ?? '?')})`
  return [r.rate, r.recording, n(successPct(r)), `${n(r.p50)} / ${n(r.p99)}`, start,
    `${n(r.asteriskMsPerCall, 2)} (${n(r.asteriskPct, 0)})`, n(r.nodeMsPerCall, 2), n(r.load1, 2)].join(' | ')
}

/** Runs everything the settings ask for; returns the figures as printable lines. */
export async function benchAsterisk (s: BenchSettings, log: (line: string) => void = console.log): Promise<Record<string, string>> {
  const dir = s.workDir !== '' ? s.workDir : mkdtempSync(join(tmpdir(), 'ringlead-bench-asterisk-'))
  mkdirSync(dir, { recursive: true })
  const version = await ari(s, 'GET', 'asterisk/info').then((i: { system?: { version?: string } }) => i.system?.version ?? '?')
  buildContenders()
  const sink = await startWebhookSink()
  const ctx: Ctx = { settings: s, dir, runs: 0, ringleadStarted: false, webhookUrl: sink.url }
  const out: Record<string, string> = {
    'Asterisk': `${version} at ${s.ari.url} (pid ${s.asteriskPid ?? 'unknown: no Asterisk CPU'})`,
    'floor records': s.floorRecording,
    'ringlead records': s.ringleadRecording,
    'per call': `ring ${s.ringMs} ms, talk ${s.talkMs} ms, ${s.pcap === '' ? 'no audio' : 'A-law audio both ways'}; ${s.operators.length} operators; ${s.durationS} s per run, at least ${s.minCalls} calls, after ${s.warmUpCalls} unmeasured at ${s.warmUpRate}/s`,
    'logs': dir,
    'contenders run': process.env.RINGLEAD_BENCH_ASTERISK_FROM_SOURCE === '1' ? 'from source (tsx)' : 'as built (npm run build, node dist/…)',
    'ringlead settings laid over': Object.keys(s.daemonEnv).length === 0 ? '(none)' : Object.entries(s.daemonEnv).map(([k, v]) => `${k}=${v}`).join(' ')
  }
  const results: RunResult[] = []
  try {
    log(`  ${SETUP_HEADER}`)
    for (const rate of s.rates) {
      for (let round = 0; round < s.rounds; round++) {
        for (const c of s.contenders) {
          const r = await runOne(ctx, c, rate, s.floorRecording)
          results.push(r)
          log(`  ${setupLine(r)}`)
          if (r.inside !== null) log(`    ${r.inside}`)
          const waited = waitLine(r)
          if (waited !== null) log(`    ${waited}`)
        }
      }
    }
    out[SETUP_HEADER] = ''
    results.forEach((r, i) => {
      out[`  run ${i + 1}`] = setupLine(r)
      if (r.inside !== null) out[`    run ${i + 1}, inside ringlead`] = r.inside
      const waited = waitLine(r)
      if (waited !== null) out[`    run ${i + 1}, ${r.contender}`] = waited
    })
    for (const c of s.contenders) out[`knee (p99 < 50 ms, ≥ 99 % success): ${c}`] = knee(results, c)
    for (const [k, v] of Object.entries(pooledLines(results, s.rounds))) {
      out[k] = v
      log(`  ${k}: ${v}`)
    }
    if (s.recordingRates.length > 0 && s.recordingModes.length > 0) {
      log(`  ${RECORDING_HEADER}`)
      out[`recording options, floor app: ${RECORDING_HEADER}`] = ''
      for (const rate of s.recordingRates) {
        for (let round = 0; round < s.rounds; round++) {
          for (const mode of s.recordingModes) {
            const r = await runOne(ctx, 'floor', rate, mode)
            log(`  ${recordingLine(r)}`)
            out[`  rec ${rate}/s ${mode} #${round + 1}`] = recordingLine(r)
            const problems = r.extra.recordProblems
            if (Array.isArray(problems) && problems.length > 0) out[`    first problems, ${rate}/s ${mode} #${round + 1}`] = problems.join(' | ')
          }
        }
      }
    }
    out['webhooks received from ringlead'] = String(sink.received())
  } finally {
    await sink.close()
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = benchSettings()
  if (s === null) {
    console.log('real-Asterisk bench skipped: set RINGLEAD_BENCH_ASTERISK_ARI_URL (e.g. http://127.0.0.1:8090) to an Asterisk running bench/asterisk/asterisk-config')
    process.exit(0)
  }
  printFigures('real Asterisk: INVITE-in → INVITE-out, ringlead vs floor vs app_queue', await benchAsterisk(s))
  process.exit(0)
}
