// The daemon as a real process: kill -9 mid-call and restart; started before Asterisk is there.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startSimulator, type Simulator } from '../../src/sim/simulator.js'
import { api, seedOperators, startDaemonProcess as startDaemon, stopChild, type DaemonProcess } from '../helpers/daemon-process.js'
import { secondsMs, testLog, until } from '../helpers/world.js'

// Each test starts daemon processes once or twice: slow on a loaded machine, whatever the code.
t.setTimeout(400_000)

function freePort (): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => { resolve(port) })
    })
  })
}

// A short grace: teardown stops daemons that may still hold a call.
const startDaemonProcess = (env: Record<string, string>): DaemonProcess => startDaemon({ RINGLEAD_STOP_GRACE_SECONDS: '5', ...env })

/** A simulator with operator 101 answering, a database seeded with them, and the daemon's env for both. */
async function simWithOperator (t: Test, prefix: string): Promise<{ sim: Simulator; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const sim: Simulator = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), secondsMs, log: testLog })
  t.teardown(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }) })
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  const dbPath = join(dir, 'ringlead.db')
  seedOperators(dbPath, ['101'])
  return {
    sim,
    env: {
      RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: sim.ariUrl, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(sim.amiPort),
      RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'), RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '5', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0'
    }
  }
}

t.test('kill -9 mid-call: the conversation goes on, is hung up together and its row gets its real end; states come from Asterisk', async (t) => {
  const { sim, env } = await simWithOperator(t, 'ringlead-restart-')
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected')

  const call = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call bridged', () => sim.bridges().some((b) => b.channels.length === 2), 10_000)
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
  t.equal(story.call.status, 'talking', 'still talking: adopted, not closed')
  t.equal(sim.bridges().filter((b) => b.channels.length === 2).length, 1, 'the conversation was not cut')
  await until('operator state rebuilt from Asterisk', async () => (await api(url2, '/api/operators/op_101')).live?.state === 'talking')

  sim.hangup(call.channelId)
  await call.ended
  await until('operator leg hung up with the caller', () => sim.channels().length === 0)
  await until('operator free', async () => (await api(url2, '/api/operators/op_101')).live?.state === 'available')
  await until('written with its real end', async () => (await api(url2, `/api/calls/${callId}`)).call.status === 'answered')
  t.match((await api(url2, `/api/calls/${callId}`)).call, { hangupBy: 'caller' })
})

t.test('the daemon started before Asterisk finds it when it comes up, and routes calls', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-order-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const [ariPort, amiPort] = [await freePort(), await freePort()]
  const dbPath = join(dir, 'ringlead.db')
  seedOperators(dbPath, ['101'])
  const daemon = startDaemonProcess({
    RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: `http://127.0.0.1:${ariPort}`, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(amiPort),
    RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings')
  })
  t.teardown(() => stopChild(daemon.child))
  const url = await daemon.url
  t.equal((await api(url, '/api/health')).ari, 'disconnected')
  await until('health says why ARI is down and when it tries again', async () => {
    const link = (await api(url, '/api/health')).ariLink
    return /ECONNREFUSED/.test(link?.lastError ?? '') && typeof link?.nextRetryAt === 'string'
  })
  t.match((await api(url, '/api/health')).amiLink, { lastError: /ECONNREFUSED/ }, 'and why AMI is')
  await new Promise((resolve) => setTimeout(resolve, 500))
  const sim = await startSimulator({ ariPort, amiPort, recordingsDir: join(dir, 'spool', 'recording'), secondsMs, log: testLog })
  t.teardown(() => sim.close())
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  await until('ARI and AMI connected', async () => {
    const h = await api(url, '/api/health')
    return h.ari === 'connected' && h.ami === 'connected'
  }, 20_000)
  const call = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call bridged', () => sim.bridges().some((b) => b.channels.length === 2), 20_000)
  sim.hangup(call.channelId)
  await call.ended
  await until('call written as answered', async () => (await api(url, '/api/calls')).calls[0]?.status === 'answered')
})

t.test('kill -9 while a caller waits: after the restart they wait again from their first place, with music, and are connected', async (t) => {
  const { sim, env: base } = await simWithOperator(t, 'ringlead-restart-wait-')
  const env = { ...base, RINGLEAD_QUEUE_ENABLED: 'true', RINGLEAD_QUEUE_POLL_MS: '50', RINGLEAD_QUEUE_ANNOUNCE_EVERY_SECONDS: '60' }
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected')
  const talking = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('first call bridged', () => sim.bridges().some((b) => b.channels.length === 2), 10_000)
  const waiting = sim.placeCall({ from: '+79034445566', did: '74950000000' })
  await until('second caller waiting', async () => (await api(url1, '/api/queue')).waiting?.length === 1)
  const before = (await api(url1, '/api/calls')).calls.find((c: { callerPhone: string }) => c.callerPhone === '+79034445566')

  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))
  const second = startDaemonProcess(env)
  t.teardown(() => stopChild(second.child))
  const url2 = await second.url
  await until('the caller waits again', async () => (await api(url2, '/api/queue')).waiting?.length === 1, 10_000)
  const again = (await api(url2, '/api/queue')).waiting[0]
  const firstWait = await api(url2, `/api/calls/${before.callId}`)
  t.equal(again.arrivedAt, firstWait.call.queue.queuedAt, 'waiting from the first arrival, not from the restart')
  await until('music on hold again', () => sim.channels().find((c) => c.channelId === waiting.channelId)?.moh !== undefined)
  const resumed = await api(url2, `/api/calls/${again.callId}`)
  t.equal(resumed.call.resumedFrom, before.callId)
  t.equal(firstWait.call.status, 'interrupted')
  t.equal(firstWait.call.queue.outcome, 'interrupted')

  sim.hangup(talking.channelId)
  await until('the waiting caller is connected', () => sim.bridges().some((b) => b.channels.includes(waiting.channelId) && b.channels.length === 2), 15_000)
  sim.hangup(waiting.channelId)
  await until('written as answered after the wait', async () => {
    const c = await api(url2, `/api/calls/${again.callId}`)
    return c.call.status === 'answered' && c.call.queue?.outcome === 'connected'
  })
})
