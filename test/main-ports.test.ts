// A port another program holds is a setting to change: the start says which variable, in one line.
import t from 'tap'
import { watchDaemonProcess } from './helpers/daemon-process.js'
import { stack, tmpDir, holdPort, baseEnv } from './helpers/start-stop.js'

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
