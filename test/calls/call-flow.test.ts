import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { CallEnded } from '../../src/domain/call-events.js'
import { startWorld, until } from '../helpers/world.js'

const story = async (w: Awaited<ReturnType<typeof startWorld>>, callId: string): Promise<any> => {
  const res = await w.daemon.app.inject({ method: 'GET', url: `/api/calls/${callId}`, headers: { authorization: `Bearer ${w.token}` } })
  if (res.statusCode !== 200) throw new Error(`GET /api/calls/${callId}: ${res.statusCode} ${res.body}`)
  return res.json()
}

t.test('an answered call is bridged, recorded per party and told whole by GET /api/calls/:id', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addCategory('dishwashers')
  w.addNumber('74951234567', { source: 'google-ads', categoryId: 'dishwashers' })
  const ana = w.addOperator('101', { skills: { dishwashers: 5 }, name: 'Ana' })
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', callerName: 'Ivan', did: '74951234567' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.answeredBy, ana)
  t.equal(e.callerPhone, '+79031112233')
  t.equal(e.categoryId, 'dishwashers')
  t.equal(e.hangupBy, 'caller')
  t.ok(e.talkMs > 0, 'talk time measured')
  t.same(e.recordings.map((r) => r.kind).sort(), ['caller', 'operator'])

  const s = await story(w, e.callId)
  t.equal(s.call.status, 'answered')
  t.match(s.trackingNumber, { did: '74951234567', source: 'google-ads', categoryId: 'dishwashers' })
  t.match(s.customer, { phone: '+79031112233' })
  t.equal(s.plan.steps[0].kind, 'specialist')
  t.match(s.plan.steps[0].reasons[0], /specialist for dishwashers/)
  t.equal(s.attempts.length, 1)
  t.match(s.attempts[0], { operatorId: ana, result: 'answered' })
  t.equal(s.recordings.length, 2, 'one file per party')
  for (const r of s.recordings) {
    t.equal(r.status, 'stored', `${r.kind} recording stored`)
    t.ok(existsSync(join(w.daemon.config.recordings.dir, r.path)), `${r.kind} file exists`)
  }
  t.equal(w.sim.bridges().length, 0, 'bridge destroyed')
  t.equal(w.sim.channels().length, 0, 'no channel left')
  // Asterisk's copies go once ringlead holds its own: its spool does not grow call by call.
  const stored = async (): Promise<string[]> => {
    const res = await fetch(`${w.sim.ariUrl}/ari/recordings/stored`, { headers: { authorization: `Basic ${Buffer.from('ringlead:ringlead').toString('base64')}` } })
    return ((await res.json()) as Array<{ name: string }>).map((r) => r.name)
  }
  await until('Asterisk holds none of the call\'s recordings', async () => {
    const names = await stored()
    return s.recordings.every((r: { name: string }) => !names.includes(r.name))
  })
  t.pass('Asterisk\'s copies removed')
})

t.test('falls back operator to operator to the manager, recording each attempt with its cause', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const a = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const b = w.addOperator('102', { behaviour: { kind: 'busy' } })
  const dir = w.addOperator('109', { isManager: true, behaviour: { kind: 'answer', afterMs: 10 } })
  w.daemon.board.reload()
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '89031112233', did: '74950000000' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.answeredBy, dir)
  const s = await story(w, e.callId)
  t.same(s.attempts.map((x: any) => [x.operatorId, x.result]), [[a, 'no_answer'], [b, 'busy'], [dir, 'answered']])
  const byOp = Object.fromEntries(s.attempts.map((x: any) => [x.operatorId, x]))
  t.match(byOp[a], { result: 'no_answer', cause: 19 })
  t.match(byOp[b], { result: 'busy', cause: 17 })
  t.match(byOp[dir], { result: 'answered', stepKind: 'manager' })
  t.equal(s.attempts.at(-1).operatorId, dir, 'manager rung last')
})

t.test('a returning caller goes back to their operator whichever number they dial', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  w.addOperator('102')
  const talk = async (did: string): Promise<CallEnded> => {
    const ended = w.ended()
    const call = w.sim.placeCall({ from: '+79035550001', did })
    await w.hangUpWhenRecorded(call.channelId)
    return await ended
  }
  const first = await talk('74950000001')
  t.equal(first.status, 'answered')
  const second = await talk('74950000002')
  t.equal(second.answeredBy, first.answeredBy)
  const s = await story(w, second.callId)
  t.equal(s.plan.steps[0].kind, 'sticky')
})

t.test('the caller hanging up while an operator rings stops the ringing at once', async (t) => {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 60 } })
  t.teardown(() => w.close())
  const a = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('the operator rings', () => w.sim.channels().some((c) => c.origin === 'originated'))
  w.sim.hangup(call.channelId)
  const e = await ended
  t.equal(e.status, 'abandoned')
  t.equal(e.hangupBy, 'caller')
  t.same(e.attempts, [{ operatorId: a, result: 'cancelled' }])
  await until('operator leg gone', () => w.sim.channels().length === 0)
  // The phone's own state comes over AMI a moment after the channel is gone.
  await until('operator not left ringing', () => w.daemon.board.view(a)?.state === 'available')
})

