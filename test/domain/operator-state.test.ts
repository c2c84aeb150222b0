import t from 'tap'
import { decideAvailability, type OperatorSignals } from '../../src/domain/operator-state.js'

const base: OperatorSignals = { paused: false, ringingLegs: 0, talkingLegs: 0, lastCallEndedMs: null }
const now = 100_000

t.test('an operator with nothing going on is available, even before Asterisk reports a state', async (t) => {
  t.same(decideAvailability(base, now, 15_000), { state: 'available', reason: 'free' })
})

t.test('pause wins over everything', async (t) => {
  t.equal(decideAvailability({ ...base, paused: true, talkingLegs: 1 }, now, 0).state, 'paused')
})

t.test('an unregistered or unavailable phone cannot take calls', async (t) => {
  t.equal(decideAvailability({ ...base, registered: false }, now, 0).state, 'unregistered')
  t.equal(decideAvailability({ ...base, deviceState: 'UNAVAILABLE' }, now, 0).state, 'unregistered')
})

t.test('calls made outside ringlead still make the operator busy', async (t) => {
  t.same(decideAvailability({ ...base, deviceState: 'INUSE' }, now, 0), { state: 'talking', reason: 'on a call (phone inuse)' })
  t.equal(decideAvailability({ ...base, deviceState: 'RINGING' }, now, 0).state, 'ringing')
  t.equal(decideAvailability({ ...base, talkingLegs: 1, deviceState: 'NOT_INUSE' }, now, 0).state, 'talking')
  t.equal(decideAvailability({ ...base, ringingLegs: 1 }, now, 0).state, 'ringing')
})

t.test('wrap-up lasts the configured time after a call', async (t) => {
  t.same(decideAvailability({ ...base, lastCallEndedMs: now - 5_000 }, now, 15_000), { state: 'wrap_up', reason: 'in wrap-up for 10 s more' })
  t.equal(decideAvailability({ ...base, lastCallEndedMs: now - 15_000 }, now, 15_000).state, 'available')
})
