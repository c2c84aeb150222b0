// What the daemon start/stop tests (test/main-*.test.ts) share: a temporary folder, a port held by
// another program, and the settings of a daemon pointed at an Asterisk that is not there.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { adminToken } from './daemon-process.js'

/** A stack trace line: a start that fails cleanly prints none. */
export const stack = /^\s+at .+[(:]\d+/m

export function tmpDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-startstop-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** Another program holding a port on loopback (0: any free one) until the test ends. */
export async function holdPort (t: Test, port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve) })
  t.teardown(() => new Promise<void>((resolve) => { server.close(() => { resolve() }) }))
  return { port: (server.address() as { port: number }).port, server }
}

/** A daemon pointed at an Asterisk that is not there: it starts without one and tries again later. */
export const baseEnv = (dir: string): Record<string, string> => ({
  RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
  RINGLEAD_ARI_URL: 'http://127.0.0.1:9', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0',
  RINGLEAD_HTTP_ADMIN_TOKEN: adminToken, RINGLEAD_LOG_FORMAT: 'json'
})
