// The board says free or busy by the freshest state: a phone's busy state that only echoed
// ringlead's own call says nothing once that call is over; one from a call of the phone's own does.
import t from 'tap'
import { Bus } from '../../src/bus.js'
import { OperatorBoard } from '../../src/calls/operator-board.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

function board (): OperatorBoard {
  const b = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Ana', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: () => new Map(),
    bus: new Bus(),
    now: () => 1_000_000,
    wrapUpMs: 0,
    timeZone: 'UTC'
  })
  b.reload()
  return b
}

const stateOf = (b: OperatorBoard): string => b.snapshot(1_000_000)[0]!.state

t.test('an operator whose phone reported in use during ringlead\'s own call is free as soon as that call ends, before the phone reports idle', async (t) => {
  const b = board()
  b.legRinging('op_1')
  b.setDeviceState('PJSIP/101', 'RINGING')
  b.legStoppedRinging('op_1')
  b.talkStarted('op_1')
  b.setDeviceState('PJSIP/101', 'INUSE')
  t.equal(stateOf(b), 'talking')
  b.talkEnded('op_1', 5000)
  t.equal(stateOf(b), 'available', 'the late INUSE is the echo of the call that ended')
  t.equal(b.view('op_1')?.state, 'available')
  b.setDeviceState('PJSIP/101', 'NOT_INUSE')
  t.equal(stateOf(b), 'available')
})

t.test('a phone busy on a call of its own (not through ringlead) counts as talking', async (t) => {
  const b = board()
  b.setDeviceState('PJSIP/101', 'INUSE')
  t.equal(stateOf(b), 'talking')
  // ringlead's leg came and went meanwhile: the phone's own call still holds it.
  b.legRinging('op_1')
  b.legStoppedRinging('op_1')
  t.equal(stateOf(b), 'talking')
})

t.test('a busy state reported after ringlead\'s call ended is believed', async (t) => {
  const b = board()
  b.talkStarted('op_1')
  b.talkEnded('op_1', 1000)
  b.setDeviceState('PJSIP/101', 'BUSY')
  t.equal(stateOf(b), 'talking')
})

t.test('an operator\'s wrap-up ends on time with an event, without anyone reading the board', async (t) => {
  const clock = new VirtualClock()
  const bus = new Bus()
  const board = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Anna', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: () => new Map(), bus, now: () => clock.now(), wrapUpMs: 15_000, timeZone: 'UTC', setTimeout: (fn, ms) => clock.setTimeout(fn, ms)
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
