// `npm run bench`: every benchmark in turn, then one table. A failing benchmark prints its error
// and the rest still run. All traffic stays on 127.0.0.1.
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { benchMemory, benchSetupLatency, benchThroughput, type RampResult } from './call-bench.js'
import { cpuText, pctText } from './cpu-window.js'
import { benchDialplan } from './dialplan.js'
import { benchFaults } from './faults.js'
import { benchFastAgiHostile } from './fastagi-hostile.js'
import { benchCustomerLookup } from './customer-lookup.js'
import { benchIntake, INTAKE_HEADER } from './intake.js'
import { benchPlan } from './plan.js'
import { fixed, printFigures } from './stats.js'
import { benchSweep } from './sweep.js'
import { benchQueue } from './queue.js'
import { benchQa, benchQueue as benchSpeechQueue } from './speech.js'
import { benchEngine, benchNativeVsPrebuilt } from './speech-engine.js'
import { benchQuantized } from './speech-quant.js'
import { benchWallboard } from './wallboard.js'
import { benchReports } from './reports.js'
import { benchSoak } from './soak.js'
import { benchStop } from './stop.js'
import { benchAsterisk } from './asterisk/run.js'
import { benchSettings, callsPerRun } from './asterisk/settings.js'
import { benchIdle } from './idle.js'
import { benchAmiParse } from './ami-parse.js'
import { benchBackground } from './background.js'
import { benchCommitGroups } from './commit-groups.js'
import { benchLive, benchLiveBase } from './live.js'
import { benchLiveAudioCtx } from './live-ctx.js'
import { benchLiveEndpoint } from './live-endpoint.js'
import { benchListen } from './listen.js'

const results = new Map<string, Record<string, string>>()
/** Load average, and the share of the last minute some task waited for a CPU (Linux PSI). */
const load = (): string => {
  let psi = ''
  try { psi = `, CPU pressure avg60 ${/some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? '?'}%` } catch { /* no PSI here */ }
  return `${loadavg().map((n) => n.toFixed(2)).join(' ')}${psi}`
}
const ms = (v: number): string => fixed(v, 2)

// RINGLEAD_BENCH_ONLY=3,13 runs only those steps (by their number).
const only = (process.env.RINGLEAD_BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')

/** RINGLEAD_BENCH_RATES=200,300 runs step 3's ramp at those rates only (default 50…400/s). */
function rampRates (): number[] | undefined {
  const text = process.env.RINGLEAD_BENCH_RATES
  if (text === undefined || text.trim() === '') return undefined
  const rates = text.split(',').map(Number)
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`RINGLEAD_BENCH_RATES must be positive numbers separated by commas, got "${text}"`)
  return rates
}

async function step (title: string, run: () => Promise<Record<string, string>> | Record<string, string>): Promise<void> {
  if (only.length > 0 && !only.includes(title.split('.')[0]!)) return
  const started = Date.now()
  console.log(`\n-- running: ${title} (load average ${load()})`)
  try {
    const figures = await run()
    figures['took s'] = ((Date.now() - started) / 1000).toFixed(1)
    results.set(title, figures)
    printFigures(title, figures)
  } catch (err) {
    const message = (err as Error).stack ?? String(err)
    results.set(title, { FAILED: (err as Error).message ?? String(err) })
    console.log(`\n== ${title}\n  FAILED: ${message}`)
  }
}

const RAMP_HEADER = 'offered/s | achieved/s | p50 ms | p99 ms | errors (+leg errors) | CPU% daemon (main thread) | CPU% sim (main thread) | CPU% other load | daemon loop p99 ms'

