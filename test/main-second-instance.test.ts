// A second daemon started on the same database (a second `make demo`, a unit started twice) says
// one is already running, instead of fighting over the ports and the database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { adminToken, stopChild, watchDaemonProcess } from './helpers/daemon-process.js'

const stack = /^\s+at .+[(:]\d+/m

function tmpDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-startstop-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** A daemon pointed at an Asterisk that is not there: it starts without one and tries again later. */
const baseEnv = (dir: string): Record<string, string> => ({
  RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
  RINGLEAD_ARI_URL: 'http://127.0.0.1:9', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0',
  RINGLEAD_HTTP_ADMIN_TOKEN: adminToken, RINGLEAD_LOG_FORMAT: 'json'
})

t.test('a second daemon on the same database says one is already running, with its pid, and exits 1', async (t) => {
  const env = baseEnv(tmpDir(t))
  const first = watchDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  await first.url
  const second = watchDaemonProcess(env)
  const { code } = await second.exited
  t.equal(code, 1)
  t.match(second.output(), new RegExp(`ringlead is already running on .*ringlead\\.db \\(pid ${first.child.pid}, http://127\\.0\\.0\\.1:\\d+\\)`))
  t.notMatch(second.output(), stack)
  t.equal(first.child.exitCode, null, 'the first one runs on')
})
