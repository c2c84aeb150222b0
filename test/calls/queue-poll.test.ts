// The waiting line's poll runs on the clock its caller gives it: a wrap-up that ends by the clock
// alone (no event says so) still gets the waiting caller offered that operator on time.
import { pino } from 'pino'
import t from 'tap'
import { Bus } from '../../src/bus.js'
import { CallQueue } from '../../src/calls/call-queue.js'
import { OperatorBoard } from '../../src/calls/operator-board.js'
import type { RoutingPolicy } from '../../src/domain/routing.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 30, specialistsFirst: true, anyOperatorStep: true, ringAllStep: false, managerLast: true, maxAttempts: 5, efficiencyWeight: 0
}
const wrapUpMs = 30_000
const pollMs = 1000

t.test('a caller waiting for an operator in wrap-up is offered them within one poll of the wrap-up\'s end', async (t) => {
  const clock = new VirtualClock()
  const bus = new Bus()
  const now = (): number => clock.now()
  // No timer for the board: nothing but the line's poll notices the wrap-up is over.
  const board = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Ana', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: () => new Map(), bus, now, wrapUpMs, timeZone: 'UTC'
  })
  board.reload()
  const queue = new CallQueue({ board, bus, now, setTimeout: (fn, ms) => clock.setTimeout(fn, ms), log: pino({ level: 'silent' }), settings: { priorityReturning: false, pollMs } })
  queue.start()
  t.teardown(() => { queue.stop() })

  board.talkStarted('op_1')
  board.talkEnded('op_1', 60_000)
  const wrapUpEnds = clock.now() + wrapUpMs
  queue.join({ callId: 'call-b', arrivedAtMs: clock.now(), returning: false, categoryId: null, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set() }, policy, null)
  const offers: Array<{ operatorId: string; atMs: number }> = []
  queue.ready('call-b', (op) => { offers.push({ operatorId: op.operatorId, atMs: clock.now() }) })

  await clock.advance(wrapUpMs - 1)
  t.same(offers, [], 'nobody offered during the wrap-up')
  await clock.advance(pollMs)
  t.same(offers, [{ operatorId: 'op_1', atMs: wrapUpEnds }], 'offered by the poll as the wrap-up ends')

  queue.leave('call-b')
  t.equal(clock.timers, 0, 'with nobody waiting the line stops polling')
})

t.test('a waiting caller\'s expected handling time: the answered calls of the last 24 hours, kept in memory as calls end', async (t) => {
  const clock = new VirtualClock()
  const bus = new Bus()
  const now = (): number => clock.now()
  const board = new OperatorBoard({ loadOperators: () => [], statsSince: () => new Map(), bus, now, wrapUpMs, timeZone: 'UTC' })
  const queue = new CallQueue({ board, bus, now, setTimeout: (fn, ms) => clock.setTimeout(fn, ms), log: pino({ level: 'silent' }), settings: { priorityReturning: false, pollMs } })
  queue.start()
  t.teardown(() => { queue.stop() })
  t.equal(queue.averageTalkMs(), null, 'no calls: the settings\' default is used')

  // What the database held at start (read once), then calls ending.
  const start = clock.now()
  const asked: number[] = []
  queue.rememberTalk((sinceMs) => { asked.push(sinceMs); return [{ startedAt: start - 3_600_000, talkMs: 120_000 }] })
  t.same(asked, [start - 86_400_000], 'the database is asked once, for the last 24 hours')
  const ended = (status: string, startedAt: number, talkMs: number): void => {
    bus.emit('call.ended', { callId: `c${startedAt}`, status, startedAt, talkMs } as never)
  }
  ended('answered', start, 60_000)
  ended('missed', start, 0)
  ended('abandoned', start, 0)
  t.equal(queue.averageTalkMs(), 90_000, 'answered calls only')

  await clock.advance(86_400_000 - 3_600_000 + 60_000)
  t.equal(queue.averageTalkMs(), 60_000, 'the call of an hour before start left the window a day later')
  await clock.advance(3_600_000)
  t.equal(queue.averageTalkMs(), null)
  queue.stop()
  ended('answered', clock.now(), 30_000)
  t.equal(queue.averageTalkMs(), null, 'a stopped line no longer listens')
})