function rampFigures (r: RampResult): Record<string, string> {
  const out: Record<string, string> = { 'talk time per call ms': String(r.talkMs), 'operators': '1000' }
  out[RAMP_HEADER] = ''
  for (const s of r.steps) {
    out[`  ${s.offered}/s`] = [s.achieved.toFixed(1), ms(s.p50), ms(s.p99), `${s.errors} (+${s.legErrors})`, cpuText(s.daemonCpu, s.daemonMainCpu), cpuText(s.simCpu, s.simMainCpu), pctText(s.othersCpu), ms(s.loopP99)].join(' | ')
  }
  out['main-thread CPU ms per call: daemon | sim'] = ''
  for (const s of r.steps) out[`  at ${s.offered}/s`] = `${fixed(s.daemonMainMsPerCall, 2)} | ${fixed(s.simMainMsPerCall, 2)}`
  // From the highest step that kept up: the cost of a whole call when nothing is shed.
  const kept = r.steps.filter((s) => s.achieved >= 0.95 * s.offered && s.daemonMainMsPerCall !== null).at(-1)
  if (kept?.daemonMainMsPerCall && kept.simMainMsPerCall) {
    out['ceiling with one free core per main thread: daemon | sim'] =
      `≈ ${(1000 / kept.daemonMainMsPerCall).toFixed(0)} | ${(1000 / kept.simMainMsPerCall).toFixed(0)} calls/s (1000 / ms per call at ${kept.offered}/s)`
  }
  out['errors: calls that never rang an operator or ended failed/missed; leg errors: later ARI 4xx (bridge/snoop/record on a leg already gone)'] = ''
  for (const s of r.steps) if (s.errors + s.legErrors > 0) out[`  errors at ${s.offered}/s`] = s.errorText
  if (r.skipped.length > 0) out['  not run (already saturated)'] = r.skipped.map((n) => `${n}/s`).join(', ')
  const meeting = r.steps.filter((s) => s.p99 <= 20 && s.achieved >= 0.95 * s.offered && s.errors === 0)
  out['highest step meeting p99 ≤ 20 ms, no errors (target 200/s)'] = meeting.length > 0 ? `${meeting.at(-1)!.offered}/s` : 'none'
  const behind = r.steps.find((s) => s.achieved < 0.95 * s.offered)
  out['first step falling behind (achieved < 95% offered)'] = behind ? `${behind.offered}/s (achieved ${behind.achieved.toFixed(1)}/s)` : 'none'
  const best = r.steps.reduce((m, s) => Math.max(m, s.achieved), 0)
  out['peak achieved setups/s'] = best.toFixed(1)
  if (behind) {
    const daemonBound = behind.daemonCpu >= behind.simCpu
    out['saturating side (CPU at that step)'] = `${daemonBound ? 'daemon' : 'simulator'}: daemon ${cpuText(behind.daemonCpu, behind.daemonMainCpu)}%, sim ${cpuText(behind.simCpu, behind.simMainCpu)}% of one core, other load ${pctText(behind.othersCpu)}% (${cpus().length} cores)`
  }
  const p = r.profile
  if (p && 'error' in p) out['daemon profile'] = `FAILED: ${p.error}`
  else if (p) {
    out[`daemon profile at ${p.rate}/s`] = `${p.path} (idle ${p.idlePct.toFixed(0)}%; achieved ${p.step.achieved.toFixed(1)}/s, daemon CPU ${p.step.daemonCpu.toFixed(0)}%)`
    out['  top self time (% of busy samples)'] = ''
    for (const f of p.top) out[`    ${f.name}`] = f.pct.toFixed(1)
    out['  inclusive by package / source file'] = ''
    for (const g of p.inclusive) out[`    ${g.name} `] = g.pct.toFixed(1)
  }
  return out
}

