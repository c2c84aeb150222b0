// The daemon as a real process (src/main.ts) that a test can kill -9 and start again on the same
// database, with a simulator in the test's own process.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Test } from 'tap'
import { Bus } from '../../src/bus.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { randomId } from '../../src/ids.js'
import { openDb } from '../../src/db/open.js'
import { startSimulator, type Simulator } from '../../src/sim/simulator.js'
import { secondsMs, testLog } from './world.js'

export const adminToken = 'restart-test-admin-token-0123456789'

export interface DaemonProcess { child: ChildProcess; url: Promise<string> }

export function startDaemonProcess (env: Record<string, string>): DaemonProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, RINGLEAD_LOG_LEVEL: 'warn', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: adminToken, ...env },
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

export interface WatchedDaemon extends DaemonProcess {
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * The daemon as `make demo` runs it: env as given (no test defaults), and with `group` in a process
 * group of its own, so a test can send Ctrl-C to the whole group as a terminal does.
 */
export function watchDaemonProcess (env: Record<string, string>, opts: { group?: boolean } = {}): WatchedDaemon {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.group === true
  })
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ code, signal }) })
  })
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /ringlead is running: (http:\/\/[^/\s]+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    void exited.then(({ code }) => { reject(new Error(`daemon exited with ${code}: ${out.slice(-2000)}`)) })
  })
  url.catch(() => {}) // a test that expects the exit reads `exited`
  return { child, url, output: () => out, exited }
}

export async function api (url: string, path: string): Promise<any> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
  return await res.json()
}

export function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => { child.once('exit', () => { resolve() }); child.kill('SIGTERM') })
}

export async function killHard (child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** Operators in a fresh database file. */
export function seedOperators (dbPath: string, resources: string[]): void {
  const db = openDb(dbPath)
  const ctx = { db, bus: new Bus(), now: Date.now, newId: randomId }
  for (const r of resources) createOperator(ctx, { name: `Operator ${r}`, endpoint: `PJSIP/${r}` }, `op_${r}`)
  db.$client.close()
}

/** What is in the database file now, read as another process would (WAL readers never wait). */
export function readRows<T = Record<string, any>> (dbPath: string, query: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true })
  try { return db.prepare(query).all(...params) as T[] } finally { db.close() }
}

/** A webhook receiver on loopback: the bodies it was sent. */
export async function webhookReceiver (t: Test): Promise<{ url: string; events: () => Array<{ type: string; data: Record<string, any> }> }> {
  const events: Array<{ type: string; data: Record<string, any> }> = []
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => { events.push(JSON.parse(body)); res.writeHead(204).end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.close(() => { resolve() }) }))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, events: () => events }
}

/** A simulator, a database seeded with `resources` as operators, and the daemon's env for both. */
export async function simAndDb (t: Test, prefix: string, resources: string[]): Promise<{ sim: Simulator; dir: string; dbPath: string; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const sim: Simulator = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), secondsMs, log: testLog })
  t.teardown(async () => { await sim.close(); rmSync(dir, { recursive: true, force: true }) })
  const dbPath = join(dir, 'ringlead.db')
  seedOperators(dbPath, resources)
  return {
    sim, dir, dbPath,
    env: {
      RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: sim.ariUrl, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(sim.amiPort),
      RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'), RINGLEAD_CALLS_WRAP_UP_SECONDS: '0'
    }
  }
}
