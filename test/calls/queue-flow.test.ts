// Callers waiting when nobody is free, end to end in the simulator.
import t, { type Test } from 'tap'
import { startWorld, until, type World } from '../helpers/world.js'
import { EventStream } from '../sim/helpers.js'

const queueOn = { enabled: true, maxWaitSeconds: 30, announceEverySeconds: 0.5, pollMs: 50 }

async function busyShop (t: Test, queue: Record<string, unknown> = {}, ringTimeoutSeconds = 2, sounds: Record<string, number> = {}): Promise<{ w: World; first: { channelId: string } }> {
  const w = await startWorld({ queue: { ...queueOn, ...queue }, routing: { ringTimeoutSeconds } }, {}, { sounds })
  t.teardown(async () => {
    // Calls still up would hold the daemon's shutdown for its grace period.
    for (const c of w.sim.channels()) if (c.origin === 'inbound') w.sim.hangup(c.channelId)
    await until('lines free', () => w.daemon.center.activeCalls === 0)
    await w.close()
  })
  w.addOperator('101')
  // The only operator takes a first call and is busy with it.
  const first = w.sim.placeCall({ from: '+79030000001', did: '74950000000' })
  await until('first call talking', () => w.sim.bridges().some((b) => b.channelIds.length === 2))
  return { w, first }
}

const waitingCount = (w: World): number => w.daemon.queue.waiting().length

t.test('nobody free: the caller waits with music and their position, and gets the operator when they are free', async (t) => {
  const { w, first } = await busyShop(t)
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const second = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('second caller waiting', () => waitingCount(w) === 1)
  t.match(w.daemon.queue.waiting()[0], { position: 1, callerPhone: '+79030000002', ringingOperatorId: null })
  t.equal(w.daemon.repo.lastCallOfChannel(second.channelId)?.status, 'waiting')
  await until('position announced', () => w.sim.heard(second.channelId).includes('sound:ringlead/queue-position'))
  const heard = w.sim.heard(second.channelId)
  const at = heard.indexOf('sound:ringlead/queue-position')
  t.same(heard.slice(at, at + 5), ['sound:ringlead/queue-position', 'number:1', 'sound:ringlead/queue-wait-minutes', 'number:3', 'sound:ringlead/queue-press-1'], 'position 1, about 3 minutes (one operator, 180 s a call)')
  await until('music on hold between announcements', () => w.sim.channels().find((c) => c.channelId === second.channelId)?.moh === 'default')

  w.sim.hangup(first.channelId)
  await until('second caller talking to the operator', () => w.sim.bridges().some((b) => b.channelIds.includes(second.channelId) && b.channelIds.length === 2))
  t.notOk(w.sim.channels().find((c) => c.channelId === second.channelId)?.moh, 'music stopped for the conversation')
  t.equal(waitingCount(w), 0)
  w.sim.hangup(second.channelId)
  const call = await ended
  t.equal(call.status, 'answered')
  t.equal(call.answeredBy, 'op_101')
  t.ok(call.waitMs !== null && call.waitMs > 0, 'the wait is recorded')
  const row = w.daemon.repo.call(call.callId)!
  t.match(row, { queueOutcome: 'connected' })
  t.match(JSON.parse(row.plan!).steps.at(-1), { kind: 'queue', targets: [{ operatorId: 'op_101' }] })
  t.ok(JSON.parse(row.plan!).reasons.includes('waiting: 1 operator who can take the call is busy'))
})

t.test('an operator who answers during a position announcement gets the caller at once: the announcement is stopped', async (t) => {
  // The announcement opens with a prompt of 12,000 protocol seconds (10 minutes here): only
  // stopping it lets the caller into the bridge.
  const { w, first } = await busyShop(t, {}, 2, { 'ringlead/queue-position': 12_000 })
  // ringlead's app filters out the bridge events it never reads: a watcher of its own sees them.
  const watch = await EventStream.open(w.sim, 'app=test-watch&subscribeAll=true')
  t.teardown(() => { watch.close() })
  const second = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('position being announced', () => w.sim.heard(second.channelId).includes('sound:ringlead/queue-position'))
  w.sim.hangup(first.channelId)
  await until('second caller talking to the operator', () => w.sim.bridges().some((b) => b.channelIds.includes(second.channelId) && b.channelIds.length === 2), 30_000)
  const order = w.sim.wire.events().filter((e) => e.application === 'test-watch').map((e) => e.body).flatMap((b) => {
    if (b.type === 'PlaybackFinished' && (b.playback as { media_uri: string }).media_uri === 'sound:ringlead/queue-position') return ['announcement finished']
    if (b.type === 'ChannelEnteredBridge' && (b.channel as { id: string }).id === second.channelId) return ['caller entered']
    return []
  })
  t.same(order, ['announcement finished', 'caller entered'])
  t.equal(w.daemon.repo.lastCallOfChannel(second.channelId)?.status, 'talking')
})

t.test('callers are served in order of arrival', async (t) => {
  const { w, first } = await busyShop(t)
  const a = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('a waiting', () => waitingCount(w) === 1)
  const b = w.sim.placeCall({ from: '+79030000003', did: '74950000000' })
  await until('b waiting', () => waitingCount(w) === 2)
  t.same(w.daemon.queue.waiting().map((v) => [v.callerPhone, v.position]), [['+79030000002', 1], ['+79030000003', 2]])
  await until('b told it is second', () => w.sim.heard(b.channelId).join(',').includes('sound:ringlead/queue-position,number:2'))
  w.sim.hangup(first.channelId)
  await until('the first to come is connected first', () => w.sim.bridges().some((br) => br.channelIds.includes(a.channelId) && br.channelIds.length === 2))
  t.notOk(w.sim.bridges().some((br) => br.channelIds.includes(b.channelId)))
  t.same(w.daemon.queue.waiting().map((v) => [v.callerPhone, v.position]), [['+79030000003', 1]])
})

