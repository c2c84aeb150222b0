// ringlead's daemon as its own process against the real Asterisk (src/main.ts, configured by
// RINGLEAD_* variables), so a test can kill -9 it and start it again on the same SQLite file; and
// a webhook receiver that keeps what the daemon sends.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabSettings } from './lab-settings.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const processToken = 'it-process-admin-token-0123456789abcdef'

export interface DaemonProcess {
  /** The daemon's base URL once it says it is running. */
  url: Promise<string>
  api (method: 'GET' | 'POST', path: string, body?: object): Promise<any>
  /** SIGKILL: no shutdown, nothing flushed. */
  kill9 (): Promise<void>
  stop (): Promise<void>
  output (): string
}

/** The env that points the daemon at the lab's Asterisk, with its state in `dbPath`. */
export function labEnv (settings: LabSettings, dbPath: string, recordingsDir: string, webhookUrl: string): Record<string, string> {
  const allDay = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]])))
  return {
    RINGLEAD_DB_PATH: dbPath, RINGLEAD_RECORDINGS_DIR: recordingsDir,
    RINGLEAD_ARI_URL: settings.ari.url, RINGLEAD_ARI_USER: settings.ari.user, RINGLEAD_ARI_PASSWORD: settings.ari.password, RINGLEAD_ARI_APP: 'ringlead',
    RINGLEAD_AMI_HOST: settings.ami.host, RINGLEAD_AMI_PORT: String(settings.ami.port), RINGLEAD_AMI_USER: settings.ami.user, RINGLEAD_AMI_SECRET: settings.ami.secret,
    RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '10', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0',
    // A short timeout keeps the lease short: events a killed daemon had claimed go out again soon.
    RINGLEAD_WEBHOOKS_URLS: webhookUrl, RINGLEAD_WEBHOOKS_TIMEOUT_MS: '500', RINGLEAD_WEBHOOKS_BACKOFF_BASE_MS: '200', RINGLEAD_WEBHOOKS_BACKOFF_MAX_MS: '1000',
    RINGLEAD_LEADS_WORKING_HOURS: allDay, RINGLEAD_LEADS_TIME_ZONE: 'UTC', RINGLEAD_LEADS_DISPOSITION_PROMPT: 'false'
  }
}

export function startDaemonProcess (env: Record<string, string>): DaemonProcess {
  let out = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, RINGLEAD_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: processToken, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /ringlead is running: (http:\/\/[^/\s]+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.once('exit', (code, signal) => { reject(new Error(`daemon exited (${code ?? signal}) before it ran: ${out.slice(-2000)}`)) })
  })
  url.catch(() => undefined)
  const alive = (): boolean => child.exitCode === null && child.signalCode === null
  return {
    url,
    async api (method, path, body) {
      const res = await fetch(`${await url}${path}`, {
        method, headers: { authorization: `Bearer ${processToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {})
      })
      const text = await res.text()
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
      return text ? JSON.parse(text) : null
    },
    async kill9 () {
      if (alive()) child.kill('SIGKILL')
      await exited
    },
    async stop () {
      if (alive()) child.kill('SIGTERM')
      await exited
    },
    output: () => out.slice(-4000)
  }
}

export interface Hook { id: string; type: string; data: Record<string, any> }

export interface WebhookReceiver { url: string; received: Hook[]; close (): Promise<void> }

/** Answers every POST with 200 and keeps its JSON body. */
export async function startWebhookReceiver (): Promise<WebhookReceiver> {
  const received: Hook[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      try { received.push(JSON.parse(body) as Hook) } catch { /* not JSON: not one of ours */ }
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => { resolve() }) })
  }
}
