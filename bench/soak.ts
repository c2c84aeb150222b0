// Soak: N inbound calls at a steady rate through the simulator (a child process, bench/sim-process.ts)
// and the daemon here, first with no fault, then with the simulator resetting every ARI connection
// (HTTP keep-alive sockets and the event WebSocket) every 30 s. Reports calls that failed or never
// ended and recordings not copied. Alone: node --import tsx bench/soak.ts [--calls 2000] [--rate 10]
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { startBenchWorld, type BenchWorld } from './call-bench.js'

export interface SoakOptions {
  calls: number
  /** New calls per second, steady. */
  ratePerSecond: number
  /** Reset interval of the fault run. */
  resetEveryMs: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** Ring ~0.5 s, talk until the caller hangs up 4 s after arriving. */
const ANSWER_AFTER_MS = 500
const CALLER_HANGUP_AFTER_MS = 4000

interface SoakRun {
  placed: number
  ended: Record<string, number>
  /** Calls placed that never got a call.ended (a hang). */
  unended: number
  failReasons: Record<string, number>
  recordings: Record<string, number>
  /** Recordings not stored after the run settled (failed, missing, finished but not copied, still recording). */
  recordingsLost: number
  ariErrors: Record<string, number>
  repeatedCommands: number
  resets: number
  wallS: number
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
  await w.sim.request({ cmd: 'ariFaults', resetEveryMs })
  const durationMs = Math.ceil(o.calls / o.ratePerSecond * 1000)
  let report
  try {
    report = await w.sim.load({ cmd: 'load', ratePerSecond: o.ratePerSecond, durationMs, drainMs: 10_000, dids: w.dids, callerHangupAfterMs: CALLER_HANGUP_AFTER_MS }, durationMs + 120_000)
  } finally {
    w.daemon.bus.off('call.ended', onEnded)
  }
  const { resets } = await w.sim.request<{ resets: number }>({ cmd: 'ariFaults', resetEveryMs: null })
  await w.waitIdle(60_000)
  // Recordings are copied once Asterisk finishes them (the daemon waits up to 2 s for that here).
  const pending = (): number => (db.get<{ n: number }>(sql`SELECT count(*) AS n FROM recordings WHERE status IN ('recording', 'done')`)?.n ?? 0)
  for (let i = 0; i < 300 && pending() > 0; i++) await sleep(100)
  const recordings: Record<string, number> = {}
  for (const r of db.all<{ status: string; n: number }>(sql`SELECT status, count(*) AS n FROM recordings GROUP BY status`)) recordings[r.status] = r.n
  const failReasons: Record<string, number> = {}
  for (const callId of failedIds) {
    const reason = (w.daemon.repo.call(callId)?.endReason ?? 'unknown').replace(/rl-[\w-]+|b\d+|\d{6,}/g, '…').slice(0, 120)
    failReasons[reason] = (failReasons[reason] ?? 0) + 1
  }
  const ended = { ...w.statuses }
  const endedCount = Object.values(ended).reduce((a, b) => a + b, 0)
  return {
    placed: report.placed, ended, unended: Math.max(0, report.placed - endedCount), failReasons, recordings,
    recordingsLost: Object.entries(recordings).filter(([status]) => status !== 'stored').reduce((a, [, n]) => a + n, 0),
    ariErrors: report.ariErrors, repeatedCommands: w.daemon.ari.repeatedCommands - repeatedBefore, resets, wallS: (Date.now() - started) / 1000
  }
}

function figures (label: string, r: SoakRun): Record<string, string> {
  const json = (v: object): string => (Object.keys(v).length === 0 ? 'none' : JSON.stringify(v))
  return {
    [`${label}: calls placed / ended`]: `${r.placed} / ${r.placed - r.unended}`,
    [`${label}: failed calls`]: String(r.ended.failed ?? 0),
    [`${label}: calls without call.ended`]: String(r.unended),
    [`${label}: recordings lost (of ${Object.values(r.recordings).reduce((a, b) => a + b, 0)})`]: String(r.recordingsLost),
    [`${label}: outcomes`]: json(r.ended),
    [`${label}: recordings by status`]: json(r.recordings),
    [`${label}: failure reasons`]: json(r.failReasons),
    [`${label}: ARI error answers (sim side)`]: json(r.ariErrors),
    [`${label}: commands sent again after a reset`]: String(r.repeatedCommands),
    [`${label}: connection resets`]: String(r.resets),
    [`${label}: wall s`]: r.wallS.toFixed(0)
  }
}

export async function benchSoak (o: Partial<SoakOptions> = {}): Promise<Record<string, string>> {
  const opts: SoakOptions = { calls: 10_000, ratePerSecond: 20, resetEveryMs: 30_000, ...o }
  const w = await startBenchWorld({ operators: 300, behaviour: { kind: 'answer', afterMs: ANSWER_AFTER_MS } })
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
