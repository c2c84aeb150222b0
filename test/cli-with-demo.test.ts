// The CLI next to a running demo (`make demo` in one terminal, `npx ringlead …` in another): it finds
// the simulator's AMI through the daemon's lock file, and restore refuses while the daemon runs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../src/cli.js'
import { adminToken, stopChild, watchDaemonProcess } from './helpers/daemon-process.js'

t.test('dialplan apply reaches the demo\'s simulated AMI; backup works and restore is refused while the demo runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-cli-demo-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = {
    RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
    RINGLEAD_DIALPLAN_INCLUDE_FILE: join(dir, 'extensions-ringlead.conf'),
    RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: adminToken, RINGLEAD_LOG_FORMAT: 'json'
  }
  const demo = watchDaemonProcess(env)
  t.teardown(() => stopChild(demo.child))
  await demo.url
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env }
  t.equal(await runCli(['dialplan', 'apply'], io), 0, err.join('\n'))
  t.match(err.at(-1), /applied and loaded by Asterisk/)

  t.equal(await runCli(['backup', join(dir, 'backup.db')], io), 0, err.join('\n'))
  t.match(out.join('\n'), /backup written: .*backup\.db/)
  t.equal(await runCli(['restore', join(dir, 'backup.db')], io), 1)
  t.match(err.at(-1), new RegExp(`ringlead is running on .*ringlead\\.db \\(pid ${demo.child.pid}\\): stop it first`))
})
