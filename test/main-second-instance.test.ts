// A second daemon started on the same database (a second `make demo`, a unit started twice) says
// one is already running, instead of fighting over the ports and the database.
import t from 'tap'
import { stopChild, watchDaemonProcess } from './helpers/daemon-process.js'
import { stack, tmpDir, baseEnv } from './helpers/start-stop.js'

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
