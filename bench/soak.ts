// Soak: N inbound calls at a steady rate through the simulator (a child process, bench/sim-process.ts)
// and the daemon here, first with no fault, then with the simulator resetting every ARI connection
// (HTTP keep-alive sockets and the event WebSocket) every 30 s. Reports calls that failed or never
// ended and recordings not copied. Alone: node --import tsx bench/soak.ts [--calls 2000] [--rate 10]
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { startBenchWorld, type BenchWorld } from './bench-world.js'

export interface SoakOptions {
  calls: number
  /** New calls per second, steady. */
  ratePerSecond: number
  /** Reset interval of the fault run. */
  resetEveryMs: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** Ring ~0.5 s, talk until the caller hangs up 8 s after arriving. */
const ANSWER_AFTER_MS = 500
const CALLER_HANGUP_AFTER_MS = 8000

interface SoakRun {
  placed: number
  ended: Record<string, number>
  /** Calls that reached ringlead and got no call.ended. */
  unended: number
  /** Of those, sessions still running after the run settled (a call left waiting). */
  stillLive: number
  /** Calls Asterisk declined while no WebSocket held the app (they never reached ringlead; the dialplan's safety net takes them on a real Asterisk). */
  declined: number
  failReasons: Record<string, number>
  recordings: Record<string, number>
  /** Recordings Asterisk made (or was making) that were not copied: finished but not copied, missing, still recording. */
  recordingsLost: number
  /** Recordings that never started, by reason (e.g. the party hung up before the snoop). */
  notStarted: Record<string, number>
  lostReasons: Record<string, number>
  ariErrors: Record<string, number>
  repeatedCommands: number
  resets: number
  wallS: number
  /** The daemon's event-loop delay during the run, ms: how starved it was. */
  loopP99Ms: number
  loopMaxMs: number
  loadAverage: string
}

async function soakOnce (w: BenchWorld, o: SoakOptions, resetEveryMs: number | null): Promise<SoakRun> {
  const db = w.daemon.db
  db.run(sql`DELETE FROM recordings`) // figures per run
  w.resetStatuses()
  const failedIds: string[] = []
  const onEnded = (e: { status: string; callId: string }): void => { if (e.status === 'failed') failedIds.push(e.callId) }
  w.daemon.bus.on('call.ended', onEnded)
  const repeatedBefore = w.daemon.ari.repeatedCommands
  const started = Date.now()
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  await w.sim.request({ cmd: 'ariFaults', resetEveryMs })
  const durationMs = Math.ceil(o.calls / o.ratePerSecond * 1000)
  let report
  try {
    report = await w.sim.load({ cmd: 'load', ratePerSecond: o.ratePerSecond, durationMs, drainMs: 10_000, dids: w.dids, callerHangupAfterMs: CALLER_HANGUP_AFTER_MS }, durationMs + 120_000)
  } finally {
    w.daemon.bus.off('call.ended', onEnded)
    loop.disable()
  }
  const { resets } = await w.sim.request<{ resets: number }>({ cmd: 'ariFaults', resetEveryMs: null })
  await w.waitIdle(60_000)
  const stillLive = w.daemon.center.activeCalls
  // Recordings are copied once Asterisk finishes them (the daemon waits up to 2 s for that here).
  const pending = (): number => (db.get<{ n: number }>(sql`SELECT count(*) AS n FROM recordings WHERE status IN ('recording', 'done')`)?.n ?? 0)
  for (let i = 0; i < 300 && pending() > 0; i++) await sleep(100)
  const recordings: Record<string, number> = {}
  for (const r of db.all<{ status: string; n: number }>(sql`SELECT status, count(*) AS n FROM recordings GROUP BY status`)) recordings[r.status] = r.n
  const shorten = (text: string | null): string => (text ?? 'unknown').replace(/call_\w+|rl-[\w-]+|\bb\d+|\d{6,}(\.\d+)?/g, '…').slice(0, 120)
  const notStarted: Record<string, number> = {}
  const lostReasons: Record<string, number> = {}
  for (const r of db.all<{ status: string; error: string | null; n: number }>(sql`SELECT status, error, count(*) AS n FROM recordings WHERE status != 'stored' GROUP BY status, error`)) {
    const into = r.status === 'failed' ? notStarted : lostReasons
    const key = `${r.status}: ${shorten(r.error)}`
    into[key] = (into[key] ?? 0) + r.n
  }
  const failReasons: Record<string, number> = {}
  for (const callId of failedIds) {
    const reason = shorten(w.daemon.repo.call(callId)?.endReason ?? null)
    failReasons[reason] = (failReasons[reason] ?? 0) + 1
  }
  const ended = { ...w.statuses }
  const endedCount = Object.values(ended).reduce((a, b) => a + b, 0)
  return {
    placed: report.placed, ended, unended: Math.max(0, report.placed - report.declined - endedCount), stillLive, declined: report.declined, failReasons, recordings,
    recordingsLost: Object.values(lostReasons).reduce((a, n) => a + n, 0), notStarted, lostReasons,
    ariErrors: report.ariErrors, repeatedCommands: w.daemon.ari.repeatedCommands - repeatedBefore, resets, wallS: (Date.now() - started) / 1000,
    loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, loadAverage: loadavg().map((n) => n.toFixed(1)).join(' ')
  }
}

const endedCount = (r: SoakRun): number => Object.values(r.ended).reduce((a, b) => a + b, 0)

function figures (label: string, r: SoakRun): Record<string, string> {
  const json = (v: object): string => (Object.keys(v).length === 0 ? 'none' : JSON.stringify(v))
  return {
    [`${label}: calls placed / ended in ringlead / declined by Asterisk while the WebSocket was down`]: `${r.placed} / ${endedCount(r)} / ${r.declined}`,
    [`${label}: failed calls`]: String(r.ended.failed ?? 0),
    [`${label}: calls without call.ended`]: `${r.unended} (still running: ${r.stillLive})`,
    [`${label}: recordings lost (of ${Object.values(r.recordings).reduce((a, b) => a + b, 0)})`]: String(r.recordingsLost),
    [`${label}: outcomes`]: json(r.ended),
    [`${label}: recordings by status`]: json(r.recordings),
    [`${label}: recordings lost, why`]: json(r.lostReasons),
    [`${label}: recordings never started, why`]: json(r.notStarted),
    [`${label}: failure reasons`]: json(r.failReasons),
    [`${label}: ARI error answers (sim side)`]: json(r.ariErrors),
    [`${label}: commands sent again after a reset`]: String(r.repeatedCommands),
    [`${label}: connection resets`]: String(r.resets),
    [`${label}: wall s`]: r.wallS.toFixed(0),
    [`${label}: daemon event-loop delay p99 / max ms, load average after`]: `${r.loopP99Ms.toFixed(0)} / ${r.loopMaxMs.toFixed(0)}, ${r.loadAverage}`
  }
}

export async function benchSoak (o: Partial<SoakOptions> = {}): Promise<Record<string, string>> {
  const opts: SoakOptions = { calls: 10_000, ratePerSecond: 20, resetEveryMs: 30_000, ...o }
  // RINGLEAD_SOAK_LOG=warn (or info, debug) prints the daemon's log to stderr, to see why calls failed.
  const log = process.env.RINGLEAD_SOAK_LOG ? pino({ level: process.env.RINGLEAD_SOAK_LOG }, pino.destination(2)) : undefined
  // The daemon's own wait for Asterisk to finish a recording (15 s), not the bench's shortcut.
  const w = await startBenchWorld({ operators: 300, behaviour: { kind: 'answer', afterMs: ANSWER_AFTER_MS }, recordingSettleMs: 15_000, ...(log ? { log } : {}) })
  try {
    const clean = await soakOnce(w, opts, null)
    const faulty = await soakOnce(w, opts, opts.resetEveryMs)
    return {
      'calls per run / rate': `${opts.calls} at ${opts.ratePerSecond}/s (answer after ${ANSWER_AFTER_MS} ms, caller hangs up ${CALLER_HANGUP_AFTER_MS} ms after arriving), 300 operators`,
      ...figures('no fault', clean),
      ...figures(`ARI reset every ${opts.resetEveryMs / 1000} s`, faulty)
    }
  } finally {
    await w.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { calls: { type: 'string' }, rate: { type: 'string' }, 'reset-every-ms': { type: 'string' } } })
  const { printFigures } = await import('./stats.js')
  const result = await benchSoak({
    ...(values.calls ? { calls: Number(values.calls) } : {}),
    ...(values.rate ? { ratePerSecond: Number(values.rate) } : {}),
    ...(values['reset-every-ms'] ? { resetEveryMs: Number(values['reset-every-ms']) } : {})
  })
  printFigures('soak', result)
  process.exit(0)
}
