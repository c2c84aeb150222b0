// ARI commands over plain HTTP with keep-alive. ari-client keeps the connection and the event
// WebSocket; its request path (swagger-client, shred, bluebird) cost about a third of the daemon's
// CPU per call in bench/, and it drops the HTTP status of errors.
import { Agent, request } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { AsteriskCommandFailed } from './errors.js'

type Query = Record<string, string | number | undefined>

export class AriRest {
  private readonly base: URL
  private readonly auth: string
  private readonly agent: Agent

  constructor (url: string, user: string, password: string) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`)
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new Agent({ keepAlive: true, maxSockets: 64 })
  }

  close (): void { this.agent.destroy() }

  /** Sends one request; resolves with the body (parsed JSON, or a Buffer for files); throws on non-2xx. */
  send (command: string, target: string, method: string, path: string, query: Query = {}, body?: unknown, raw = false): Promise<unknown> {
    const url = new URL(`ari/${path}`, this.base)
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v))
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const send = this.base.protocol === 'https:' ? httpsRequest : request
    return new Promise((resolve, reject) => {
      const req = send(url, {
        method,
        agent: this.agent,
        headers: { authorization: this.auth, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) }
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const data = Buffer.concat(chunks)
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) {
            if (raw) return resolve(data)
            if (data.length === 0) return resolve(undefined)
            try { resolve(JSON.parse(data.toString('utf8'))) } catch { resolve(data.toString('utf8')) }
            return
          }
          let message = data.toString('utf8') || res.statusMessage || 'error'
          try {
            const parsed = JSON.parse(message) as { message?: string; error?: string }
            message = parsed.message ?? parsed.error ?? message
          } catch { /* not JSON */ }
          reject(new AsteriskCommandFailed(command, target, `${status} ${message}`, { status }))
        })
        res.on('error', (err) => { reject(new AsteriskCommandFailed(command, target, err.message, { cause: err })) })
      })
      req.on('error', (err) => { reject(new AsteriskCommandFailed(command, target, err.message, { cause: err })) })
      req.end(payload)
    })
  }
}
