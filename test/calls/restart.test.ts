// The daemon as a real process: kill -9 mid-call and restart. The other restart cases have files of
// their own (restart-order, restart-waiting): each boots the daemon process twice at most, so a
// loaded machine runs them side by side, each well within the file time limit.
import t from 'tap'
import { api, simWithOperator, startDaemonProcess, stopChild } from '../helpers/daemon-process.js'
import { until } from '../helpers/world.js'

t.test('kill -9 mid-call: the call is closed as interrupted, the conversation goes on and is hung up together, states come from Asterisk', async (t) => {
  const { sim, env } = await simWithOperator(t, 'ringlead-restart-')
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected')

  const call = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call bridged', () => sim.bridges().some((b) => b.channels.length === 2))
  const before = await api(url1, '/api/calls')
  t.equal(before.calls[0].status, 'talking')
  const callId = before.calls[0].callId

  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))

  const second = startDaemonProcess(env)
  t.teardown(() => stopChild(second.child))
  const url2 = await second.url
  await until('daemon connected to ARI again', async () => (await api(url2, '/api/health')).ari === 'connected')
  const story = await api(url2, `/api/calls/${callId}`)
  t.equal(story.call.status, 'interrupted')
  t.ok(story.call.endedAt, 'closed with an end time')
  t.match(story.call.endReason, /stopped during the call/)
  t.equal(sim.bridges().filter((b) => b.channels.length === 2).length, 1, 'the conversation was not cut')
  await until('operator state rebuilt from Asterisk', async () => (await api(url2, '/api/operators/op_101')).live?.state === 'talking')

  sim.hangup(call.channelId)
  await call.ended
  await until('operator leg hung up with the caller', () => sim.channels().length === 0)
  await until('operator free', async () => (await api(url2, '/api/operators/op_101')).live?.state === 'available')
})
