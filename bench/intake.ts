// POST /api/leads over real HTTP on loopback: the daemon in this process (built-in simulator, no
// call traffic), the load generator in a child process (bench/intake-client.ts) so that its CPU does
// not share the daemon's event loop. Fixed concurrency levels, a distinct phone per request (each one
// creates a lead), every second request with an Idempotency-Key.
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { startDaemon, type Daemon } from '../src/daemon.js'
import type { IntakeCommand, IntakeReply, IntakeReport, IntakeRun } from './intake-client.js'
import { fixed, percentiles, printFigures } from './stats.js'

const entry = fileURLToPath(new URL('./intake-client.ts', import.meta.url))
const ms = (v: number): string => fixed(v, 2)
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2)
const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0)

interface ClientChild {
  pid: number
  run (command: Omit<IntakeRun, 'cmd'>): Promise<IntakeReport>
  close (): Promise<void>
}

async function startClient (): Promise<ClientChild> {
  const child: ChildProcess = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve: (r: IntakeReport) => void; reject: (e: Error) => void }>()
  let seq = 0
  let exited = false
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('intake client not ready in 30 s')) }, 30_000)
    child.on('message', (m: IntakeReply) => {
      if (m.kind === 'ready') { clearTimeout(timer); resolve(); return }
      const w = waiting.get(m.seq)
      if (!w) return
      waiting.delete(m.seq)
      if (m.kind === 'done') w.resolve(m.result)
      else w.reject(new Error(`intake client: ${m.error}`))
    })
    child.once('exit', (code, signal) => {
      exited = true
      clearTimeout(timer)
      const err = new Error(`intake client exited (code ${code}, signal ${signal})`)
      reject(err)
      for (const w of waiting.values()) w.reject(err)
      waiting.clear()
    })
  })
  try {
    await ready
  } catch (err) {
    if (!exited) child.kill()
    throw err
  }
  const request = (command: IntakeCommand, timeoutMs: number): Promise<IntakeReport> => new Promise((resolve, reject) => {
    if (exited) { reject(new Error('intake client has exited')); return }
    const n = ++seq
    const timer = setTimeout(() => { waiting.delete(n); reject(new Error(`intake client: no answer to ${command.cmd} in ${timeoutMs} ms`)) }, timeoutMs)
    waiting.set(n, {
      resolve: (r) => { clearTimeout(timer); resolve(r) },
      reject: (e) => { clearTimeout(timer); reject(e) }
    })
    child.send({ seq: n, command })
  })
  return {
    pid: child.pid ?? -1,
    run: (command) => request({ cmd: 'run', ...command }, command.durationMs + 60_000),
    async close () {
      if (exited) return
      const gone = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
      await request({ cmd: 'close' }, 5000).catch(() => undefined)
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL') }, 5000)
      await gone
      clearTimeout(timer)
    }
  }
}

interface Level {
  concurrency: number
  report: IntakeReport
  created: number
  rowsAdded: number
  keysAdded: number
  daemonCpuPct: number
  loopP99: number
}

