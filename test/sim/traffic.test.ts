import t from 'tap'
import { startTraffic } from '../../src/sim/traffic.js'
import { EventStream, startSim, until } from './helpers.js'

/** Deterministic stand-in for Math.random. */
function seeded (seed: number): () => number {
  let s = seed
  return () => { s = (s * 1664525 + 1013904223) % 4294967296; return s / 4294967296 }
}

t.test('traffic places Poisson-spaced calls to the given DIDs, reuses returning callers, and stops on demand', async (t) => {
  const { sim } = await startSim(t)
  for (const r of ['101', '102']) sim.addEndpoint(r)
  const ev = await EventStream.open(sim)
  const traffic = startTraffic(sim, {
    dids: ['74950000001', '74950000002'], callsPerMinute: 6000, returningShare: 0.5, talkMs: { min: 5, max: 20 },
    abandonShare: 0.2, patienceMs: { min: 5, max: 20 }, operators: ['101', '102'], secondsMs: 5
  }, seeded(42))
  await until('ten calls', () => traffic.placed >= 10)
  traffic.stop()
  const placed = traffic.placed
  await until('calls in Stasis', () => ev.events.filter((e) => e.type === 'StasisStart').length >= 10)
  const starts = ev.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel as { caller: { number: string }; dialplan: { exten: string } })
  t.ok(starts.every((c) => ['74950000001', '74950000002'].includes(c.dialplan.exten)), 'every call goes to a configured DID')
  const numbers = starts.map((c) => c.caller.number)
  t.ok(new Set(numbers).size < numbers.length, 'some callers call again')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(traffic.placed, placed, 'no calls after stop()')
})

t.test('no calls per minute is no traffic at all: no bursts either', async (t) => {
  const { VirtualClock } = await import('../helpers/virtual-clock.js')
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const traffic = startTraffic(sim, {
    dids: ['74950000001'], callsPerMinute: 0, returningShare: 0, talkMs: { min: 5, max: 20 }, abandonShare: 0,
    burst: { everyMinutes: 3, calls: 5 }
  }, seeded(1), clock)
  await clock.advance(10 * 60_000)
  t.equal(traffic.placed, 0)
  t.equal(clock.timers, 0, 'nothing left waiting to run')
  traffic.stop()
})
