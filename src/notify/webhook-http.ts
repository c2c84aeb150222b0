// Webhook HTTP details of the outbox: URLs from the config, retry delays, reading a reply, naming a failure.
import { StringDecoder } from 'node:string_decoder'
import { Agent, Client, type Dispatcher } from 'undici'
import { cutOnReusedSocket, isConnectionCut, reuseMarkingConnector } from '../reused-socket.js'
import { InvalidInput } from '../errors.js'
import type { Config } from '../config.js'
import { signWebhook } from './webhook-signature.js'

const jitterShare = 0.2

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (1, 2, …): doubling, capped, jittered. */
export function retryDelayMs (attempts: number, config: Pick<Config['webhooks'], 'backoffBaseMs' | 'backoffMaxMs'>, random: number): number {
  const base = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(base * (1 + jitterShare * (2 * random - 1)))
}

/** Comma-separated URLs from the config, trimmed, without empties or repeats. Throws on one that is not http(s). */
export function parseWebhookUrls (urls: string): string[] {
  const list = [...new Set(urls.split(',').map((u) => u.trim()).filter((u) => u !== ''))]
  for (const url of list) {
    let parsed: URL
    try { parsed = new URL(url) } catch { throw new InvalidInput('RINGLEAD_WEBHOOKS_URLS', `${safeUrl(url)} is not a URL`) }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidInput('RINGLEAD_WEBHOOKS_URLS', `${safeUrl(url)} is not http(s)`)
  }
  return list
}

/** A URL fit for logs: no user info, no query (receivers often put a token there). */
export function safeUrl (url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}${u.search === '' ? '' : '?…'}`
  } catch {
    return '[not a URL]'
  }
}

/** The headers of one event's POST, signed when a secret is set (the timestamp is in the signature). */
export function eventHeaders (event: { type: string; eventId: string; payload: string }, secret: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'ringlead-webhooks/1',
    'x-ringlead-event': event.type,
    'x-ringlead-event-id': event.eventId,
    'x-ringlead-timestamp': String(timestamp)
  }
  if (secret !== '') headers['x-ringlead-signature'] = signWebhook(secret, timestamp, event.payload)
  return headers
}

class ReusedSocketCut extends Error {
  constructor (readonly original: Error) { super(original.message, { cause: original }) }
}

/**
 * Webhook POSTs through undici, with kept-alive sockets per receiver (16 at most each). fetch cost
 * several times the CPU per delivery (web streams, a new body reader each time), node:http about
 * twice undici's dispatch, and every call sends two or three.
 */
export class WebhookClient {
  private agent = newAgent()
  /** Each receiver's URL parsed once: the outbox sends every event of a URL to the same one. */
  private readonly targets = new Map<string, Target>()

  /**
   * The reply's status and the first `maxChars` of its body (whitespace folded); rejects with the
   * failure when no status came within `timeoutMs`. A redirect is not followed: it is the reply.
   */
  async post (url: string, headers: Record<string, string>, body: string, timeoutMs: number, maxChars: number): Promise<{ status: number; text: string }> {
    try {
      return await this.once(url, headers, body, timeoutMs, maxChars, this.agent)
    } catch (err) {
      // The receiver dropped a kept-alive socket as we reused it, with no reply: once more, on a new socket.
      if (!(err instanceof ReusedSocketCut)) throw err
      const own = new Client(this.target(url).origin, { pipelining: 0, headersTimeout: 0, bodyTimeout: 0 })
      try {
        return await this.once(url, headers, body, timeoutMs, maxChars, own)
      } finally {
        void own.destroy().catch(() => undefined)
      }
    }
  }

  private once (url: string, headers: Record<string, string>, body: string, timeoutMs: number, maxChars: number, dispatcher: Dispatcher): Promise<{ status: number; text: string }> {
    const target = this.target(url)
    return new Promise((resolve, reject) => {
      let settled = false
      let status = 0
      let text = ''
      let abort: ((err?: Error) => void) | null = null
      let utf8: StringDecoder | null = null // a character split between two chunks stays whole
      const settle = (fn: () => void): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        fn()
      }
      const done = (): void => { settle(() => { resolve({ status, text: text === '' ? '' : text.replace(/\s+/g, ' ').trim().slice(0, maxChars) }) }) }
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs} ms`)
        err.name = 'TimeoutError'
        settle(() => { reject(err) })
        abort?.(err)
      }, timeoutMs)
      // undici's legacy handler interface, the one its own request() is built on.
      const handler: Dispatcher.DispatchHandler = {
        onConnect: (abortRequest) => {
          if (settled) abortRequest(new Error('given up'))
          else abort = abortRequest
        },
        onHeaders: (statusCode) => { status = statusCode; return true },
        onData: (chunk) => {
          text += (utf8 ??= new StringDecoder('utf8')).write(chunk)
          // Enough of an answer: the rest is not read (the socket is dropped rather than drained).
          if (text.length >= maxChars) { done(); abort?.(new Error('enough of the reply read')) }
          return true
        },
        onComplete: done,
        onError: (err) => {
          // The body broke off (timeout or reset) after the status arrived: the status is the answer.
          if (status !== 0) { done(); return }
          const cut = isConnectionCut(err) && cutOnReusedSocket(err)
          settle(() => { reject(cut ? new ReusedSocketCut(err) : err) })
        }
      }
      const sent = target.authorization === null ? headers : { ...headers, authorization: target.authorization }
      dispatcher.dispatch({ origin: target.origin, path: target.path, method: 'POST', headers: sent, body }, handler)
    })
  }

  private target (url: string): Target {
    let target = this.targets.get(url)
    if (target === undefined) {
      // Bounded: a caller sending to ever new URLs keeps the latest few.
      if (this.targets.size >= maxTargets) this.targets.clear()
      this.targets.set(url, target = parseTarget(url))
    }
    return target
  }

  /** Closes the sockets; a later post opens new ones (the outbox may start again). */
  close (): void {
    const closed = this.agent
    this.agent = newAgent()
    void closed.destroy().catch(() => undefined)
  }
}

interface Target { origin: string; path: string; authorization: string | null }
const maxTargets = 64

/** A receiver's user and password given in its URL (https://user:pass@host/…) go as Basic auth, as a browser or curl sends them. */
function parseTarget (url: string): Target {
  const u = new URL(url)
  const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`
  const authorization = u.username === '' && u.password === '' ? null : `Basic ${Buffer.from(credentials).toString('base64')}`
  return { origin: u.origin, path: `${u.pathname}${u.search}`, authorization }
}

/** Sockets per receiver, 16 at most; the deliveries' own deadlines apply. */
const newAgent = (): Agent => new Agent({ connections: 16, connect: reuseMarkingConnector(), headersTimeout: 0, bodyTimeout: 0 })

export function describeFailure (err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err)
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timeout: no answer within ${timeoutMs} ms`
  const cause = err.cause as { code?: string; message?: string } | undefined
  if (cause === undefined) return err.message
  const detail = [cause.code, cause.message].filter((s) => s !== undefined && s !== '')
  return detail.length === 0 ? err.message : `${err.message}: ${detail.join(' ')}`
}
