// Bench-only child process: the load generator for POST /api/leads. It runs in its own process so
// that building requests and reading answers does not share the daemon's event loop. Driven over IPC
// by bench/intake.ts: one `run` command per concurrency level, answered with per-request latencies.
import http from 'node:http'
import { performance } from 'node:perf_hooks'

export interface IntakeRun {
  cmd: 'run'
  /** http://127.0.0.1:<port> */
  url: string
  token: string
  concurrency: number
  durationMs: number
  /** Request n (0, 1, …) sends phone +79<phoneBase + n, 9 digits>: distinct across runs when bases are far apart. */
  phoneBase: number
  /** Every second request carries Idempotency-Key `<keyPrefix>-<n>`. */
  keyPrefix: string
}

export type IntakeCommand = IntakeRun | { cmd: 'close' }

export interface IntakeReport {
  /** Wall time from the first request sent to the last answer received, ms. */
  elapsedMs: number
  /** Latency of each answered request (any status), ms, send → whole body read. */
  latencyMs: number[]
  /** Answers by HTTP status. */
  statuses: Record<string, number>
  /** 201s of requests that carried an Idempotency-Key. */
  createdWithKey: number
  /** Socket errors (no HTTP answer). */
  networkErrors: number
  /** A few non-2xx bodies, for the report. */
  sampleErrors: string[]
  /** This process's CPU over the run, % of one core. */
  cpuPct: number
}

export type IntakeReply =
  | { kind: 'ready' }
  | { kind: 'done'; seq: number; result: IntakeReport }
  | { kind: 'failed'; seq: number; error: string }

function post (agent: http.Agent, url: URL, token: string, body: string, key: string | null): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`
    }
    if (key !== null) headers['idempotency-key'] = key
    const req = http.request({ agent, host: url.hostname, port: url.port, path: '/api/leads', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => { chunks.push(c) })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function run (c: IntakeRun): Promise<IntakeReport> {
  const url = new URL(c.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: c.concurrency, maxFreeSockets: c.concurrency })
  const latencyMs: number[] = []
  const statuses: Record<string, number> = {}
  const sampleErrors: string[] = []
  let createdWithKey = 0
  let networkErrors = 0
  let next = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const stopAt = t0 + c.durationMs
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const n = next++
      const withKey = n % 2 === 1
      const body = JSON.stringify({
        name: `Bench Customer ${n}`,
        phone: `+79${String(c.phoneBase + n).padStart(9, '0')}`,
        message: 'Please call me back about the offer.',
        source: 'bench',
        utm: { utm_source: 'bench', utm_campaign: `c${c.concurrency}` }
      })
      const started = performance.now()
      try {
        const r = await post(agent, url, c.token, body, withKey ? `${c.keyPrefix}-${n}` : null)
        latencyMs.push(performance.now() - started)
        statuses[r.status] = (statuses[r.status] ?? 0) + 1
        if (r.status === 201 && withKey) createdWithKey++
        if ((r.status < 200 || r.status > 299) && sampleErrors.length < 3) sampleErrors.push(`${r.status} ${r.text.slice(0, 300)}`)
      } catch (err) {
        networkErrors++
        if (sampleErrors.length < 3) sampleErrors.push(`network: ${(err as Error).message}`)
      }
    }
  }
  await Promise.all(Array.from({ length: c.concurrency }, worker))
  const elapsedMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  agent.destroy()
  return { elapsedMs, latencyMs, statuses, createdWithKey, networkErrors, sampleErrors, cpuPct: 100 * (cpu.user + cpu.system) / 1000 / elapsedMs }
}

const send = (m: IntakeReply): void => { process.send?.(m) }

process.on('message', (m: { seq: number; command: IntakeCommand }) => {
  if (m.command.cmd === 'close') {
    send({ kind: 'done', seq: m.seq, result: { elapsedMs: 0, latencyMs: [], statuses: {}, createdWithKey: 0, networkErrors: 0, sampleErrors: [], cpuPct: 0 } })
    process.disconnect()
    return
  }
  run(m.command).then(
    (result) => { send({ kind: 'done', seq: m.seq, result }) },
    (err: Error) => { send({ kind: 'failed', seq: m.seq, error: err.stack ?? String(err) }) }
  )
})
process.on('disconnect', () => { process.exit(0) })
send({ kind: 'ready' })