t.test('a call nobody answers is written as missed with its attempts', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  w.addOperator('102', { behaviour: { kind: 'unreachable' } })
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  const e = await ended
  t.equal(e.status, 'missed')
  t.equal(e.hangupBy, 'system')
  t.equal(e.attempts.length, 2)
  t.ok(e.attempts.every((x) => x.result !== 'answered'))
  const s = await story(w, e.callId)
  t.equal(s.call.endReason, 'nobody answered')
  await call.ended
})

t.test('an operator hanging up first ends the call for the caller too', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await w.hangUpWhenRecorded(call.channelId, { otherSide: true })
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.hangupBy, 'operator')
  await call.ended
  t.equal(w.sim.channels().length, 0)
})

t.test('unknown DID and garbage caller id: the call is still routed, with warnings', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: 'not-a-number', did: '70000000000' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.customerId, null)
  t.equal(e.callerPhone, null)
  const s = await story(w, e.callId)
  t.match(s.call.warnings.join('\n'), /unknown DID "70000000000"/)
  t.match(s.call.warnings.join('\n'), /caller id "not-a-number"/)
})

t.test('a caller id in plain form rings at once and is written as its full parse once the operator\'s phone rings', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const call = async (from: string): Promise<CallEnded> => {
    const ended = w.ended()
    const c = w.sim.placeCall({ from, did: '74950000001' })
    await w.hangUpWhenRecorded(c.channelId)
    return await ended
  }
  // "+" and digits that are no possible number: routed, then written without a phone, with the warning.
  const impossible = await call('+99912345678')
  t.equal(impossible.status, 'answered')
  t.equal(impossible.callerPhone, null)
  t.equal(impossible.customerId, null)
  t.match((await story(w, impossible.callId)).call.warnings.join('\n'), /caller id "\+99912345678": not a possible phone number/)
  // A London number sent with its national 0 after the country code is the customer of +442079460000.
  const first = await call('+442079460000')
  const again = await call('+4402079460000')
  t.equal(again.status, 'answered')
  t.equal(again.callerPhone, '+442079460000')
  t.equal(again.customerId, first.customerId, 'the same customer, not a new one under the plain form')
  const customers = w.daemon.db.$client.prepare('SELECT phone FROM customers WHERE phone LIKE ? ORDER BY phone').all('+44%')
  t.same(customers, [{ phone: '+442079460000' }])
})

t.test('paused and unregistered operators are skipped with the reason in the plan', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const paused = w.addOperator('101')
  const away = w.addOperator('102', { registered: false })
  const free = w.addOperator('103')
  w.pause(paused)
  await until('AMI reports 102 unavailable', () => w.daemon.board.view(away)?.state === 'unregistered')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.answeredBy, free)
  const s = await story(w, e.callId)
  const reasonOf = (id: string): string => s.plan.skipped.find((x: any) => x.operatorIds.includes(id))?.reason
  t.match(reasonOf(paused), /paused/)
  t.match(reasonOf(away), /not registered|unavailable/)
  t.equal(reasonOf(free), undefined)
})

t.test('an operator whose endpoint Asterisk cannot dial is an unreachable attempt, and the next is tried', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  // The ghost sorts first even when both are made in the same millisecond (the plan's last
  // tie-break is the operator id): otherwise the real one may be rung first and the ghost never.
  const ghost = w.addOperator('100', { inSim: false })
  const real = w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.answeredBy, real)
  const s = await story(w, e.callId)
  t.match(s.attempts.find((x: any) => x.operatorId === ghost), { result: 'unreachable' })
})

t.test('a tracking number\'s own policy rings everyone at once; the first to answer gets the call', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const slow = w.addOperator('101', { behaviour: { kind: 'answer', afterMs: 1500 } })
  const fast = w.addOperator('102', { behaviour: { kind: 'answer', afterMs: 20 } })
  w.addNumber('74957770000', { source: 'billboard' })
  const res = await w.daemon.app.inject({
    method: 'PATCH', url: '/api/tracking-numbers/74957770000', headers: { authorization: `Bearer ${w.token}` },
    payload: { routingPolicy: { anyOperatorStep: false, ringAllStep: true, ringTimeoutSeconds: 60 } }
  })
  t.equal(res.statusCode, 200, res.body)
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74957770000' })
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  t.equal(e.answeredBy, fast)
  const s = await story(w, e.callId)
  t.same(s.plan.steps.map((x: any) => x.kind), ['ring_all'])
  t.equal(s.plan.steps[0].ringTimeoutSeconds, 60)
  const byOp = Object.fromEntries(s.attempts.map((x: any) => [x.operatorId, x.result]))
  t.same(byOp, { [slow]: 'cancelled', [fast]: 'answered' })
  await until('the slow phone stopped ringing', () => w.sim.channels().length === 0)
})
