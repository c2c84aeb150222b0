// plan() over 1,000 operators with skills: per-call latency percentiles.
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
  const samples: number[] = []
  let steps = 0
  for (let i = 0; i < iterations; i++) {
    const call = { categoryId: categories[i % categories.length]!, stickyOperatorId: i % 3 === 0 ? `op_${i % operatorCount}` : null, lastCallAtMs: now - 86_400_000 }
    const t0 = process.hrtime.bigint()
    const p = plan(call, operators, policy, now)
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    steps += p.steps.length
  }
  const p = percentiles(samples.slice(1000)) // first iterations warm the JIT up
  return {
    'plan() operators': String(operatorCount),
    'plan() p50 ms': p.p50.toFixed(4),
    'plan() p99 ms': p.p99.toFixed(4),
    'plan() max ms': p.max.toFixed(4),
    'plan() mean steps': (steps / iterations).toFixed(2)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('routing plan', benchPlan())