const started = Date.now()
const startLoad = load()
// The soak: RINGLEAD_SOAK_CALLS calls per run (default 10,000; 0 skips it) at RINGLEAD_SOAK_RATE per second (default 20).
const soakCalls = Number(process.env.RINGLEAD_SOAK_CALLS ?? 10_000)
const soakRate = Number(process.env.RINGLEAD_SOAK_RATE ?? 20)
const soakMinutes = soakCalls > 0 ? Math.ceil(2 * (soakCalls / soakRate + 120) / 60) : 0
// The real-Asterisk comparison (step 21) runs only when RINGLEAD_BENCH_ASTERISK_ARI_URL names an Asterisk.
const asterisk = benchSettings()
const asteriskRuns = asterisk === null ? 0 : asterisk.rates.length * asterisk.rounds * asterisk.contenders.length + asterisk.recordingRates.length * asterisk.rounds * asterisk.recordingModes.length
const asteriskRunS = asterisk === null ? 0 : Math.max(...[...asterisk.rates, ...asterisk.recordingRates].map((r) => callsPerRun(asterisk, r) / r))
const asteriskMinutes = asterisk === null ? 0 : Math.ceil(asteriskRuns * (asteriskRunS + 60) / 60)
// A hard stop, whatever hangs.
// The speech engine comparison (steps 10, 22) runs base-sized models: a few minutes on a loaded machine;
// steps 25 and 26 (six variants, then live calls on a base-sized model) up to 25 more.
const budgetMinutes = 50 + soakMinutes + asteriskMinutes
setTimeout(() => { console.log(`\nbench: time budget of ${budgetMinutes} minutes exceeded, stopping`); process.exit(1) }, budgetMinutes * 60_000).unref()
console.log(`ringlead benchmarks: node ${process.version}, ${cpus().length} CPUs, load average ${load()}`)

// Memory first, while this process holds nothing else.
await step('4. daemon memory: 1,000 operators, 500 live calls', () => benchMemory(1000, 500))
await step('1. plan() over 1,000 operators', () => benchPlan())
await step('2. StasisStart → operator originate (ARI on loopback, sim in a child process)', () => benchSetupLatency(1000, 50))
await step('3. sustained call setups per second (daemon here, sim in a child process)', async () => rampFigures(await benchThroughput(rampRates())))
await step('5. escalation sweep tick (10,000 or 100,000 open leads; 1,000 or 0 due)', () => benchSweep())
await step('6. POST /api/leads intake (daemon here, HTTP client in a child process)', () => benchIntake())
await step('7. waiting callers: operator freed → caller offered (500 waiting, 1,000 operators)', () => benchQueue())
await step('8. dialplan preview: db read + render + diff, 1,000 tracking numbers, 200 operators', () => benchDialplan())
await step('9. customer lookup on call set-up (100,000 calls; a merged customer with 3,000)', () => benchCustomerLookup())
await step('29. a call\'s rows in SQLite: four commits a call, one, four and sixteen calls a commit, random and time-ordered ids (20,000 calls\' rows already in, interleaved)', () => benchCommitGroups())
await step('10. speech: ringlead transcription vs whisper.cpp\'s CLI built for this CPU, interleaved (tiny- and base-sized models)', () => benchEngine())
await step('22. speech: native engine vs prebuilt binding, interleaved (tiny-sized model)', () => benchNativeVsPrebuilt())
await step('25. speech: flash attention on/off, f16 vs q8_0 vs q5_1, interleaved (base-sized model): encoder per 30 s window, whole file', () => benchQuantized())
await step('11. speech: QA over a one-hour transcript with 500 rules', () => benchQa())
await step('12. speech: call setup with 10,000 transcription jobs queued', () => benchSpeechQueue())
await step('13. wallboard: StasisStart → SSE message read by 100 consoles (clients in a child process)', () => benchWallboard())
await step('14. operators\' efficiency table for a month over 1,000,000 calls', () => benchReports())
if (soakCalls > 0) await step(`15. soak: ${soakCalls.toLocaleString('en')} calls at ${soakRate}/s, no fault, then ARI connections reset every 30 s`, () => benchSoak({ calls: soakCalls, ratePerSecond: soakRate }))
await step('16. SIGTERM under load: exits 0 within the grace period (10 runs)', () => benchStop())
await step('17. faults during a soak: kill -9 the daemon 10 times, database locked 10 s', () => benchFaults())
await step('18. idle daemon: CPU with the simulator and no calls', () => benchIdle())
await step('30. AMI: Asterisk\'s traced events read by asterisk-manager vs ringlead\'s reader, interleaved (CPU µs an event)', () => benchAmiParse())
await step('19. background work: call set-up p99 idle vs two transcriptions running (interleaved)', () => benchBackground())
await step('20. FastAGI under 3,000 hostile connections (silent, slowloris, huge headers, endless 520 replies)', () => benchFastAgiHostile())
await step('23. live alerts: operator\'s phrase → console alert through the simulator\'s external media (RTP), 1 and 4 calls; whisper window time', () => benchLive())
await step('26. live alerts with a base-sized model on the native engine (f16, q8_0): one window alone, then phrase → alert with each window paying whisper\'s real cost', () => benchLiveBase())
await step('27. live alerts with a base-sized f16 model: whisper.cpp\'s whole 30 s encoder vs the live window\'s own frames (audio_ctx), interleaved: encoder, one window, phrase → alert', () => benchLiveAudioCtx())
await step('28. live alerts with a base-sized f16 model: windows every 3 s vs cut at the end of a phrase (endpointing), interleaved: phrase → alert, and where the time went', () => benchLiveEndpoint())
await step('24. listening in: a supervisor\'s click (API POST) → their phone rings (simulator), one talking call', () => benchListen())
if (asterisk === null) {
  console.log('\n-- skipped: 21. real Asterisk (set RINGLEAD_BENCH_ASTERISK_ARI_URL, e.g. http://127.0.0.1:8090, to an Asterisk running bench/asterisk/asterisk-config; see bench/asterisk/run.ts)')
} else {
  await step('21. real Asterisk: INVITE-in → INVITE-out, ringlead vs floor ARI app vs app_queue (sipp, 100 operators)', () => benchAsterisk(asterisk))
}

