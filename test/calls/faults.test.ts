import t from 'tap'
import { startWorld, until } from '../helpers/world.js'

const callRow = (w: Awaited<ReturnType<typeof startWorld>>, callId: string) => w.daemon.repo.call(callId)

t.test('a call survives the ARI WebSocket dropping mid-call and is finalised after it comes back', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const op = w.addOperator('101')
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call talking', () => w.daemon.center.activeCalls === 1 && w.daemon.board.view(op)?.state === 'talking')
  w.sim.dropWebSockets()
  await until('ARI reconnected', () => w.daemon.ari.connected)
  w.sim.hangup(caller.channelId)
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.hangupBy, 'caller')
  t.equal(w.sim.channels().length, 0, 'operator leg hung up after the caller left')
})

t.test('a caller who hangs up while the WebSocket is down is settled from what Asterisk reports', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  const op = w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call talking', () => w.daemon.board.view(op)?.state === 'talking')
  w.sim.dropWebSockets()
  w.sim.hangup(call.channelId) // its events go nowhere: Asterisk does not replay them
  const e = await ended
  t.equal(e.status, 'answered')
  t.equal(e.hangupBy, 'caller')
  await until('operator leg hung up', () => w.sim.channels().length === 0)
  t.equal(callRow(w, e.callId)?.status, 'answered')
  await until('operator free again', () => w.daemon.board.view(op)?.state === 'available')
})

t.test('a malformed ARI event for a call ends that call cleanly and leaves no operator ringing', async (t) => {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 60 } })
  t.teardown(() => w.close())
  const op = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('operator ringing', () => w.daemon.board.view(op)?.state === 'ringing')
  w.sim.sendRawEvent('{"type":"ChannelTeleported","channel":{"id":"' + call.channelId + '"}}')
  w.sim.sendRawEvent('{this is not json')
  const e = await ended
  t.equal(e.status, 'failed')
  const row = callRow(w, e.callId)
  t.match(row?.endReason, /malformed ARI event/)
  t.same(e.attempts, [{ operatorId: op, result: 'cancelled' }])
  await until('every leg gone', () => w.sim.channels().length === 0)
  await until('operator free again', () => w.daemon.board.view(op)?.state === 'available')
  t.ok(w.daemon.ari.connected, 'the link stayed up')
})

t.test('a caller who is gone before ringback starts is written as abandoned, not as an error', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const ended = w.ended()
  w.sim.placeCall({ from: '+79031112233', did: '74950000000', hangupAfterMs: 0 })
  const e = await ended
  t.equal(e.status, 'abandoned')
  await until('no channel left', () => w.sim.channels().length === 0)
})
