// ARI commands over plain HTTP with keep-alive. ari-client keeps the connection and the event
// WebSocket; its request path (swagger-client, shred, bluebird) cost about a third of the daemon's
// CPU per call in bench/, and it drops the HTTP status of errors.
//
// Every command has a deadline. An idle keep-alive socket is dropped before the server would
// close it, and a command cut by a connection reset is sent once more when that is safe (see
// `Repeat`), so a socket Asterisk closes under us does not fail a call.
import { Agent, request, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { systemClock, type Clock } from '../clock.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut } from './errors.js'

type Query = Record<string, string | number | undefined>

/**
 * When a command cut by a connection reset (ECONNRESET, "socket hang up", EPIPE) is sent again:
 * - 'any-reset': repeating it leaves Asterisk as one send would (reads; hang-ups and stops that
 *   take 404 as done; answer/ring/music/join a bridge; creates that name their object, whose
 *   repeat's 409 "already exists" means the first send went through and counts as success);
 * - 'reused-socket': only when a reused keep-alive socket was reset before any answer came: the
 *   server closed it as we wrote, so it never read the command (Node's `req.reusedSocket` case);
 * - 'never': not sent again.
 */
export type Repeat = 'any-reset' | 'reused-socket' | 'never'

export interface AriCommand {
  /** What we asked, in words for errors and logs ("originate to", "hangup"). */
  command: string
  /** The channel, bridge, endpoint or recording it is about. */
  target: string
  method: string
  path: string
  query?: Query
  body?: unknown
  repeat: Repeat
  /** A repeat's 409 means the first send created what it names (channelId, bridgeId, recording name). */
  createsNamed?: boolean
  /** Resolve with the body's bytes (recording files), under the longer file deadline. */
  raw?: boolean
  /**
   * With `raw`: a WAV that Asterisk may still be writing. It is read whole, on a kept-alive
   * connection, only when its header shows it closed at exactly the announced length; else the
   * transfer stops at the header and the bytes read so far are the answer (the caller asks again).
   */
  onlyIfClosedWav?: boolean
  /** Called once, with performance.now(), when the request has been handed to its socket. */
  sent?: (atPerf: number) => void
}

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

/** Seconds the server said it keeps an idle connection (`Keep-Alive: timeout=N`), on the socket. */
const serverIdleMs = Symbol('serverIdleMs')
type HintedSocket = Socket & { [serverIdleMs]?: number }
/** A socket is dropped this long before the server's announced idle timeout. */
const SERVER_IDLE_MARGIN_MS = 1000

/**
 * Without a timeout Node 20's agent keeps an idle socket for ever (it reads the server's Keep-Alive
 * hint only to shorten a timeout it has), so the server's idle close races our next command. Close
 * idle sockets ourselves, before the server would.
 */
function closeIdleEarly (agent: Agent, idleMs: number): void {
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Socket) => boolean
  agent.keepSocketAlive = ((socket: Socket): boolean => {
    if (!keep(socket)) return false
    const hint = (socket as HintedSocket)[serverIdleMs]
    socket.setTimeout(Math.max(100, hint === undefined ? idleMs : Math.min(idleMs, hint - SERVER_IDLE_MARGIN_MS)))
    return true
  }) as unknown as Agent['keepSocketAlive']
}

class ConnectionCut extends Error {
  constructor (readonly original: Error, readonly reusedSocket: boolean, readonly answered: boolean) {
    super(original.message, { cause: original })
  }
}

const isReset = (err: NodeJS.ErrnoException): boolean => err.code === 'ECONNRESET' || err.code === 'EPIPE'

export class AriRest {
  private readonly base: URL
  private readonly hostname: string
  private readonly auth: string
  private readonly agent: Agent
  /** Closed recordings' transfers, apart from commands: a file that went wrong never costs a command its socket. */
  private readonly fileAgent: Agent
  private readonly clock: Clock
  /** Commands sent again after a connection reset (for tests and logs). */
  repeated = 0
  /** Commands sent and not yet answered (or failed). */
  inFlight = 0
  /** Commands waiting for a free socket (all `maxSockets` busy). */
  waitingForSocket = 0
  private readonly socketWaitListeners = new Set<(seconds: number) => void>()

