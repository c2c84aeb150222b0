// ARI commands over HTTP with keep-alive, through undici's Pool. ari-client keeps the event
// WebSocket; its request path (swagger-client, shred, bluebird) cost about a third of the daemon's
// CPU per call in bench/, and it drops the HTTP status of errors. node:http took 78 µs of client CPU
// a request in a loop on loopback against 33 µs for undici's pool, and 10 KB of garbage a command.
//
// Every command has a deadline. An idle keep-alive socket is dropped before the server would close
// it (undici reads the server's Keep-Alive hint), and a command cut by a connection reset is sent
// once more when that is safe (see `Repeat`), so a socket Asterisk closes under us does not fail a
// call. Recording files go through node:http apart from commands (ari-files.ts).
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { Client, Pool, type Dispatcher } from 'undici'
import { systemClock, type Clock } from '../clock.js'
import { cutOnReusedSocket, reuseMarkingConnector } from '../reused-socket.js'
import { AriFiles } from './ari-files.js'
import { answerOf, CommandAttempt, CommandTally, ConnectionCut, queryString, type AriCommand } from './ari-request.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut } from './errors.js'

export type { AriCommand, Repeat } from './ari-request.js'

export interface AriRestOptions {
  /** Deadline of one command, retries included. */
  commandTimeoutMs: number
  /** Deadline of a file download (recordings). */
  fileTimeoutMs: number
  /** A keep-alive socket idle this long is closed by us; keep it below the server's own idle timeout. */
  keepAliveIdleMs: number
  /**
   * Sockets to Asterisk at most (default 64). Commands beyond it wait for a socket; Asterisk's
   * HTTP server takes 100 sessions by default (http.conf sessionlimit).
   */
  maxSockets?: number
  clock?: Clock
  log?: Logger
}

/** A socket is dropped this long before the server's announced idle timeout. */
const SERVER_IDLE_MARGIN_MS = 1000

export class AriRest {
  private readonly base: URL
  private readonly origin: string
  private readonly pool: Pool
  private readonly files: AriFiles
  private readonly tally = new CommandTally()
  private readonly headers: Record<string, string>
  private readonly jsonHeaders: Record<string, string>
  private readonly clientOptions: Pool.Options
  private readonly clock: Clock
  /** Commands sent again after a connection reset (for tests and logs). */
  repeated = 0

