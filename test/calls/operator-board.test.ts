import t from 'tap'
import { Bus } from '../../src/bus.js'
import { OperatorBoard } from '../../src/calls/operator-board.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

t.test('an operator\'s wrap-up ends on time with an event, without anyone reading the board', async (t) => {
  const clock = new VirtualClock()
  const bus = new Bus()
  const board = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Anna', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: () => new Map(), bus, now: () => clock.now(), wrapUpMs: 15_000, setTimeout: (fn, ms) => clock.setTimeout(fn, ms)
  })
  board.reload()
  const states: string[] = []
  bus.on('operator.state', (e) => { states.push(e.state) })
  board.talkStarted('op_1')
  await clock.advance(5_000)
  board.talkEnded('op_1', 5_000)
  t.same(clock.dueIn(), [15_000], 'one timer, at the end of the wrap-up')
  await clock.advance(14_999)
  t.same(states, ['talking', 'wrap_up'])
  await clock.advance(1)
  t.same(states, ['talking', 'wrap_up', 'available'])
  t.equal(clock.timers, 0)
})
