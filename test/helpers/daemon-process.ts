// The daemon as a real process next to an in-process simulator, for the restart tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { Bus } from '../../src/bus.js'
import { createOperator, randomId } from '../../src/db/catalog-repo.js'
import { openDb } from '../../src/db/open.js'
import { startSimulator, type Simulator } from '../../src/sim/simulator.js'
import { secondsMs, testLog } from './world.js'

const token = 'restart-test-admin-token-0123456789'

export function freePort (): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => { resolve(port) })
    })
  })
}

export interface Running { child: ChildProcess; url: Promise<string> }

export function startDaemonProcess (env: Record<string, string>): Running {
  // Without tap's NODE_OPTIONS: its process-info hook makes every module load of the daemon slower.
  const { NODE_OPTIONS: _tapHooks, ...parentEnv } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...parentEnv, RINGLEAD_LOG_LEVEL: 'warn', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: token, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const url = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /ringlead is running: (http:\/\/[^/\s]+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.on('exit', (code) => { reject(new Error(`daemon exited with ${code}: ${out.slice(-2000)}`)) })
  })
  return { child, url }
}

export async function api (url: string, path: string): Promise<any> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return await res.json()
}

export function seed (dbPath: string, resources: string[]): void {
  const db = openDb(dbPath)
  const ctx = { db, bus: new Bus(), now: Date.now, newId: randomId }
  for (const r of resources) createOperator(ctx, { name: `Operator ${r}`, endpoint: `PJSIP/${r}` }, `op_${r}`)
  db.$client.close()
}

/** Ends a daemon after its test: at once (a graceful stop would wait for calls to drain, which no test checks here). */
export function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => { child.once('exit', () => { resolve() }); child.kill('SIGKILL') })
}

/** A simulator with operator 101 answering, a database seeded with them, and the daemon's env for both. */
export async function simWithOperator (t: Test, prefix: string): Promise<{ sim: Simulator; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const sim: Simulator = await startSimulator({ recordingsDir: join(dir, 'spool'), secondsMs, log: testLog })
  t.teardown(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }) })
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  const dbPath = join(dir, 'ringlead.db')
  seed(dbPath, ['101'])
  return {
    sim,
    env: {
      RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: sim.ariUrl, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(sim.amiPort),
      RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'), RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '5', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0'
    }
  }
}