const get = (prefix: string, key: string): string => {
  const figures = [...results.entries()].find(([t]) => t.startsWith(prefix))?.[1]
  return figures?.FAILED !== undefined ? `FAILED: ${figures.FAILED}` : figures?.[key] ?? 'n/a'
}
const summary: Record<string, string> = {
  '1. plan() 1,000 operators p50 / p99 ms': `${get('1.', 'plan() p50 ms')} / ${get('1.', 'plan() p99 ms')}`,
  '2. setup, 50 callers p50 / p99 ms': `${get('2.', '  setup p50 ms')} / ${get('2.', '  setup p99 ms')}`,
  '2. setup, bursts of 50 p50 / p99 ms': `${get('2.', '  burst setup p50 ms')} / ${get('2.', '  burst setup p99 ms')}`,
  [`3. ${RAMP_HEADER}`]: ''
}
const ramp = [...results.entries()].find(([t]) => t.startsWith('3.'))?.[1] ?? {}
if (ramp.FAILED !== undefined) summary['   FAILED'] = ramp.FAILED
for (const [k, v] of Object.entries(ramp)) if (/^ {2}\d+\/s$/.test(k)) summary[`  ${k}`] = v
summary['3. peak achieved setups/s'] = ramp['peak achieved setups/s'] ?? 'n/a'
summary['3. highest step meeting p99 ≤ 20 ms (target 200/s)'] = ramp['highest step meeting p99 ≤ 20 ms, no errors (target 200/s)'] ?? 'n/a'
summary['3. saturating side'] = ramp['saturating side (CPU at that step)'] ?? 'n/a'
summary['3. ceiling, one free core per main thread: daemon | sim'] = ramp['ceiling with one free core per main thread: daemon | sim'] ?? 'n/a'
summary['4. rss MB before / with 500 live'] = `${get('4.', 'rss before traffic MB')} / ${get('4.', 'rss with 500 live MB')}`
summary['4. heapUsed MB before / with 500 live'] = `${get('4.', 'heapUsed before traffic MB')} / ${get('4.', 'heapUsed with 500 live MB')}`
const sweepTick = (label: string): string => `${get('5.', `tick ${label}: p50 ms`)} / ${get('5.', `tick ${label}: max ms`)}`
summary['5. sweep tick 10,000 open / 1000 due p50 / max ms'] = sweepTick('10,000 open / 1000 due')
summary['5. sweep tick 100,000 open / 1000 due p50 / max ms'] = sweepTick('100,000 open / 1000 due')
summary['5. sweep tick 100,000 open / 0 due p50 / max ms'] = sweepTick('100,000 open / 0 due')
summary[`6. ${INTAKE_HEADER}`] = ''
const intake = [...results.entries()].find(([t]) => t.startsWith('6.'))?.[1] ?? {}
if (intake.FAILED !== undefined) summary['   FAILED '] = intake.FAILED
for (const [k, v] of Object.entries(intake)) if (/^ {2}\d+$/.test(k)) summary[`  ${k}`] = v
summary['6. leads rows / 201s'] = intake['leads rows / 201s, all levels'] ?? 'n/a'
summary['6. db file MB after close (KB per lead)'] = `${intake['db file MB after close'] ?? 'n/a'} (${intake['db KB per lead (incl. events, escalations, customers, keys)'] ?? 'n/a'})`
summary['7. queue event → offer p50 / p99 / max ms (target ≤ 1)'] = `${get('7.', 'event → offer p50 ms')} / ${get('7.', 'event → offer p99 ms')} / ${get('7.', 'event → offer max ms')}`
summary['8. dialplan preview p50 / p99 ms (target ≤ 100)'] = get('8.', 'preview (db read + render + diff, 1 number changed) p50 / p99 / max ms')
summary['10. ringlead / whisper.cpp CLI, median ratio: tiny-sized | base-sized (target ≤ 1.1)'] = `${get('10.', 'tiny-sized (384 wide, 4+4 layers): median ratio ringlead / CLI (target ≤ 1.1)')} | ${get('10.', 'base-sized (512 wide, 6+6 layers): median ratio ringlead / CLI (target ≤ 1.1)')}`
summary['22. native build speed-up over the prebuilt (tiny-sized)'] = get('22.', 'median speed-up of the native build')
summary['11. QA 1 h, 500 rules p50 / max ms'] = get('11.', 'scoreCall p50 / max ms (target ≤ 50)')
summary['12. setup p50 / p99 ms: queue empty | 10,000 queued'] = `${get('12.', 'setup p50 / p99 ms, queue empty')} | ${get('12.', 'setup p50 / p99 ms, 10,000 jobs queued and one transcribing')}`
summary['14. operators\' table, month p50 / p99 ms (target ≤ 300)'] = `${get('14.', 'operators\' table, month: p50 ms')} / ${get('14.', 'operators\' table, month: p99 ms (target ≤ 300)')}`
summary['14. operators\' table, month, cold p50 / p99 ms'] = get('14.', 'operators\' table, month, cold (every day read from the db): p50 / p99 ms')
const soak = [...results.entries()].find(([t]) => t.startsWith('15.'))?.[1] ?? {}
for (const [k, v] of Object.entries(soak)) if (/: (failed calls|calls without call.ended|recordings lost)/.test(k)) summary[`15. ${k}`] = v
summary['18. idle daemon CPU % of one core (target < 1)'] = get('18.', 'daemon CPU % of one core (target < 1)')
summary['19. setup p99 ms idle | two transcriptions (difference, target ≤ 1)'] = get('19.', 'setup p99 ms: idle | two transcriptions (difference)')
summary['20. FastAGI server RSS MB before / peak / after 3,000 hostile connections'] = get('20.', 'server RSS MB before / peak during / after')
summary['20. FastAGI proper sessions under attack: served / failed'] = get('20.', 'proper sessions under attack: served / failed')
const real = [...results.entries()].find(([t]) => t.startsWith('21.'))?.[1] ?? {}
for (const [k, v] of Object.entries(real)) if (k.startsWith('knee') || k === 'FAILED') summary[`21. ${k}`] = v
summary['24. click → supervisor phone rings p50 / p99 ms (target ≤ 300)'] = `${get('24.', 'click → supervisor phone rings p50 ms')} / ${get('24.', 'p99 ms')}`
summary['load average at start / end'] = `${startLoad} / ${load()}`
summary['total s'] = ((Date.now() - started) / 1000).toFixed(0)
printFigures('summary', summary)
process.exit(0)
