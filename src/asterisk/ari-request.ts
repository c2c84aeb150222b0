// What an ARI command is, and what both of its transports share: the answer's reading, the
// connection cut that may be repeated, and the tally of commands waiting and in flight.
import { performance } from 'node:perf_hooks'
import type { CancelTimer, Clock } from '../clock.js'
import { isConnectionCut } from '../reused-socket.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut } from './errors.js'

export type Query = Record<string, string | number | undefined>

/**
 * When a command cut by a connection reset (ECONNRESET, "socket hang up", EPIPE) is sent again:
 * - 'any-reset': repeating it leaves Asterisk as one send would (reads; hang-ups and stops that
 *   take 404 as done; answer/ring/music/join a bridge; creates that name their object, whose
 *   repeat's 409 "already exists" means the first send went through and counts as success);
 * - 'reused-socket': only when a reused keep-alive socket was reset before any answer came: the
 *   server closed it as we wrote, so it never read the command;
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

/** The connection went down under a command; `send` decides from these whether to repeat it. */
export class ConnectionCut extends Error {
  constructor (readonly original: Error, readonly reusedSocket: boolean, readonly answered: boolean) {
    super(original.message, { cause: original })
  }
}

/** Commands in flight and waiting for a socket, and who wants each wait's length. */
export class CommandTally {
  inFlight = 0
  waitingForSocket = 0
  readonly socketWaitListeners = new Set<(seconds: number) => void>()

  /** A command is queued: returns when (performance.now()) for its socket wait. */
  queued (): number {
    this.inFlight++
    this.waitingForSocket++
    return performance.now()
  }

  /** Its request got a socket. */
  socketed (queuedAt: number): void {
    this.waitingForSocket--
    if (this.socketWaitListeners.size === 0) return
    const seconds = (performance.now() - queuedAt) / 1000
    for (const listener of this.socketWaitListeners) listener(seconds)
  }

  /** It is answered or failed; `hadSocket` tells whether `socketed` was called. */
  settled (hadSocket: boolean): void {
    this.inFlight--
    if (!hadSocket) this.waitingForSocket--
  }
}

/**
 * One send of a command, whichever transport carries it: its place in the tally, its deadline, and
 * its outcome, settled once.
 */
export class CommandAttempt {
  settled = false
  /** The deadline has passed (its error may still be a turn away, see the constructor). */
  expired = false
  private socketed = false
  private readonly queuedAt: number
  private readonly cancelDeadline: CancelTimer

  /** `onDeadline` gets the timeout error, already given to the caller, to stop the request with. */
  constructor (private readonly c: AriCommand, private readonly tally: CommandTally, clock: Clock, timeoutMs: number, private readonly deadlineMs: number,
    private readonly reject: (err: Error) => void, onDeadline: (err: AsteriskCommandTimedOut) => void) {
    this.queuedAt = tally.queued()
    this.cancelDeadline = clock.setTimeout(() => {
      this.expired = true
      // Timers run before I/O when our own event loop wakes from a long block: let I/O have one
      // turn, so an answer already in the socket is not taken for Asterisk's silence.
      setImmediate(() => {
        if (this.settled) return
        const err = this.timedOut()
        this.finish(() => { reject(err) })
        onDeadline(err)
      })
    }, timeoutMs)
  }

  /** The whole deadline is named, retries included: that is what the caller waited. */
  timedOut (): AsteriskCommandTimedOut {
    return new AsteriskCommandTimedOut(this.c.command, this.c.target, this.deadlineMs)
  }

  /** The request got its socket (counted once). */
  gotSocket (): void {
    if (this.socketed) return
    this.socketed = true
    this.tally.socketed(this.queuedAt)
  }

  /** Runs `fn` (resolve or reject) unless the attempt is already settled. */
  finish (fn: () => void): void {
    if (this.settled) return
    this.settled = true
    this.tally.settled(this.socketed)
    this.cancelDeadline()
    fn()
  }

  /** The connection failed under it: a cut (the caller may repeat it) or a plain failure. */
  failed (err: Error, reusedSocket: boolean, answered: boolean): void {
    this.finish(() => {
      this.reject(isConnectionCut(err) ? new ConnectionCut(err, reusedSocket, answered) : new AsteriskCommandFailed(this.c.command, this.c.target, err.message, { cause: err }))
    })
  }
}

/** `?a=1&b=2` from the parameters that have a value; '' when none has. */
export function queryString (query: Query | undefined): string {
  let out = ''
  if (query === undefined) return out
  for (const k in query) {
    const v = query[k]
    if (v !== undefined) out += `${out === '' ? '?' : '&'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`
  }
  return out
}

/** The command's answer: the body (JSON parsed, or bytes when raw) on 2xx, else the error Asterisk gave. */
export function answerOf (c: AriCommand, status: number, statusText: string, data: Buffer): unknown {
  if (status >= 200 && status < 300) {
    if (c.raw) return data
    if (data.length === 0) return undefined
    try { return JSON.parse(data.toString('utf8')) } catch { return data.toString('utf8') }
  }
  let message = data.toString('utf8') || statusText || 'error'
  try {
    const parsed = JSON.parse(message) as { message?: string; error?: string }
    message = parsed.message ?? parsed.error ?? message
  } catch { /* not JSON */ }
  throw new AsteriskCommandFailed(c.command, c.target, `${status} ${message}`, { status })
}
