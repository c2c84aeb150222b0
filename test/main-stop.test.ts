// Stopping the demo as a person does: Ctrl-C reaches the whole process group (a terminal, `make
// demo`); everything ends cleanly and the ports are free at once.
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { adminToken, api, watchDaemonProcess } from './helpers/daemon-process.js'
import { tmpDir, holdPort } from './helpers/start-stop.js'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  return port
}

t.test('Ctrl-C to the demo\'s process group during calls exits 0, with no native abort, and frees both ports', async (t) => {
  const dir = tmpDir(t)
  const [httpPort, agiPort] = [await freePort(), await freePort()]
  const d = watchDaemonProcess({
    RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
    RINGLEAD_DIALPLAN_INCLUDE_FILE: join(dir, 'extensions-ringlead.conf'),
    RINGLEAD_HTTP_PORT: String(httpPort), RINGLEAD_AGI_PORT: String(agiPort), RINGLEAD_HTTP_ADMIN_TOKEN: adminToken,
    RINGLEAD_LOG_FORMAT: 'json', RINGLEAD_SIM_CALLS_PER_MINUTE: '30'
  }, { group: true })
  t.teardown(() => { if (d.child.exitCode === null && d.child.signalCode === null) process.kill(-d.child.pid!, 'SIGKILL') })
  const url = await d.url
  // Waits on the daemon's own answers: a synthetic call is up (the first one rings right after the start).
  for (;;) {
    const health = await api(url, '/api/health')
    if (health.activeCalls > 0) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  process.kill(-d.child.pid!, 'SIGINT')
  const { code, signal } = await d.exited
  t.equal(code, 0, `exit code (signal ${signal})`)
  t.notMatch(d.output(), /Napi|Aborted|core dumped/i, 'no native abort')
  t.match(d.output(), /"msg":"stopped"/)
  t.throws(() => process.kill(-d.child.pid!, 0), { code: 'ESRCH' }, 'nothing of the group is left running')
  await holdPort(t, httpPort).then(({ server }) => new Promise((resolve) => server.close(resolve)))
  await holdPort(t, agiPort).then(({ server }) => new Promise((resolve) => server.close(resolve)))
  t.pass('both ports can be taken again at once')
})