  constructor (url: string, user: string, password: string, private readonly opts: AriRestOptions) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`)
    this.hostname = this.base.hostname.replace(/^\[(.*)\]$/, '$1') // an IPv6 address without its brackets
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 64, maxFreeSockets: opts.maxSockets ?? 64, scheduling: 'lifo' as const }
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new Agent(agentOptions)
    closeIdleEarly(this.agent, opts.keepAliveIdleMs)
    const fileOptions = { ...agentOptions, maxSockets: FILE_SOCKETS, maxFreeSockets: FILE_SOCKETS }
    this.fileAgent = this.base.protocol === 'https:' ? new HttpsAgent(fileOptions) : new Agent(fileOptions)
    closeIdleEarly(this.fileAgent, opts.keepAliveIdleMs)
    this.clock = opts.clock ?? systemClock
  }

  close (): void {
    this.agent.destroy()
    this.fileAgent.destroy()
  }

  /** Each command's wait for a socket, in seconds, as it gets one. Returns the unsubscribe. */
  onSocketWait (listener: (seconds: number) => void): () => void {
    this.socketWaitListeners.add(listener)
    return () => { this.socketWaitListeners.delete(listener) }
  }

  /** Sends one command; resolves with the body (parsed JSON, or a Buffer when raw); throws on non-2xx, reset or deadline. */
  async send (c: AriCommand): Promise<unknown> {
    const deadlineMs = c.raw ? this.opts.fileTimeoutMs : this.opts.commandTimeoutMs
    const startedAt = this.clock.now()
    try {
      return await this.attempt(c, deadlineMs, deadlineMs, this.agent)
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
        return await this.attempt(c, leftMs, deadlineMs, false)
      } catch (second) {
        if (c.createsNamed && second instanceof AsteriskCommandFailed && second.status === 409) return undefined
        if (second instanceof ConnectionCut) throw new AsteriskCommandFailed(c.command, c.target, second.message, { cause: second.original })
        throw second
      }
    }
  }

  private attempt (c: AriCommand, timeoutMs: number, deadlineMs: number, agent: Agent | false): Promise<unknown> {
    // Options, not a URL object: a WHATWG URL is parsed, and set again for each query parameter.
    const target = { protocol: this.base.protocol, hostname: this.hostname, port: this.base.port, path: `${this.base.pathname}ari/${c.path}${queryString(c.query)}` }
    const payload = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body))
    const send = this.base.protocol === 'https:' ? httpsRequest : request
    const closedWav = c.raw === true && c.onlyIfClosedWav === true
    return new Promise((resolve, reject) => {
      let settled = false
      let answered = false
      let socketed = false
      const queuedAt = performance.now()
      this.inFlight++
      this.waitingForSocket++
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        this.inFlight--
        if (!socketed) { socketed = true; this.waitingForSocket-- }
        cancelDeadline()
        fn()
      }
      let response: IncomingMessage | undefined
      const req = send({
        ...target,
        method: c.method,
        agent: closedWav && agent !== false ? this.fileAgent : agent,
        // Asterisk announces a file's length, then sends it to its end: a recording still being
        // written runs past the length. Those bytes must die with their connection, not be read
        // as the next command's answer (a closed WAV's transfer is cut before them, see below).
        headers: { authorization: this.auth, ...(c.raw && !closedWav ? { connection: 'close' } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) }
      }, (res) => {
        answered = true
        response = res
        this.noteKeepAlive(res)
        const chunks: Buffer[] = []
        const status = res.statusCode ?? 0
        const announced = Number(res.headers['content-length'])
        // A WAV still open stops here: what has come is the answer, and its connection goes.
        const stop = (): void => {
          finish(() => { resolve(Buffer.concat(chunks)) })
          req.destroy()
        }
        let checked = !closedWav || status < 200 || status >= 300
        if (!checked && !(announced >= WAV_HEADER_BYTES)) {
          stop()
          return
        }
        let received = 0
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          received += chunk.length
          if (checked || received < RIFF_HEAD_BYTES) return
          checked = true
          if (!closedAtLength(Buffer.concat(chunks), announced)) stop()
        })
        res.on('end', () => { finish(() => { settleResponse(c, res, Buffer.concat(chunks), resolve, reject) }) })
        res.on('error', (err) => { finish(() => { reject(new ConnectionCut(err, req.reusedSocket, true)) }) })
      })
      const cancelDeadline = this.clock.setTimeout(() => {
        // Timers run before I/O when our own event loop wakes from a long block: let I/O have one
        // turn, so an answer already in the socket is not taken for Asterisk's silence.
        setImmediate(() => {
          if (settled) return
          // The whole deadline is named, retries included: that is what the caller waited.
          finish(() => { reject(new AsteriskCommandTimedOut(c.command, c.target, deadlineMs)) })
          req.destroy()
        })
      }, timeoutMs)
      req.once('socket', () => {
        if (socketed) return
        socketed = true
        this.waitingForSocket--
        if (this.socketWaitListeners.size > 0) {
          const seconds = (performance.now() - queuedAt) / 1000
          for (const listener of this.socketWaitListeners) listener(seconds)
        }
      })
      const sent = c.sent
      if (sent) {
        c.sent = undefined // a repeat after a reset is not the first send
        req.once('finish', () => { sent(performance.now()) })
      }
      req.on('error', (err: NodeJS.ErrnoException) => {
        // An answer received whole stands; what the server sent after it (see above) is not ours.
        if (response?.complete === true) return
        finish(() => {
          reject(isReset(err) ? new ConnectionCut(err, req.reusedSocket, answered) : new AsteriskCommandFailed(c.command, c.target, err.message, { cause: err }))
        })
      })
      req.end(payload)
    })
  }

  private noteKeepAlive (res: IncomingMessage): void {
    const hint = /timeout=(\d+)/.exec(String(res.headers['keep-alive'] ?? ''))?.[1]
    if (hint !== undefined) (res.socket as HintedSocket)[serverIdleMs] = Number(hint) * 1000
  }
}

/** `?a=1&b=2` from the parameters that have a value; '' when none has. */
function queryString (query: Query | undefined): string {
  let out = ''
  if (query === undefined) return out
  for (const k in query) {
    const v = query[k]
    if (v !== undefined) out += `${out === '' ? '?' : '&'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`
  }
  return out
}

const WAV_HEADER_BYTES = 44
/** "RIFF", the RIFF size, "WAVE". */
const RIFF_HEAD_BYTES = 12
/** Recordings fetched at once on kept-alive connections; more wait for one. */
const FILE_SOCKETS = 8

/**
 * Asterisk writes a WAV's sizes only when it closes the file (formats/format_wav.c), and announces
 * the length it finds when the request arrives: a header whose RIFF size is that length says the
 * file was closed before the transfer began, so nothing follows the announced bytes.
 */
function closedAtLength (head: Buffer, announced: number): boolean {
  return head.length >= RIFF_HEAD_BYTES && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE' &&
    head.readUInt32LE(4) + 8 === announced
}

function settleResponse (c: AriCommand, res: IncomingMessage, data: Buffer, resolve: (v: unknown) => void, reject: (e: Error) => void): void {
  const status = res.statusCode ?? 0
  if (status >= 200 && status < 300) {
    if (c.raw) return resolve(data)
    if (data.length === 0) return resolve(undefined)
    try { resolve(JSON.parse(data.toString('utf8'))) } catch { resolve(data.toString('utf8')) }
    return
  }
  let message = data.toString('utf8') || res.statusMessage || 'error'
  try {
    const parsed = JSON.parse(message) as { message?: string; error?: string }
    message = parsed.message ?? parsed.error ?? message
  } catch { /* not JSON */ }
  reject(new AsteriskCommandFailed(c.command, c.target, `${status} ${message}`, { status }))
}
