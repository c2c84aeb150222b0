// The Node processes of two contenders, each started for its own run and stopped after it (idle, one
// would steal CPU and AMI events from the others): ringlead's daemon from this checkout (src/main.ts)
// with its normal features on (per-party recording, AMI states, wallboard feed, webhooks), and the
// floor app. app_queue needs no process of ours.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readMetrics, type MetricsSnapshot } from './daemon-metrics.js'
import type { BenchSettings } from './settings.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const token = 'bench-asterisk-admin-token-0123456789abcdef'

export interface NodeContender {
  pid: number
  /** Extra figures it reports when stopped (the floor's recording set-up times). */
  stop (): Promise<Record<string, unknown>>
  output (): string
  /** ringlead: its own figures (GET /metrics); null for the floor. */
  metrics? (): Promise<MetricsSnapshot | null>
}

/**
 * The node flags the systemd unit starts the daemon with (deploy/ringlead.service): ringlead is
 * measured as it runs in production. The floor runs on node's defaults, as a minimal app would.
 */
export function deployedNodeFlags (): string[] {
  const unit = readFileSync(join(repoRoot, 'deploy', 'ringlead.service'), 'utf8')
  const execStart = /^ExecStart=(.*)$/m.exec(unit)
  if (execStart === null) throw new Error('deploy/ringlead.service has no ExecStart line')
  return execStart[1]!.split(' ').filter((w) => /^--[a-z-]+(=\S+)?$/.test(w))
}

function startNode (script: string, flags: string[], env: Record<string, string>, ready: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpExecArray; out: () => string }> {
  let out = ''
  // RINGLEAD_BENCH_ASTERISK_NODE_ARGS: extra node flags for the contenders, e.g. "--cpu-prof" (Node
  // refuses it in NODE_OPTIONS).
  const extra = (process.env.RINGLEAD_BENCH_ASTERISK_NODE_ARGS ?? '').split(' ').filter(Boolean)
  // As deployed (deploy/ringlead.service, the Docker image): the code tsc built into dist/, see
  // buildContenders. RINGLEAD_BENCH_ASTERISK_FROM_SOURCE=1 runs the sources through tsx instead,
  // whose keepNames wraps every closure made at run time in a defineProperty (0.12 ms a call).
  const args = fromSource() ? ['--import', 'tsx', script] : [join('dist', script.replace(/\.ts$/, '.js'))]
  const child = spawn(process.execPath, [...flags, ...extra, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${script} not ready in ${timeoutMs} ms: ${out.slice(-2000)}`)) }, timeoutMs)
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.length > 200_000) out = out.slice(-100_000)
      const m = ready.exec(out)
      if (m) { clearTimeout(timer); resolve({ child, match: m, out: () => out }) }
    })
    child.stderr!.on('data', (c: Buffer) => { out += c.toString() })
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${script} exited (${code ?? signal}) before it was ready: ${out.slice(-2000)}`)) })
  })
}

const fromSource = (): boolean => process.env.RINGLEAD_BENCH_ASTERISK_FROM_SOURCE === '1'

/** Builds what the contenders run (`npm run build`: tsc into dist/, assets beside it), unless they run from source. */
export function buildContenders (): void {
  if (fromSource()) return
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 })
  if (built.status !== 0) throw new Error(`npm run build failed (${built.status ?? built.signal}): ${(built.stdout + built.stderr).slice(-2000)}`)
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

/** Answers every webhook POST with 200, as a quick receiver would. */
export async function startWebhookSink (): Promise<{ url: string; received: () => number; close (): Promise<void> }> {
  let count = 0
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => { count++; res.writeHead(200).end() })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received: () => count,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => { resolve() }) })
  }
}

async function api (base: string, method: string, path: string, body?: object): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/**
 * ringlead's daemon on a SQLite file in `dir` that outlives the runs: the first start makes the
 * category, the tracking number and the operators through the API, as an admin would.
 */
