// An operator who answers goes from ringing to talking in one step on the board: the waiting line,
// which offers every operator the board calls free to the next caller, never sees them free in
// between (the answer is recorded before the conversation is set up, on a later turn).
import { pino } from 'pino'
import t from 'tap'
import { Bus } from '../../src/bus.js'
import { systemClock } from '../../src/clock.js'
import type { CallContext, OperatorLeg } from '../../src/calls/call-context.js'
import { CallQueue } from '../../src/calls/call-queue.js'
import { OperatorBoard } from '../../src/calls/operator-board.js'
import { recordAttempt } from '../../src/calls/steps/ring-step.js'
import type { RoutingPolicy } from '../../src/domain/routing.js'

const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 30, specialistsFirst: true, anyOperatorStep: true, ringAllStep: false, managerLast: true, maxAttempts: 5, efficiencyWeight: 0
}
const now = (): number => 1_000_000
const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

/** One operator (op_1) on a board, and the waiting line that offers them, polling every `pollMs`. */
function lineWithOneOperator (pollMs: number): { board: OperatorBoard, queue: CallQueue } {
  const bus = new Bus()
  const board = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Ana', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: () => new Map(), bus, now, wrapUpMs: 0, timeZone: 'UTC'
  })
  board.reload()
  return { board, queue: new CallQueue({ board, bus, now, setTimeout: systemClock.setTimeout, log: pino({ level: 'silent' }), settings: { priorityReturning: false, pollMs } }) }
}

t.test('the operator who answers one caller is not offered to the next one waiting before the conversation starts', async (t) => {
  const { board, queue } = lineWithOneOperator(50)
  queue.start()
  t.teardown(() => { queue.stop() })

  // op_1 rings for caller A; caller B waits for the next free operator.
  board.legRinging('op_1')
  queue.join({ callId: 'call-b', arrivedAtMs: now(), returning: false, categoryId: null, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set() }, policy, null)
  const offered: string[] = []
  queue.ready('call-b', (op) => { offered.push(op.operatorId) })
  await nextTurn()
  t.same(offered, [], 'nobody free while op_1 rings')

  const entry = { attempt: { channelId: 'rl-op1', dispose: () => {} }, operatorId: 'op_1', attemptId: 'att-1', startedAt: now() } as unknown as OperatorLeg
  const ctx = {
    now, ringing: new Map([['rl-op1', entry]]), attempts: [], talkingOnBoard: null, log: pino({ level: 'silent' }),
    deps: { board, repo: { updateAttempt: () => {} } }
  } as unknown as CallContext
  recordAttempt(ctx, entry, { result: 'answered', cause: null, causeText: '' }, true)
  t.equal(board.snapshot(now())[0]!.state, 'talking', 'talking from the answer on')
  await nextTurn()
  queue.dispatch() // the line's poll, between the answer and the conversation
  t.same(offered, [], 'B is not offered the operator who took A')

  board.talkEnded('op_1', 60_000)
  queue.dispatch()
  t.same(offered, ['op_1'], 'once A is over, B gets op_1')
})

t.test('an operator who becomes free is offered to a waiting caller by the state event itself, not by the next poll', async (t) => {
  // A poll an hour apart: only the event can make the offer within this test.
  const { board, queue } = lineWithOneOperator(3_600_000)
  queue.start()
  t.teardown(() => { queue.stop() })

  board.talkStarted('op_1')
  queue.join({ callId: 'call-b', arrivedAtMs: now(), returning: false, categoryId: null, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set() }, policy, null)
  const offered: string[] = []
  queue.ready('call-b', (op) => { offered.push(op.operatorId) })
  await nextTurn()
  t.same(offered, [], 'nobody free while op_1 talks')

  board.talkEnded('op_1', 60_000)
  t.same(offered, ['op_1'], 'offered as the board announces op_1 free')
})