const countRows = (daemon: Daemon, table: 'leads' | 'idempotency_keys'): number =>
  (daemon.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

async function runLevel (daemon: Daemon, client: ClientChild, token: string, concurrency: number, durationMs: number, phoneBase: number): Promise<Level> {
  const rows0 = countRows(daemon, 'leads')
  const keys0 = countRows(daemon, 'idempotency_keys')
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let report: IntakeReport
  try {
    report = await client.run({ url: daemon.url!, token, concurrency, durationMs, phoneBase, keyPrefix: `bench-${phoneBase}` })
  } finally {
    loop.disable()
  }
  const cpu = process.cpuUsage(cpu0)
  const wallMs = performance.now() - t0
  return {
    concurrency,
    report,
    created: report.statuses['201'] ?? 0,
    rowsAdded: countRows(daemon, 'leads') - rows0,
    keysAdded: countRows(daemon, 'idempotency_keys') - keys0,
    daemonCpuPct: 100 * (cpu.user + cpu.system) / 1000 / wallMs,
    loopP99: loop.percentile(99) / 1e6
  }
}

const non2xx = (r: IntakeReport): number =>
  Object.entries(r.statuses).reduce((sum, [status, n]) => sum + (Number(status) >= 200 && Number(status) <= 299 ? 0 : n), 0) + r.networkErrors

export const INTAKE_HEADER = 'concurrency | leads created/s | p50 ms | p99 ms | max ms | non-2xx | leads rows = 201s | CPU% daemon | daemon CPU ms per lead | CPU% client | daemon loop p99 ms'

export async function benchIntake (levels = [1, 8, 32], durationMs = 8000, operators = 5): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-intake-'))
  const dbPath = join(dir, 'ringlead.db')
  const token = randomBytes(32).toString('base64url')
  let daemon: Daemon | null = null
  let client: ClientChild | null = null
  try {
    const config = loadConfig({}, {
      db: { path: dbPath },
      http: { host: '127.0.0.1', port: 0, adminToken: token },
      recordings: { dir: join(dir, 'recordings') },
      log: { level: 'silent' },
      sim: { callsPerMinute: 0 },
      agi: { enabled: false }
    })
    daemon = await startDaemon(config, { log: pino({ level: 'silent' }), listen: true })
    if (daemon.url === null) throw new Error('daemon is not listening')
    for (let i = 0; i < operators; i++) {
      const res = await fetch(`${daemon.url}/api/operators`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Operator ${i}`, endpoint: `PJSIP/op${i}` })
      })
      if (res.status !== 201) throw new Error(`creating operator ${i}: HTTP ${res.status} ${await res.text()}`)
    }
    client = await startClient()

    // Warm-up: JIT, SQLite page cache, sockets. Its leads count in the row check too.
    const warm = await runLevel(daemon, client, token, 8, 2000, 0)
    const levelResults: Level[] = []
    for (const [i, concurrency] of levels.entries()) {
      levelResults.push(await runLevel(daemon, client, token, concurrency, durationMs, (i + 1) * 100_000_000))
    }
    const dbBytes = fileSize(dbPath)
    const walBytes = fileSize(`${dbPath}-wal`)
    const totalRows = countRows(daemon, 'leads')
    const all = [warm, ...levelResults]
    const total201 = all.reduce((s, l) => s + l.created, 0)
    const totalKeyed201 = all.reduce((s, l) => s + l.report.createdWithKey, 0)
    const totalKeys = countRows(daemon, 'idempotency_keys')

    const out: Record<string, string> = {
      'operators': String(operators),
      'window per level s': (durationMs / 1000).toFixed(0),
      'requests': 'POST /api/leads, admin token, distinct phone each, every 2nd with Idempotency-Key; client in a child process, keep-alive'
    }
    out[INTAKE_HEADER] = ''
    for (const l of all) {
      const p = percentiles(l.report.latencyMs)
      const label = l === warm ? '  warm-up 8 (2 s)' : `  ${l.concurrency}`
      out[label] = [
        (l.created / (l.report.elapsedMs / 1000)).toFixed(1), ms(p.p50), ms(p.p99), ms(p.max), String(non2xx(l.report)),
        `${l.rowsAdded} = ${l.created} ${l.rowsAdded === l.created ? 'yes' : 'NO'}`,
        l.daemonCpuPct.toFixed(0), (l.created > 0 ? (l.daemonCpuPct * 10 / (l.created / (l.report.elapsedMs / 1000))).toFixed(2) : 'n/a'),
        l.report.cpuPct.toFixed(0), ms(l.loopP99)
      ].join(' | ')
    }
    for (const l of all) {
      const other = Object.entries(l.report.statuses).filter(([s]) => s !== '201').map(([s, n]) => `${s}×${n}`)
      if (other.length > 0 || l.report.networkErrors > 0 || l.report.sampleErrors.length > 0) {
        out[`  answers at ${l === warm ? 'warm-up' : l.concurrency}`] = `${other.join(', ') || 'only 201'}; network errors ${l.report.networkErrors}; ${l.report.sampleErrors.join(' / ')}`
      }
    }
    out['leads rows / 201s, all levels'] = `${totalRows} / ${total201} ${totalRows === total201 ? '(equal)' : '(NOT EQUAL)'}`
    out['idempotency_keys rows / keyed 201s'] = `${totalKeys} / ${totalKeyed201} ${totalKeys === totalKeyed201 ? '(equal)' : '(NOT EQUAL)'}`
    out['db file MB (+ WAL MB) while running'] = `${mb(dbBytes)} (+ ${mb(walBytes)})`

    await client.close()
    client = null
    await daemon.stop()
    daemon = null
    const closedBytes = fileSize(dbPath)
    out['db file MB after close'] = `${mb(closedBytes)} (WAL ${existsSync(`${dbPath}-wal`) ? mb(fileSize(`${dbPath}-wal`)) + ' MB left' : 'gone'})`
    out['db KB per lead (incl. events, escalations, customers, keys)'] = (closedBytes / 1024 / Math.max(1, totalRows)).toFixed(2)
    return out
  } finally {
    await client?.close()
    await daemon?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printFigures('POST /api/leads intake', await benchIntake())
  process.exit(0)
}