export async function startRinglead (settings: BenchSettings, dir: string, webhookUrl: string, firstStart: boolean): Promise<NodeContender> {
  const allDay = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]])))
  const env: Record<string, string> = {
    RINGLEAD_LOG_LEVEL: process.env.RINGLEAD_BENCH_ASTERISK_LOG_LEVEL ?? 'warn',
    RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: token,
    RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'), RINGLEAD_RECORDINGS_METHOD: settings.ringleadRecording,
    RINGLEAD_RECORDINGS_SPOOL_DIR: settings.spoolDir,
    RINGLEAD_ARI_URL: settings.ari.url, RINGLEAD_ARI_USER: settings.ari.user, RINGLEAD_ARI_PASSWORD: settings.ari.password, RINGLEAD_ARI_APP: 'ringlead',
    RINGLEAD_AMI_HOST: settings.ami.host, RINGLEAD_AMI_PORT: String(settings.ami.port), RINGLEAD_AMI_USER: settings.ami.user, RINGLEAD_AMI_SECRET: settings.ami.secret,
    RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '15', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0',
    RINGLEAD_WEBHOOKS_URLS: webhookUrl,
    RINGLEAD_LEADS_WORKING_HOURS: allDay, RINGLEAD_LEADS_TIME_ZONE: 'UTC', RINGLEAD_LEADS_DISPOSITION_PROMPT: 'false',
    // Nobody works the bench's leads: with the default 40 minutes their reminders and the calls to
    // their owners would come due in bursts at the warm-ups' rate in the middle of later runs. The
    // ladder's own cost is measured by step 5 of the simulator bench (bench/sweep.ts).
    RINGLEAD_LEADS_RESPONSE_MINUTES: '1440'
  }
  Object.assign(env, settings.daemonEnv)
  const { child, match, out } = await startNode('src/main.ts', deployedNodeFlags(), env, /ringlead is running: (http:\/\/[^/\s]+)/, 60_000)
  const base = match[1]!
  try {
    // Both links up (health "ok") before the first call.
    const deadline = Date.now() + 30_000
    for (;;) {
      const health = await fetch(`${base}/api/health`).then(async (r) => await r.json() as { status?: string }).catch(() => ({ status: 'unreachable' }))
      if (health.status === 'ok') break
      if (Date.now() > deadline) throw new Error(`ringlead not healthy after 30 s: ${JSON.stringify(health)}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    if (firstStart) {
      await api(base, 'POST', '/api/categories', { categoryId: 'bench', name: 'bench' })
      await api(base, 'POST', '/api/tracking-numbers', { did: settings.dids.ringlead, source: 'bench', categoryId: 'bench' })
      for (const [i, endpoint] of settings.operators.entries()) {
        await api(base, 'POST', '/api/operators', { name: `Operator ${i + 1}`, endpoint, isManager: false, skills: { bench: 5 } })
      }
    }
  } catch (err) {
    await stopChild(child)
    throw err
  }
  // Operators' states (AMI) settle before traffic.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  return {
    pid: child.pid!,
    async stop () { await stopChild(child); return {} },
    output: out,
    metrics: async () => await readMetrics(base)
  }
}

export async function startFloor (settings: BenchSettings, recording: string): Promise<NodeContender> {
  const env: Record<string, string> = {
    FLOOR_ARI_URL: settings.ari.url, FLOOR_ARI_USER: settings.ari.user, FLOOR_ARI_PASSWORD: settings.ari.password, FLOOR_APP: 'floor',
    FLOOR_ENDPOINTS: settings.operators.join(','), FLOOR_RECORDING: recording,
    FLOOR_AMI_HOST: settings.ami.host, FLOOR_AMI_PORT: String(settings.ami.port), FLOOR_AMI_USER: settings.ami.user, FLOOR_AMI_SECRET: settings.ami.secret
  }
  const { child, out } = await startNode('bench/asterisk/floor-app.ts', [], env, /floor ready/, 30_000)
  return {
    pid: child.pid!,
    async stop () {
      await stopChild(child)
      const line = /floor summary (\{.*\})/.exec(out())?.[1]
      return line === undefined ? {} : JSON.parse(line) as Record<string, unknown>
    },
    output: out
  }
}