  constructor (url: string, user: string, password: string, private readonly opts: AriRestOptions) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`)
    this.origin = this.base.origin
    const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    this.headers = { authorization: auth }
    this.jsonHeaders = { authorization: auth, 'content-type': 'application/json' }
    this.clock = opts.clock ?? systemClock
    this.clientOptions = {
      keepAliveTimeout: opts.keepAliveIdleMs,
      keepAliveMaxTimeout: opts.keepAliveIdleMs,
      keepAliveTimeoutThreshold: SERVER_IDLE_MARGIN_MS,
      // The commands' own deadlines apply, on the injected clock.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: reuseMarkingConnector()
    }
    this.pool = new Pool(this.origin, { ...this.clientOptions, connections: opts.maxSockets ?? 64 })
    this.files = new AriFiles({ base: this.base, auth, clock: this.clock, tally: this.tally, keepAliveIdleMs: opts.keepAliveIdleMs, serverIdleMarginMs: SERVER_IDLE_MARGIN_MS })
  }

  /** Commands sent and not yet answered (or failed). */
  get inFlight (): number { return this.tally.inFlight }
  /** Commands waiting for a free socket (all `maxSockets` busy). */
  get waitingForSocket (): number { return this.tally.waitingForSocket }

  close (): void {
    void this.pool.destroy().catch(() => undefined)
    this.files.close()
  }

  /** Each command's wait for a socket, in seconds, as it gets one. Returns the unsubscribe. */
  onSocketWait (listener: (seconds: number) => void): () => void {
    this.tally.socketWaitListeners.add(listener)
    return () => { this.tally.socketWaitListeners.delete(listener) }
  }

  /** Sends one command; resolves with the body (parsed JSON, or a Buffer when raw); throws on non-2xx, reset or deadline. */
  async send (c: AriCommand): Promise<unknown> {
    const deadlineMs = c.raw ? this.opts.fileTimeoutMs : this.opts.commandTimeoutMs
    const startedAt = this.clock.now()
    try {
      return await this.attempt(c, deadlineMs, deadlineMs, false)
    } catch (err) {
      if (!(err instanceof ConnectionCut)) throw err
      const leftMs = deadlineMs - (this.clock.now() - startedAt)
      const again = c.repeat === 'any-reset' || (c.repeat === 'reused-socket' && err.reusedSocket && !err.answered)
      if (!again || leftMs <= 0) throw new AsteriskCommandFailed(c.command, c.target, err.message, { cause: err.original })
      this.repeated++
      this.opts.log?.debug({ command: c.command, target: c.target, reusedSocket: err.reusedSocket, err: err.message }, 'ARI command cut by a connection reset, sending again')
      try {
        // On a new connection of its own: a reset often takes every pooled socket at once, and the
        // next pooled one may be dead without our having seen it yet.
        return await this.attempt(c, leftMs, deadlineMs, true)
      } catch (second) {
        if (c.createsNamed && second instanceof AsteriskCommandFailed && second.status === 409) return undefined
        if (second instanceof ConnectionCut) throw new AsteriskCommandFailed(c.command, c.target, second.message, { cause: second.original })
        throw second
      }
    }
  }

  private attempt (c: AriCommand, timeoutMs: number, deadlineMs: number, fresh: boolean): Promise<unknown> {
    if (c.raw) return this.files.fetch(c, timeoutMs, deadlineMs, fresh)
    const own = fresh ? new Client(this.origin, { ...this.clientOptions, pipelining: 0 }) : null
    const settledOwn = (): void => { if (own !== null) void own.destroy().catch(() => undefined) }
    return this.command(c, timeoutMs, deadlineMs, own ?? this.pool).finally(settledOwn)
  }

  private command (c: AriCommand, timeoutMs: number, deadlineMs: number, dispatcher: Dispatcher): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let answered = false
      let status = 0
      let statusText = ''
      let abort: ((err?: Error) => void) | null = null
      const chunks: Buffer[] = []
      const attempt = new CommandAttempt(c, this.tally, this.clock, timeoutMs, deadlineMs, reject, (err) => { abort?.(err) })
      const sent = c.sent
      c.sent = undefined // a repeat after a reset is not the first send
      // undici's legacy handler interface: the one its own request() is built on, and the only one
      // that says when the request has been written (onRequestSent).
      const handler: Dispatcher.DispatchHandler & { onRequestSent?: () => void } = {
        onConnect: (abortRequest) => {
          // A command past its deadline while it waited for a socket is dropped as it gets one.
          if (attempt.settled || attempt.expired) { abortRequest(attempt.timedOut()); return }
          abort = abortRequest
          attempt.gotSocket()
        },
        onRequestSent: sent === undefined ? undefined : () => { sent(performance.now()) },
        onHeaders: (statusCode, _headers, _resume, text) => {
          answered = true
          status = statusCode
          statusText = text
          return true
        },
        onData: (chunk) => { chunks.push(chunk); return true },
        onComplete: () => {
          attempt.finish(() => {
            try { resolve(answerOf(c, status, statusText, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))) } catch (err) { reject(err) }
          })
        },
        onError: (err) => {
          // Our own abort at the deadline (see onConnect) keeps its name.
          if (err instanceof AsteriskCommandTimedOut) attempt.finish(() => { reject(err) })
          else attempt.failed(err, cutOnReusedSocket(err), answered)
        }
      }
      const body = c.body === undefined ? null : Buffer.from(JSON.stringify(c.body))
      dispatcher.dispatch({
        origin: this.origin,
        path: `${this.base.pathname}ari/${c.path}${queryString(c.query)}`,
        method: c.method as Dispatcher.HttpMethod,
        headers: body === null ? this.headers : this.jsonHeaders,
        body
      }, handler)
    })
  }
}
