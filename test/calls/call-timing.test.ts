// The timing decisions of a call on virtual time: the daemon's clock moves only when the test
// moves it, so each decision is checked to the millisecond however busy the machine is. The
// simulated Asterisk runs on its own (real) time; where it must not end a ring by itself within
// the test, its seconds are real seconds.
import t, { type Test } from 'tap'
import type { Config, DeepPartial } from '../../src/config.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

async function world (t: Test, overrides: DeepPartial<Config>, simSecondsMs?: number): Promise<{ w: World; clock: VirtualClock }> {
  const clock = new VirtualClock()
  const w = await startWorld(overrides, { clock }, simSecondsMs)
  t.teardown(async () => {
    // The daemon's grace period for calls still up runs on this clock too: end them first.
    for (const c of w.sim.channels()) if (c.origin === 'inbound') w.sim.hangup(c.channelId)
    await until('lines free', () => w.daemon.center.activeCalls === 0)
    await w.close()
  })
  return { w, clock }
}

const attemptsOf = (w: World, channelId: string): Array<{ operatorId: string; result: string; causeText: string | null; ringMs: number | null }> => {
  const call = w.daemon.repo.lastCallOfChannel(channelId)
  return call === undefined ? [] : w.daemon.repo.attempts(call.callId)
}
const bridged = (w: World, channelId: string): boolean => w.sim.bridges().some((b) => b.channelIds.includes(channelId) && b.channelIds.length === 2)

t.test('a ring Asterisk never ends is given up after the ring timeout and the guard, and the next operator rings', async (t) => {
  // Asterisk would end this ring after 300 real seconds: long after the test.
  const { w, clock } = await world(t, { routing: { ringTimeoutSeconds: 300 }, calls: { attemptGuardMs: 3000 } }, 1000)
  const silent = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const next = w.addOperator('102')
  w.daemon.board.reload()
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('the first operator rings', () => attemptsOf(w, caller.channelId).length === 1)
  await until('the ring guard is set', () => clock.dueIn().includes(303_000))
  await clock.advance(302_999)
  t.match(attemptsOf(w, caller.channelId), [{ operatorId: silent, result: 'ringing' }], 'still ringing a moment before the guard')
  await clock.advance(1)
  await until('the next operator answers', () => bridged(w, caller.channelId))
  w.sim.hangup(caller.channelId)
  const e = await ended
  t.equal(e.answeredBy, next)
  const [first, second] = attemptsOf(w, caller.channelId)
  t.match(first, { operatorId: silent, result: 'no_answer', causeText: 'no answer reported by Asterisk in time', ringMs: 303_000 })
  t.match(second, { operatorId: next, result: 'answered', ringMs: 0 })
})

/** One operator, busy with a first caller: whoever calls next waits. */
async function busyShop (t: Test, queue: { maxWaitSeconds: number; announceEverySeconds: number }): Promise<{ w: World; clock: VirtualClock }> {
  const { w, clock } = await world(t, { queue: { enabled: true, pollMs: 50, ...queue } })
  w.addOperator('101')
  const first = w.sim.placeCall({ from: '+79030000001', did: '74950000000' })
  await until('first call talking', () => bridged(w, first.channelId))
  return { w, clock }
}

const waiting = (w: World): number => w.daemon.queue.waiting().length

t.test('a waiting caller hears their position at once, then again every announcement period after the last one ends', async (t) => {
  const { w, clock } = await busyShop(t, { maxWaitSeconds: 600, announceEverySeconds: 20 })
  const caller = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  const announcements = (): number => w.sim.heard(caller.channelId).filter((m) => m === 'sound:ringlead/queue-position').length
  await until('the first announcement', () => announcements() === 1)
  await until('the next announcement is timed', () => clock.dueIn().includes(20_000))
  await clock.advance(19_999)
  t.equal(announcements(), 1, 'nothing more before 20 s')
  await clock.advance(1)
  await until('the second announcement', () => announcements() === 2)
  await until('the third announcement is timed', () => clock.dueIn().includes(20_000))
  t.equal(waiting(w), 1)
})

t.test('after the longest wait the caller is offered a callback, to the millisecond', async (t) => {
  const { w, clock } = await busyShop(t, { maxWaitSeconds: 90, announceEverySeconds: 1000 })
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('the longest wait is timed', () => waiting(w) === 1 && clock.dueIn().includes(90_000))
  await clock.advance(89_999)
  t.equal(waiting(w), 1, 'still waiting a moment before')
  await clock.advance(1)
  const call = await ended
  t.equal(call.status, 'callback')
  t.equal(call.waitMs, 90_000)
  t.equal(call.endReason, 'no operator within 90 s of waiting: callback offered')
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'callback_timeout')
})

t.test('a caller with a hidden number is let go after the longest wait, as a call nobody answered', async (t) => {
  const { w, clock } = await busyShop(t, { maxWaitSeconds: 45, announceEverySeconds: 1000 })
  const ended = w.ended((e) => e.callerRaw === 'anonymous')
  w.sim.placeCall({ from: 'anonymous', did: '74950000000' })
  await until('the longest wait is timed', () => waiting(w) === 1 && clock.dueIn().includes(45_000))
  await clock.advance(45_000)
  const call = await ended
  t.equal(call.status, 'missed')
  t.equal(call.waitMs, 45_000)
  t.equal(call.endReason, 'nobody answered while the caller waited')
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'nobody_left')
})

t.test('at the longest wait an operator already ringing for the caller still gets to answer', async (t) => {
  const { w, clock } = await world(t, { queue: { enabled: true, pollMs: 50, maxWaitSeconds: 60, announceEverySeconds: 1000 }, routing: { ringTimeoutSeconds: 300 } })
  w.addOperator('101')
  const first = w.sim.placeCall({ from: '+79030000001', did: '74950000000' })
  await until('first call talking', () => bridged(w, first.channelId))
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const caller = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('the longest wait is timed', () => waiting(w) === 1 && clock.dueIn().includes(60_000))
  // A second operator comes to work, slow to pick up: rung for the waiting caller at the line's next poll.
  w.addOperator('102', { behaviour: { kind: 'answer', afterMs: 3000 } })
  w.daemon.board.reload()
  await clock.advance(50)
  await until('102 rings for the waiting caller', () => w.daemon.queue.waiting()[0]?.ringingOperatorId === 'op_102')
  await clock.advance(60_000 - 50)
  t.equal(waiting(w), 1, 'still in line while 102 rings')
  await until('connected to 102', () => bridged(w, caller.channelId))
  w.sim.hangup(caller.channelId)
  const call = await ended
  t.equal(call.status, 'answered')
  t.equal(call.answeredBy, 'op_102')
  t.equal(call.waitMs, 60_000)
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'connected')
})
