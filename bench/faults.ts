// Faults during a soak: the daemon runs as its own process (src/main.ts) on a database file, the
// simulator here places calls at a steady rate. (1) kill -9 the daemon `kills` times, starting it
// again each time; (2) another process locks the database for `lockMs`. Then, from the database:
// calls without their call.ended webhook, unanswered callers without a lead, recordings left
// `recording`, and calls dropped (failed) while the database was locked. Target 0 for each.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import { Bus } from '../src/bus.js'
import { createOperator } from '../src/catalog/catalog-service.js'
import { randomId } from '../src/ids.js'
import { openDb } from '../src/db/open.js'
import { startSimulator } from '../src/sim/simulator.js'
import { seeded } from './stats.js'

const token = 'bench-faults-admin-token-0123456789'
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function startDaemon (env: Record<string, string>): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, RINGLEAD_LOG_LEVEL: 'error', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: token, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); const m = /ringlead is running: (http:\/\/[^/\s]+)/.exec(out); if (m) resolve(m[1]!) })
    child.stderr!.on('data', (c: Buffer) => { out += c.toString() })
    child.on('exit', (code, signal) => { reject(new Error(`daemon exited (${code ?? signal}): ${out.slice(-1000)}`)) })
  })
  return { child, ready }
}

async function connected (url: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ ari: string }>).catch(() => null)
    if (res?.ari === 'connected') return
    await sleep(100)
  }
}

async function kill (child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}

export async function benchFaults (o: { kills?: number; callsPerSecond?: number; killEveryMs?: number; lockMs?: number } = {}): Promise<Record<string, string>> {
  const kills = o.kills ?? 10
  const rate = o.callsPerSecond ?? 2
  const killEveryMs = o.killEveryMs ?? 6000
  const lockMs = o.lockMs ?? 10_000
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-faults-'))
  const sim = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), log: pino({ level: 'silent' }) })
  const hooks = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()) })
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
  const dbPath = join(dir, 'ringlead.db')
  const seedDb = openDb(dbPath)
  const operators = ['201', '202', '203', '204', '205', '206']
  for (const r of operators) createOperator({ db: seedDb, bus: new Bus(), now: Date.now, newId: randomId }, { name: `Op ${r}`, endpoint: `PJSIP/${r}` }, `op_${r}`)
  seedDb.$client.close()
  const random = seeded(11)
  // Some operators answer (and talk a few seconds), some never do: missed and abandoned callers too.
  operators.forEach((r, i) => { sim.addEndpoint(r, { registered: true, behaviour: i < 4 ? { kind: 'answer', afterMs: 300 + i * 200 } : { kind: 'noanswer' } }) })
  const env = {
    RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: sim.ariUrl, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(sim.amiPort),
    RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'), RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '4', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0',
    RINGLEAD_WEBHOOKS_URLS: `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`, RINGLEAD_WEBHOOKS_TIMEOUT_MS: '500'
  }
  let placed = 0
  let traffic = true
  const pump = (async () => {
    while (traffic) {
      const n = placed++
      sim.placeCall({ from: `+7903${String(1_000_000 + n).slice(-7)}`, did: '74950000000', hangupAfterMs: 1500 + Math.round(random() * 6000) })
      await sleep(1000 / rate)
    }
  })()

  const soakStarted = Date.now()
  let daemon = startDaemon(env)
  try {
    await connected(await daemon.ready)
    for (let i = 0; i < kills; i++) {
      await sleep(killEveryMs * (0.5 + random()))
      await kill(daemon.child, 'SIGKILL')
      daemon = startDaemon(env)
      await connected(await daemon.ready)
    }
    const soakEnded = Date.now()
    // The database locked by another process while calls come and go.
    const locker = new Database(dbPath)
    const lockedFrom = Date.now()
    locker.exec('BEGIN EXCLUSIVE')
    await sleep(lockMs)
    locker.exec('COMMIT')
    const lockedTo = Date.now()
    locker.close()
    await sleep(3000)
    traffic = false
    await pump
    // Every caller is gone by now (hangupAfterMs); give the daemon time to write the last ones.
    await sleep(12_000)
    const db = new Database(dbPath, { readonly: true })
    const count = (q: string, ...p: unknown[]): number => (db.prepare(q).get(...p) as { n: number }).n
    const calls = count('SELECT count(*) n FROM calls')
    const callers = count('SELECT count(DISTINCT caller_phone) n FROM calls')
    const open = count("SELECT count(*) n FROM calls WHERE status IN ('menu', 'ringing', 'waiting', 'talking')")
    const noEnded = count("SELECT count(*) n FROM calls c WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.type = 'call.ended' AND o.payload LIKE '%\"callId\":\"' || c.call_id || '\"%')")
    const unanswered = count("SELECT count(*) n FROM calls WHERE answered_by IS NULL AND status IN ('missed', 'abandoned', 'interrupted') AND caller_phone IS NOT NULL")
    const noLead = count("SELECT count(*) n FROM calls c WHERE c.answered_by IS NULL AND c.status IN ('missed', 'abandoned', 'interrupted') AND c.caller_phone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.phone = c.caller_phone)")
    const recording = count("SELECT count(*) n FROM recordings WHERE status = 'recording'")
    const lost = count("SELECT count(*) n FROM recordings WHERE status = 'missing'")
    const interrupted = count("SELECT count(*) n FROM calls WHERE status = 'interrupted'")
    const duringLock = count('SELECT count(*) n FROM calls WHERE started_at BETWEEN ? AND ?', lockedFrom, lockedTo)
    const failedDuringLock = count("SELECT count(*) n FROM calls WHERE status = 'failed' AND started_at BETWEEN ? AND ? ", lockedFrom - 10_000, lockedTo)
    const failed = count("SELECT count(*) n FROM calls WHERE status = 'failed'")
    db.close()
    return {
      'calls placed / rows': `${placed} / ${calls} (${rate}/s, soak ${((soakEnded - soakStarted) / 1000).toFixed(0)} s with ${kills} kill -9)`,
      'kill -9 of the daemon': String(kills),
      'callers that never reached ringlead (came and went while it was down or starting)': String(placed - callers),
      'calls interrupted by the kills': String(interrupted),
      'calls still open at the end': String(open),
      'calls without call.ended (target 0)': String(noEnded),
      'unanswered callers / without a lead (target 0)': `${unanswered} / ${noLead}`,
      'recordings left recording (target 0)': String(recording),
      'recordings marked lost (Asterisk had no file)': String(lost),
      [`database locked ${lockMs / 1000} s: calls started while locked`]: String(duringLock),
      'calls dropped (failed) around the lock (target 0)': String(failedDuringLock),
      'failed calls in the whole run': String(failed)
    }
  } finally {
    traffic = false
    await kill(daemon.child, 'SIGTERM').catch(() => undefined)
    await sim.close()
    hooks.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kills = Number(process.env.BENCH_KILLS ?? 10)
  const figures = await benchFaults({ kills })
  const { printFigures } = await import('./stats.js')
  printFigures('faults during a soak', figures)
  process.exit(0)
}
