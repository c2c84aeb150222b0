// plan() over 1,000 operators with skills: per-call latency percentiles, with the operators in the
// CPU's caches (plan() after plan()) and out of them, as in the daemon, where a call's other work
// runs between two plans (here: 8 MB read between two calls, four times the core's L2).
import { plan, type OperatorSnapshot, type RoutingPolicy } from '../src/domain/routing.js'
import { percentiles, seeded, printFigures } from './stats.js'

export function benchPlan (operatorCount = 1000, iterations = 20_000): Record<string, string> {
  const random = seeded(42)
  const categories = Array.from({ length: 20 }, (_, i) => `cat${i}`)
  const states: OperatorSnapshot['state'][] = ['available', 'available', 'available', 'talking', 'ringing', 'wrap_up', 'paused', 'unregistered']
  const now = 1_800_000_000_000
  const operators: OperatorSnapshot[] = Array.from({ length: operatorCount }, (_, i) => {
    const skills: Record<string, number> = {}
    for (let k = 0; k < 3; k++) skills[categories[Math.floor(random() * categories.length)]!] = 1 + Math.floor(random() * 5)
    const state = states[Math.floor(random() * states.length)]!
    return {
      operatorId: `op_${i}`, endpoint: `PJSIP/${1000 + i}`, isManager: i % 100 === 0, skills, state, stateReason: state,
      idleSinceMs: now - Math.floor(random() * 3_600_000),
      today: { currentCalls: 0, answeredCalls: Math.floor(random() * 40), talkMs: Math.floor(random() * 7_200_000), deals: Math.floor(random() * 10) }
    }
  })
  const policy: RoutingPolicy = { ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true, ringAllStep: false, managerLast: true, maxAttempts: 6, efficiencyWeight: 0.5 }
  const other = new Int32Array(2 * 1024 * 1024)
  let sink = 0
  const run = (count: number, cold: boolean): { p: ReturnType<typeof percentiles>; steps: number } => {
    const samples: number[] = []
    let steps = 0
    for (let i = 0; i < count; i++) {
      if (cold) for (let k = 0; k < other.length; k += 16) sink += other[k]!++
      const call = { categoryId: categories[i % categories.length]!, stickyOperatorId: i % 3 === 0 ? `op_${i % operatorCount}` : null, lastCallAtMs: now - 86_400_000 }
      const t0 = process.hrtime.bigint()
      const p = plan(call, operators, policy, now)
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
      steps += p.steps.length
    }
    return { p: percentiles(samples.slice(Math.min(1000, count / 10))), steps: steps / count } // first iterations warm the JIT up
  }
  const hot = run(iterations, false)
  const cold = run(Math.max(2000, iterations / 10), true)
  return {
    'plan() operators': String(operatorCount),
    'plan() p50 ms': hot.p.p50.toFixed(4),
    'plan() p99 ms': hot.p.p99.toFixed(4),
    'plan() max ms': hot.p.max.toFixed(4),
    'plan() mean steps': hot.steps.toFixed(2),
    'plan() caches cold p50 / p99 ms': `${cold.p.p50.toFixed(4)} / ${cold.p.p99.toFixed(4)}${sink === 0.5 ? ' ' : ''}`
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('routing plan', benchPlan())
