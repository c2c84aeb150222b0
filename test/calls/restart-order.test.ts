// The daemon as a real process, started before Asterisk is there.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startSimulator } from '../../src/sim/simulator.js'
import { api, freePort, seed, startDaemonProcess, stopChild } from '../helpers/daemon-process.js'
import { secondsMs, testLog, until } from '../helpers/world.js'

t.test('the daemon started before Asterisk finds it when it comes up, and routes calls', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-order-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const [ariPort, amiPort] = [await freePort(), await freePort()]
  const dbPath = join(dir, 'ringlead.db')
  seed(dbPath, ['101'])
  const daemon = startDaemonProcess({
    RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: `http://127.0.0.1:${ariPort}`, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(amiPort),
    RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings')
  })
  t.teardown(() => stopChild(daemon.child))
  const url = await daemon.url
  t.equal((await api(url, '/api/health')).ari, 'disconnected')
  const sim = await startSimulator({ ariPort, amiPort, recordingsDir: join(dir, 'spool'), secondsMs, log: testLog })
  t.teardown(() => sim.close())
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  await until('ARI and AMI connected', async () => {
    const h = await api(url, '/api/health')
    return h.ari === 'connected' && h.ami === 'connected'
  })
  const call = sim.placeCall({ from: '+79031112233', did: '74950000000' })
  await until('call bridged', () => sim.bridges().some((b) => b.channels.length === 2))
  sim.hangup(call.channelId)
  await call.ended
  await until('call written as answered', async () => (await api(url, '/api/calls')).calls[0]?.status === 'answered')
})
