import t from 'tap'
import { pooled, pooledLines, type PooledRun } from '../../bench/asterisk/pooled.js'
import { quantileDifference, seeded } from '../../bench/stats.js'

/** n delays spread like a set-up time: 4–8 ms, with a tail every 50th call. */
function delays (n: number, seed: number, shiftMs = 0): number[] {
  const rng = seeded(seed)
  return Array.from({ length: n }, (_, i) => 4 + 4 * rng() + (i % 50 === 0 ? 10 + 10 * rng() : 0) + shiftMs)
}

const run = (contender: string, rate: number, d: number[], nodeMsPerCall: number | null): PooledRun =>
  ({ contender, rate, placed: d.length, delaysMs: d, nodeMsPerCall })

t.test('pooling takes the percentiles over every round\'s calls and weighs CPU by calls', async (t) => {
  const a = Array.from({ length: 100 }, (_, i) => i + 1) // 1…100
  const b = Array.from({ length: 100 }, (_, i) => i + 101) // 101…200
  const p = pooled([run('floor', 40, a, 4), { ...run('floor', 40, b, 6), placed: 300 }])
  t.equal(p.calls, 200)
  t.equal(p.p50, 101, 'the 100th of 200, counted from 0')
  t.equal(p.p99, 199)
  t.equal(p.nodeMsPerCall, (4 * 100 + 6 * 300) / 400)
  t.equal(pooled([run('floor', 40, a, 4), run('floor', 40, b, null)]).nodeMsPerCall, null, 'a round without CPU leaves the pooled figure out')
})

t.test('the same calls twice: a difference of 0 and an interval around it', async (t) => {
  const a = delays(2400, 1)
  const d = quantileDifference(a, [...a])
  t.equal(d.diff, 0)
  t.ok(d.low < 0 && d.high > 0, `interval ${d.low} … ${d.high} holds 0`)
  t.same(quantileDifference(a, [...a]), d, 'seeded: the same calls give the same interval')
})

t.test('two samples of one distribution: the interval holds the true difference, 0', async (t) => {
  const d = quantileDifference(delays(2400, 2), delays(2400, 3))
  t.ok(d.low <= 0 && d.high >= 0, `interval ${d.low.toFixed(2)} … ${d.high.toFixed(2)} holds 0`)
})

t.test('a tail 3 ms slower is told apart from noise', async (t) => {
  const d = quantileDifference(delays(2400, 4, 3), delays(2400, 5))
  t.ok(d.diff > 1.5 && d.diff < 4.5, `difference ${d.diff.toFixed(2)}`)
  t.ok(d.low > 0, `the interval ${d.low.toFixed(2)} … ${d.high.toFixed(2)} leaves out 0`)
  t.ok(d.low <= d.diff && d.diff <= d.high)
})

t.test('empty samples give no figure, not a number that looks like one', async (t) => {
  const d = quantileDifference([], [1, 2])
  t.ok(Number.isNaN(d.diff) && Number.isNaN(d.low) && Number.isNaN(d.high))
})

t.test('the pooled lines: each contender per rate, and ringlead against the floor', async (t) => {
  const runs = [
    run('ringlead', 40, delays(800, 6, 3), 6.2), run('floor', 40, delays(800, 7), 5.0),
    run('ringlead', 40, delays(800, 8, 3), 6.4), run('floor', 40, delays(800, 9), 5.2),
    run('queue', 40, delays(800, 10), null), run('queue', 40, delays(800, 11), null)
  ]
  const lines = pooledLines(runs, 2)
  const each = lines['pooled, 40 calls/s (2 rounds): p50 / p99']!
  t.match(each, /^ringlead [\d.]+ \/ [\d.]+ ms over 1600 calls, Node 6\.30 ms a call · floor [\d.]+ \/ [\d.]+ ms over 1600 calls, Node 5\.10 ms a call · queue [\d.]+ \/ [\d.]+ ms over 1600 calls$/)
  t.match(lines['pooled, 40 calls/s: ringlead p99 − floor p99']!, /^[+−][\d.]+ ms \(95 % bootstrap interval [+−][\d.]+ … [+−][\d.]+ ms\); Node CPU 1\.24× the floor's$/)
  t.same(pooledLines(runs, 1), {}, 'one round: the runs\' own lines say it all')
  const noCalls = pooledLines([run('ringlead', 5, [], 1), run('floor', 5, delays(300, 12), 1), run('ringlead', 5, [], 1), run('floor', 5, delays(300, 13), 1)], 2)
  t.equal(noCalls['pooled, 5 calls/s: ringlead p99 − floor p99'], 'n/a ms (95 % bootstrap interval n/a … n/a ms)', 'no call reached an operator: no figure')
  t.same(Object.keys(pooledLines(runs.filter((r) => r.contender !== 'floor'), 2)), ['pooled, 40 calls/s (2 rounds): p50 / p99'], 'no floor, no difference')
})
