// The daemon as a real process: kill -9 while a caller waits for a free operator, and restart.
import t from 'tap'
import { api, simWithOperator, startDaemonProcess, stopChild } from '../helpers/daemon-process.js'
import { until } from '../helpers/world.js'

t.test('kill -9 while a caller waits: after the restart they wait again from their first place, with music, and are connected', async (t) => {
  const { sim, env: base } = await simWithOperator(t, 'ringlead-restart-wait-')
  const env = { ...base, RINGLEAD_QUEUE_ENABLED: 'true', RINGLEAD_QUEUE_POLL_MS: '50', RINGLEAD_QUEUE_ANNOUNCE_EVERY_SECONDS: '60' }
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected')
  const talking = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('first call bridged', () => sim.bridges().some((b) => b.channels.length === 2))
  const waiting = sim.placeCall({ from: '+79034445566', did: '74950000000' })
  await until('second caller waiting', async () => (await api(url1, '/api/queue')).waiting?.length === 1)
  const before = (await api(url1, '/api/calls')).calls.find((c: { callerPhone: string }) => c.callerPhone === '+79034445566')

  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))
  const second = startDaemonProcess(env)
  t.teardown(() => stopChild(second.child))
  const url2 = await second.url
  await until('the caller waits again', async () => (await api(url2, '/api/queue')).waiting?.length === 1)
  const again = (await api(url2, '/api/queue')).waiting[0]
  const firstWait = await api(url2, `/api/calls/${before.callId}`)
  t.equal(again.arrivedAt, firstWait.call.queue.queuedAt, 'waiting from the first arrival, not from the restart')
  await until('music on hold again', () => sim.channels().find((c) => c.channelId === waiting.channelId)?.moh !== undefined)
  const resumed = await api(url2, `/api/calls/${again.callId}`)
  t.equal(resumed.call.resumedFrom, before.callId)
  t.equal(firstWait.call.status, 'interrupted')
  t.equal(firstWait.call.queue.outcome, 'interrupted')

  sim.hangup(talking.channelId)
  await until('the waiting caller is connected', () => sim.bridges().some((b) => b.channels.includes(waiting.channelId) && b.channels.length === 2))
  sim.hangup(waiting.channelId)
  await until('written as answered after the wait', async () => {
    const c = await api(url2, `/api/calls/${again.callId}`)
    return c.call.status === 'answered' && c.call.queue?.outcome === 'connected'
  })
})