t.test('pressing 1 while waiting takes a callback: the caller hears the promise and a lead is made', async (t) => {
  const { w } = await busyShop(t)
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const caller = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('waiting', () => waitingCount(w) === 1)
  w.sim.sendDtmf(caller.channelId, '1')
  const call = await ended
  t.equal(call.status, 'callback')
  t.match(call.endReason, /pressed 1 for a callback/)
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'callback_key')
  t.equal(w.sim.heard(caller.channelId).at(-1), 'sound:ringlead/callback-taken')
  await caller.ended
  await until('callback lead', () => w.daemon.leadsRepo.byCall(call.callId) !== undefined)
  t.match(w.daemon.leadsRepo.byCall(call.callId), { phone: '+79030000002', message: /callback requested/ })
  t.equal(waitingCount(w), 0)
})

t.test('the callback key pressed during a position announcement stops it and takes the callback at once', async (t) => {
  const { w } = await busyShop(t, {}, 2, { 'ringlead/queue-position': 12_000 })
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const caller = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('position being announced', () => w.sim.heard(caller.channelId).includes('sound:ringlead/queue-position'))
  w.sim.sendDtmf(caller.channelId, '1')
  const call = await ended
  t.equal(call.status, 'callback')
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'callback_key')
  t.equal(w.sim.heard(caller.channelId).at(-1), 'sound:ringlead/callback-taken')
})

t.test('after the longest wait the caller is offered the callback and let go', async (t) => {
  const { w } = await busyShop(t, { maxWaitSeconds: 1 })
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  const call = await ended
  t.equal(call.status, 'callback')
  t.equal(w.daemon.repo.call(call.callId)?.queueOutcome, 'callback_timeout')
  t.ok(call.waitMs! >= 900, 'waited the configured second')
})

t.test('a caller who hangs up while waiting is an abandoned wait, counted per hour', async (t) => {
  const { w } = await busyShop(t)
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const caller = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('waiting', () => waitingCount(w) === 1)
  w.sim.hangup(caller.channelId)
  const call = await ended
  t.equal(call.status, 'abandoned')
  t.equal(call.endReason, 'caller hung up while waiting for an operator')
  t.equal(waitingCount(w), 0)
  const res = await w.daemon.app.inject({ url: '/api/queue/stats', headers: { authorization: `Bearer ${w.token}` } })
  t.equal(res.statusCode, 200)
  t.match(res.json().hours, [{ waited: 1, abandoned: 1, connected: 0, callbacks: 0 }])
})

t.test('with everyone away there is nobody to wait for: the call is missed as before', async (t) => {
  const w = await startWorld({ queue: queueOn, routing: { ringTimeoutSeconds: 1 } })
  t.teardown(() => w.close())
  w.pause(w.addOperator('101'))
  const ended = w.ended()
  w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  const call = await ended
  t.equal(call.status, 'missed')
  t.equal(call.waitMs, null)
  const reasons: string[] = JSON.parse(w.daemon.repo.call(call.callId)!.plan!).reasons
  t.same(reasons.slice(-2), ['nobody free to ring', 'not waiting: nobody who can take the call is at work'])
})

t.test('GET /api/queue shows waiting callers to operators and up', async (t) => {
  const { w } = await busyShop(t)
  w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('waiting', () => waitingCount(w) === 1)
  const res = await w.daemon.app.inject({ url: '/api/queue', headers: { authorization: `Bearer ${w.token}` } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { waiting: [{ position: 1, callerPhone: '+79030000002', returning: false, ringingOperatorId: null }] })
  t.equal((await w.daemon.app.inject({ url: '/api/queue' })).statusCode, 401)
})

t.test('an operator who lets a waiting call ring out is not offered it again; the caller keeps their place', async (t) => {
  const { w, first } = await busyShop(t, {}, 1)
  w.addOperator('102', { behaviour: { kind: 'noanswer' } })
  await until('board knows 102', () => w.daemon.board.view('op_102')?.state === 'available')
  const ended = w.ended((e) => e.callerPhone === '+79030000002')
  const second = w.sim.placeCall({ from: '+79030000002', did: '74950000000' })
  await until('waiting', () => w.daemon.queue.waiting().length === 1, 15_000)
  await until('102 rung from the queue and let it ring out', () => {
    const row = w.daemon.repo.lastCallOfChannel(second.channelId)
    return row !== undefined && w.daemon.repo.attempts(row.callId).filter((a) => a.stepKind === 'queue' && a.result !== 'ringing').length === 1
  }, 15_000)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.match(w.daemon.queue.waiting(), [{ position: 1, ringingOperatorId: null }], 'still first in line, nobody ringing')
  w.sim.hangup(first.channelId)
  await until('connected to 101', () => w.sim.bridges().some((b) => b.channelIds.includes(second.channelId) && b.channelIds.length === 2))
  w.sim.hangup(second.channelId)
  const call = await ended
  t.equal(call.answeredBy, 'op_101')
  const attempts = w.daemon.repo.attempts(call.callId).map((a) => [a.stepKind, a.operatorId, a.result])
  t.same(attempts, [['any', 'op_102', 'no_answer'], ['queue', 'op_102', 'no_answer'], ['queue', 'op_101', 'answered']])
})
