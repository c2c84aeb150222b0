// Listening in, end to end on the simulator: POST /api/calls/{callId}/listen rings the supervisor's
// phone; on answer a snoop on the operator's channel sits in a bridge with it; keys 4/5/6 switch
// listen/whisper/barge (who hears whom checked on the simulator); the story tells each step; the
// supervisor hanging up, or the call ending, leaves nothing behind.
import t from 'tap'
import { startWorld, until, type World } from '../helpers/world.js'

/** A supervisor console user, with a phone of their own (set through PATCH /api/users/:userId) or none. */
async function supervisor (w: World, phone: string | null): Promise<string> {
  const made = await w.daemon.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${w.token}` }, payload: { username: `sup${++users}`, role: 'supervisor', password: 'a long password 123' } })
  const userId = made.json().userId as string
  if (phone === null) return userId
  const set = await w.daemon.app.inject({ method: 'PATCH', url: `/api/users/${userId}`, headers: { authorization: `Bearer ${w.token}` }, payload: { phoneEndpoint: phone } })
  if (set.json().phoneEndpoint !== phone) throw new Error(`phone not set: ${set.body}`)
  return userId
}
let users = 0

async function talkingCall (w: World): Promise<{ callId: string; caller: string; operator: string }> {
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  const callId = await w.callOf(call.channelId)
  await w.talking(callId)
  const operator = w.sim.bridges().find((b) => b.channelIds.includes(call.channelId))!.channelIds.find((id) => id !== call.channelId)!
  return { callId, caller: call.channelId, operator }
}

const listen = (w: World, callId: string, body: Record<string, unknown>) =>
  w.daemon.app.inject({ method: 'POST', url: `/api/calls/${callId}/listen`, headers: { authorization: `Bearer ${w.token}` }, payload: body })

const story = async (w: World, callId: string): Promise<any> =>
  (await w.daemon.app.inject({ method: 'GET', url: `/api/calls/${callId}`, headers: { authorization: `Bearer ${w.token}` } })).json()

const phoneLeg = (w: World, resource: string): string | undefined => w.sim.channels().find((c) => c.endpoint === resource && c.origin === 'originated')?.channelId

t.test('the supervisor phone rings, hears the call; 5 whispers to the operator, 6 barges, 4 listens again; hanging up leaves the call as it was', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101', { name: 'Ana' })
  w.sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 10 } })
  const userId = await supervisor(w, 'PJSIP/150')
  const { callId, caller, operator } = await talkingCall(w)

  const res = await listen(w, callId, { userId, mode: 'listen' })
  t.equal(res.statusCode, 202, res.body)
  t.match(res.json(), { callId, userId, mode: 'listen', state: 'ringing', endpoint: 'PJSIP/150' })
  t.match(await w.dialledWith('150'), { name: 'Ana' }, 'the phone shows whom it listens to')
  await until('the supervisor hears the call', () => { const sup = phoneLeg(w, '150'); return sup !== undefined && w.sim.hears(sup).length === 2 })
  const sup = phoneLeg(w, '150')!
  const snoop = (): { spy: string; whisper: string } | undefined => w.sim.channels().find((c) => c.snoop?.of === operator)?.snoop
  t.match(snoop(), { spy: 'both', whisper: 'none' })
  t.same(w.sim.hears(sup), [caller, operator].sort(), 'listen: the supervisor hears both')
  t.same(w.sim.hears(operator), [caller], 'listen: the operator hears only the caller')
  t.same(w.sim.hears(caller), [operator], 'listen: the caller hears only the operator')

  w.sim.sendDtmf(sup, '5')
  await until('whisper', () => snoop()?.whisper === 'out' && w.sim.hears(operator).includes(sup))
  t.same(w.sim.hears(caller), [operator], 'whisper: the caller does not hear the supervisor')
  t.equal(w.sim.channels().filter((c) => c.snoop !== undefined && c.channelId.startsWith('rl-sup-')).length, 1, 'the old snoop is gone')

  w.sim.sendDtmf(sup, '6')
  await until('barge', () => w.sim.hears(caller).includes(sup))
  t.same(w.sim.hears(operator), [caller, sup].sort(), 'barge: the operator hears the caller and the supervisor')

  w.sim.sendDtmf(sup, '4')
  await until('listen again', () => snoop()?.whisper === 'none')
  t.same(w.sim.hears(operator), [caller])

  w.hangUpPhone('150')
  await until('nothing of the session left', () => w.sim.channels().every((c) => !c.channelId.startsWith('rl-sup-') && c.endpoint !== '150') &&
    w.sim.bridges().every((b) => !b.bridgeId.startsWith('rl-sup-br-')))
  t.same(w.sim.hears(caller), [operator], 'the call goes on')
  await until('the end written', async () => (await story(w, callId)).supervision.some((e: any) => e.kind === 'ended'))
  const steps = (await story(w, callId)).supervision.map((e: any) => [e.kind, e.mode, e.detail])
  t.same(steps, [
    ['ringing', 'listen', 'PJSIP/150'], ['started', 'listen', null], ['mode', 'whisper', 'key 5'], ['mode', 'barge', 'key 6'],
    ['mode', 'listen', 'key 4'], ['ended', 'listen', 'the supervisor hung up']
  ])
  t.ok((await story(w, callId)).supervision.every((e: any) => e.userId === userId && e.userName.startsWith('sup')), 'who listened')
})

t.test('the call ending ends the session: the supervisor leg, snoop and bridge are gone', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  w.sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 10 } })
  const userId = await supervisor(w, 'PJSIP/150')
  const { callId, caller } = await talkingCall(w)
  t.equal((await listen(w, callId, { userId, mode: 'barge' })).statusCode, 202)
  await until('barging', () => { const sup = phoneLeg(w, '150'); return sup !== undefined && w.sim.hears(caller).includes(sup) })
  const ended = w.ended()
  w.sim.hangup(caller)
  await ended
  await until('nothing left in the simulator', () => w.sim.channels().length === 0 && w.sim.bridges().length === 0)
  await until('the end written', async () => (await story(w, callId)).supervision.some((e: any) => e.kind === 'ended'))
  t.match((await story(w, callId)).supervision.at(-1), { kind: 'ended', mode: 'barge', detail: 'the call ended' })
})

t.test('an unanswered supervisor phone stops at the ring timeout; a call nobody talks on is 404, a user without a phone 409', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  w.sim.addEndpoint('150', { behaviour: { kind: 'noanswer' } })
  const userId = await supervisor(w, 'PJSIP/150')
  const phoneless = await supervisor(w, null)
  const bad = await w.daemon.app.inject({ method: 'PATCH', url: `/api/users/${phoneless}`, headers: { authorization: `Bearer ${w.token}` }, payload: { phoneEndpoint: 'not a phone' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /phoneEndpoint/)
  const { callId } = await talkingCall(w)
  t.equal((await listen(w, 'call_nope', { userId })).statusCode, 404)
  const no = await listen(w, callId, { userId: phoneless })
  t.equal(no.statusCode, 409)
  t.match(no.json().message, /has no phone/)
  t.equal((await listen(w, callId, { mode: 'listen' })).statusCode, 400, 'a token names the user')
  t.equal((await listen(w, callId, { userId, mode: 'shout' })).statusCode, 400)
  t.equal((await listen(w, callId, { userId })).statusCode, 202)
  await until('the ring given up', async () => (await story(w, callId)).supervision.some((e: any) => e.kind === 'ended'))
  t.match((await story(w, callId)).supervision.at(-1), { kind: 'ended', mode: null, detail: /no_answer/ })
  t.notOk(phoneLeg(w, '150'), 'the phone stopped ringing')
})

t.test('a WebSocket outage does not end a session: squaring with Asterisk leaves the supervisor leg and snoop alone', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  w.sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 10 } })
  const userId = await supervisor(w, 'PJSIP/150')
  const { callId, operator } = await talkingCall(w)
  t.equal((await listen(w, callId, { userId })).statusCode, 202)
  await until('listening', () => { const sup = phoneLeg(w, '150'); return sup !== undefined && w.sim.hears(sup).length === 2 })
  const sup = phoneLeg(w, '150')!
  const squared = w.daemon.center.squared
  w.sim.dropWebSockets()
  await until('squared with Asterisk after the reconnect', () => w.daemon.center.squared > squared)
  w.sim.sendDtmf(sup, '5')
  await until('whisper after the outage', () => w.sim.hears(operator).includes(sup))
  t.ok(phoneLeg(w, '150'), 'the supervisor is still on')
  t.notOk((await story(w, callId)).supervision.some((e: any) => e.kind === 'ended'), 'the session goes on')
})
