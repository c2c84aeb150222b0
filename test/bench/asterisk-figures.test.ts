import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parseMetrics, routingQuantileMs } from '../../bench/asterisk/daemon-metrics.js'
import { cpuWaitMs } from '../../bench/asterisk/cpu.js'
import { knee, type RunResult, waitLine } from '../../bench/asterisk/run.js'
import { benchSettings, callsPerRun, daemonEnv } from '../../bench/asterisk/settings.js'
import { callerNumbers, setupFigures } from '../../bench/asterisk/sipp-load.js'

function logs (carrier: string[], phones: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-figures-'))
  writeFileSync(join(dir, 'carrier.log'), carrier.join('\n'))
  writeFileSync(join(dir, 'phones.log'), phones.join('\n'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

t.test('matches each INVITE-out to its INVITE-in by the caller number, first ring only', async (t) => {
  const numbers = callerNumbers(7, 3)
  t.same(numbers, ['+79030700001', '+79030700002', '+79030700003'])
  const dir = logs([
    'IN +79030700001 1796243089.000000 19420.000000',
    'IN +79030700002 1796243090.000000 999000.000000',
    'IN +79030700003 1796243091.000000 0.000000',
    'OK +79030700001', 'OK +79030700002', 'OK +79030700003'
  ], [
    'OUT +79030700001 1796243089.000000 25937.000000 sip:+79030700001@',
    // Asterisk may drop the "+"; the second call's INVITE-out crosses a second boundary
    'OUT 79030700002 1796243091.000000 4000.000000 sip:79030700002@',
    'OUT +79030700002 1796243092.000000 0.000000 sip:+79030700002@'
  ])
  const f = setupFigures(dir, numbers)
  t.equal(f.placed, 3)
  t.equal(f.succeeded, 2, 'the third caller never reached an operator')
  t.same(f.delaysMs.map((d) => Math.round(d * 1000) / 1000), [6.517, 5])
})

t.test('a call whose caller did not end normally is not a success, though its delay counts', async (t) => {
  const numbers = callerNumbers(1, 1)
  const dir = logs(['IN +79030100001 10.000000 0.000000'], ['OUT +79030100001 10.000000 2500.000000 sip:+79030100001@'])
  const f = setupFigures(dir, numbers)
  t.equal(f.succeeded, 0)
  t.same(f.delaysMs, [2.5])
})

const result = (rate: number, p99: number, succeeded: number): RunResult => ({
  contender: 'floor', recording: 'none', rate, placed: 100, succeeded, p50: 1, p99, max: p99, delaysMs: [],
  asteriskMsPerCall: null, nodeMsPerCall: null, asteriskPct: null, nodePct: null, machinePct: null, load1: 0,
  asteriskWaitMsPerCall: null, nodeWaitMsPerCall: null, extra: {}, inside: null
})

t.test('a run names how long Asterisk and the Node main thread waited for a core', async (t) => {
  t.equal(waitLine(result(5, 10, 100)), null)
  t.equal(waitLine({ ...result(5, 10, 100), asteriskWaitMsPerCall: 1.234, nodeWaitMsPerCall: 0.5 }), "waited for a core, ms a call: Asterisk's threads 1.23, the Node process's main thread 0.50")
  t.equal(waitLine({ ...result(5, 10, 100), contender: 'queue', asteriskWaitMsPerCall: 2 }), "waited for a core, ms a call: Asterisk's threads 2.00")
})

t.test("a process's wait for a core is read from its threads' schedstat", { skip: existsSync('/proc/self/schedstat') ? false : 'no schedstat here' }, async (t) => {
  const main = cpuWaitMs(process.pid, true)
  const all = cpuWaitMs(process.pid, false)
  t.type(main, 'number')
  t.ok(main! >= 0)
  t.ok(all! >= main!, 'every thread waits at least as long as the main thread alone')
  t.equal(cpuWaitMs(null, true), null)
  t.equal(cpuWaitMs(2 ** 30, true), null, 'no such process')
})

t.test('the knee is the highest rate where every run kept p99 under 50 ms and 99 % success', async (t) => {
  t.equal(knee([result(5, 10, 100), result(20, 30, 99), result(40, 49, 100), result(40, 60, 100), result(80, 20, 100)], 'floor'), '80 calls/s')
  t.equal(knee([result(5, 10, 100), result(20, 30, 98)], 'floor'), '5 calls/s')
  t.equal(knee([result(5, 50, 100)], 'floor'), 'none of 5 calls/s')
})

t.test('the bench is off without an ARI URL and reads its lists from the environment', async (t) => {
  t.equal(benchSettings({}), null)
  const s = benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'http://127.0.0.1:8090/', RINGLEAD_BENCH_ASTERISK_OPERATORS: '2001-2003,PJSIP/3000', RINGLEAD_BENCH_ASTERISK_RATES: '5,40', RINGLEAD_BENCH_ASTERISK_PID: '42' })!
  t.equal(s.ari.url, 'http://127.0.0.1:8090')
  t.same(s.operators, ['PJSIP/2001', 'PJSIP/2002', 'PJSIP/2003', 'PJSIP/3000'])
  t.same(s.rates, [5, 40])
  t.equal(s.asteriskPid, 42)
  t.throws(() => benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'x', RINGLEAD_BENCH_ASTERISK_CONTENDERS: 'ringlead,pbx' }), /unknown contender "pbx"/)
})

