// Waiting callers: the decision made each time an operator becomes free, with 500 callers waiting
// and 1,000 operators (target ≤ 1 ms per event). Runs the real CallQueue on the real bus.
import pino from 'pino'
import { Bus } from '../src/bus.js'
import { systemClock } from '../src/clock.js'
import { CallQueue } from '../src/calls/call-queue.js'
import type { OperatorBoard } from '../src/calls/operator-board.js'
import type { OperatorSnapshot, RoutingPolicy } from '../src/domain/routing.js'
import { percentiles, printFigures, seeded } from './stats.js'

export async function benchQueue (waitingCount = 500, operatorCount = 1000, events = 20_000): Promise<Record<string, string>> {
  const random = seeded(7)
  const categories = Array.from({ length: 20 }, (_, i) => `cat${i}`)
  const operators: OperatorSnapshot[] = Array.from({ length: operatorCount }, (_, i) => {
    const skills: Record<string, number> = {}
    for (let k = 0; k < 3; k++) skills[categories[Math.floor(random() * categories.length)]!] = 1 + Math.floor(random() * 5)
    return {
      operatorId: `op_${i}`, endpoint: `PJSIP/${1000 + i}`, isManager: i % 100 === 0, skills, state: 'talking', stateReason: 'on a call',
      idleSinceMs: 0, today: { currentCalls: 1, answeredCalls: 0, talkMs: 0, deals: 0 }
    }
  })
  const base: RoutingPolicy = { ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true, ringAllStep: false, managerLast: true, maxAttempts: 6, efficiencyWeight: 0.5 }
  // Half the categories take specialists only: a freed operator often has to look far down the line.
  const policyOf = (category: string): RoutingPolicy => Number(category.slice(3)) % 2 === 0 ? { ...base, anyOperatorStep: false } : base
  const bus = new Bus()
  const board = { snapshot: () => operators } as unknown as OperatorBoard
  const queue = new CallQueue({ board, bus, now: () => 1_800_000_000_000, setTimeout: systemClock.setTimeout, log: pino({ level: 'silent' }), settings: { priorityReturning: true, pollMs: 60_000 } })
  queue.start()
  let offered = 0
  const readyAgain: string[] = []
  const offer = (callId: string) => (): void => { offered++; readyAgain.push(callId) }
  for (let i = 0; i < waitingCount; i++) {
    const categoryId = categories[Math.floor(random() * categories.length)]!
    const callId = `call_${i}`
    queue.join({ callId, arrivedAtMs: i, returning: random() < 0.3, categoryId, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set() }, policyOf(categoryId), null)
    queue.ready(callId, offer(callId))
  }
  await new Promise((resolve) => setImmediate(resolve))

  const samples: number[] = []
  let nobodyFits = 0
  for (let i = 0; i < events; i++) {
    const op = operators[Math.floor(random() * operatorCount)]!
    op.state = 'available'
    const before = offered
    const t0 = process.hrtime.bigint()
    bus.emit('operator.state', { operatorId: op.operatorId, state: 'available', reason: 'free', atMs: 0 })
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (offered === before) nobodyFits++
    op.state = 'talking'
    // The offered call rang the operator, who did not answer: it is ready for the next one.
    for (const callId of readyAgain.splice(0)) { queue.notAnswered(callId, '-'); queue.ready(callId, offer(callId)) }
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve))
  }
  queue.stop()
  const p = percentiles(samples.slice(1000))
  return {
    'waiting callers / operators': `${waitingCount} / ${operatorCount}`,
    'operator-freed events': String(events),
    'event → offer p50 ms': p.p50.toFixed(4),
    'event → offer p99 ms': p.p99.toFixed(4),
    'event → offer max ms': p.max.toFixed(4),
    'events where the operator fitted nobody': String(nobodyFits),
    'target': '≤ 1 ms per operator-freed event'
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('queue: operator freed → waiting caller offered', await benchQueue())
