// A port another program holds is a setting to change: the start says which variable, in one line.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { adminToken, watchDaemonProcess } from './helpers/daemon-process.js'

const stack = /^\s+at .+[(:]\d+/m

function tmpDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-startstop-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

async function holdPort (t: Test, port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve) })
  t.teardown(() => new Promise<void>((resolve) => { server.close(() => { resolve() }) }))
  return { port: (server.address() as { port: number }).port, server }
}

/** A daemon pointed at an Asterisk that is not there: it starts without one and tries again later. */
const baseEnv = (dir: string): Record<string, string> => ({
  RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
  RINGLEAD_ARI_URL: 'http://127.0.0.1:9', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0',
  RINGLEAD_HTTP_ADMIN_TOKEN: adminToken, RINGLEAD_LOG_FORMAT: 'json'
})

t.test('a taken HTTP port ends the start with exit 1 and names RINGLEAD_HTTP_PORT, without a stack', async (t) => {
  const held = await holdPort(t)
  const d = watchDaemonProcess({ ...baseEnv(tmpDir(t)), RINGLEAD_HTTP_PORT: String(held.port) })
  const { code } = await d.exited
  t.equal(code, 1)
  t.match(d.output(), new RegExp(`port ${held.port} on 127\\.0\\.0\\.1 is in use .*set RINGLEAD_HTTP_PORT to a free port`))
  t.notMatch(d.output(), stack, 'no stack trace')
})

t.test('a taken FastAGI port ends the start with exit 1 and names RINGLEAD_AGI_PORT, without a stack', async (t) => {
  const held = await holdPort(t)
  const d = watchDaemonProcess({ ...baseEnv(tmpDir(t)), RINGLEAD_AGI_PORT: String(held.port) })
  const { code } = await d.exited
  t.equal(code, 1)
  t.match(d.output(), /FastAGI: port \d+ on 127\.0\.0\.1 is in use .*set RINGLEAD_AGI_PORT to a free port/)
  t.notMatch(d.output(), stack, 'no stack trace')
})