t.test('a run places its seconds of calls, and at a low rate never fewer than MIN_CALLS', async (t) => {
  const s = benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'http://127.0.0.1:8090' })!
  t.equal(s.minCalls, 300)
  t.equal(callsPerRun(s, 5), 300, '20 s at 5/s would be 100 calls')
  t.equal(callsPerRun(s, 40), 800)
  t.equal(callsPerRun({ durationS: 10, minCalls: 0 }, 5), 50)
})

t.test('each run is preceded by WARM_UP_CALLS unmeasured calls at WARM_UP_RATE', async (t) => {
  const s = benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'http://127.0.0.1:8090' })!
  t.equal(s.warmUpCalls, 3000)
  t.equal(s.warmUpRate, 40)
  const set = benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'http://127.0.0.1:8090', RINGLEAD_BENCH_ASTERISK_WARM_UP_CALLS: '10', RINGLEAD_BENCH_ASTERISK_WARM_UP_RATE: '10' })!
  t.same([set.warmUpCalls, set.warmUpRate], [10, 10])
})

t.test('ringlead\'s own set-up figures come from the difference of two /metrics scrapes', async (t) => {
  const scrape = (counts: number[], lag: number): string => [
    '# HELP ringlead_routing_latency_seconds x',
    ...[0.0005, 0.001, 0.0025].map((le, i) => `ringlead_routing_latency_seconds_bucket{le="${le}"} ${counts[i]}`),
    `ringlead_routing_latency_seconds_bucket{le="+Inf"} ${counts[3]}`,
    `ringlead_event_loop_lag_seconds{quantile="0.99"} ${lag}`
  ].join('\n')
  const before = parseMetrics(scrape([10, 10, 10, 10], 0.5))
  // The run: 50 routings in 0.5–1 ms, 50 in 1–2.5 ms.
  const after = parseMetrics(scrape([10, 60, 110, 110], 0.004))
  t.equal(routingQuantileMs(before, after, 0.5), 1)
  t.equal(routingQuantileMs(before, after, 0.25)!.toFixed(3), '0.750')
  t.equal(routingQuantileMs(before, after, 0.99)!.toFixed(2), '2.47')
  t.equal(after.lag['0.99'], 0.004)
  t.equal(routingQuantileMs(before, before, 0.5), null, 'no routing in the run: no figure')
  const slow = parseMetrics(scrape([0, 0, 0, 4], 0))
  t.equal(routingQuantileMs(parseMetrics(scrape([0, 0, 0, 0], 0)), slow, 0.5), 2.5, 'past the last bound: its lower edge')
})

t.test('DAEMON_ENV lays ringlead settings over the bench\'s, and names a pair it cannot read', async (t) => {
  t.same(daemonEnv(''), {})
  t.same(daemonEnv('RINGLEAD_WEBHOOKS_URLS=  RINGLEAD_LOG_LEVEL=info'), { RINGLEAD_WEBHOOKS_URLS: '', RINGLEAD_LOG_LEVEL: 'info' })
  t.throws(() => daemonEnv('WEBHOOKS=off'), /"WEBHOOKS=off" is not RINGLEAD_NAME=value/)
  t.throws(() => benchSettings({ RINGLEAD_BENCH_ASTERISK_ARI_URL: 'http://127.0.0.1:8090', RINGLEAD_BENCH_ASTERISK_DAEMON_ENV: 'off' }),
    /RINGLEAD_BENCH_ASTERISK_DAEMON_ENV: "off" is not RINGLEAD_NAME=value/, 'at the start, with the other settings')
})
