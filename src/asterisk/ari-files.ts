// Recording files over node:http, apart from commands: a transfer that goes wrong never costs a
// command its socket, and a WAV Asterisk is still writing is cut at its header.
//
// Asterisk announces a file's length, then sends it to its end: a recording still being written
// runs past the length. Those bytes must die with their connection, not be read as the next
// request's answer. So a file is fetched on a connection closed after it, except a WAV whose header
// shows it closed at the announced length, which is read whole on a kept-alive one.
import { Agent, request, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import type { Clock } from '../clock.js'
import { answerOf, CommandAttempt, ConnectionCut, queryString, type AriCommand, type CommandTally } from './ari-request.js'

const WAV_HEADER_BYTES = 44
/** "RIFF", the RIFF size, "WAVE". */
const RIFF_HEAD_BYTES = 12
/** Recordings fetched at once on kept-alive connections; more wait for one. */
const FILE_SOCKETS = 8

/** Seconds the server said it keeps an idle connection (`Keep-Alive: timeout=N`), on the socket. */
const serverIdleMs = Symbol('serverIdleMs')
type HintedSocket = Socket & { [serverIdleMs]?: number }

/**
 * Without a timeout Node 20's agent keeps an idle socket for ever (it reads the server's Keep-Alive
 * hint only to shorten a timeout it has), so the server's idle close races our next request. Close
 * idle sockets ourselves, before the server would.
 */
function closeIdleEarly (agent: Agent, idleMs: number, marginMs: number): void {
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Socket) => boolean
  agent.keepSocketAlive = ((socket: Socket): boolean => {
    if (!keep(socket)) return false
    const hint = (socket as HintedSocket)[serverIdleMs]
    socket.setTimeout(Math.max(100, hint === undefined ? idleMs : Math.min(idleMs, hint - marginMs)))
    return true
  }) as unknown as Agent['keepSocketAlive']
}

export interface AriFilesOptions {
  base: URL
  auth: string
  clock: Clock
  tally: CommandTally
  keepAliveIdleMs: number
  /** A socket is dropped this long before the server's announced idle timeout. */
  serverIdleMarginMs: number
}

export class AriFiles {
  private readonly agent: Agent
  private readonly hostname: string

  constructor (private readonly opts: AriFilesOptions) {
    this.hostname = opts.base.hostname.replace(/^\[(.*)\]$/, '$1') // an IPv6 address without its brackets
    const options = { keepAlive: true, maxSockets: FILE_SOCKETS, maxFreeSockets: FILE_SOCKETS, scheduling: 'lifo' as const }
    this.agent = opts.base.protocol === 'https:' ? new HttpsAgent(options) : new Agent(options)
    closeIdleEarly(this.agent, opts.keepAliveIdleMs, opts.serverIdleMarginMs)
  }

  close (): void { this.agent.destroy() }

  /** One transfer; `fresh` takes a connection of its own (a repeat after a reset). */
  fetch (c: AriCommand, timeoutMs: number, deadlineMs: number, fresh: boolean): Promise<unknown> {
    const { base, auth, clock, tally } = this.opts
    const closedWav = c.onlyIfClosedWav === true
    const send = base.protocol === 'https:' ? httpsRequest : request
    return new Promise((resolve, reject) => {
      let answered = false
      let response: IncomingMessage | undefined
      const attempt = new CommandAttempt(c, tally, clock, timeoutMs, deadlineMs, reject, () => { req.destroy() })
      const req = send({
        protocol: base.protocol,
        hostname: this.hostname,
        port: base.port,
        path: `${base.pathname}ari/${c.path}${queryString(c.query)}`,
        method: c.method,
        agent: closedWav && !fresh ? this.agent : false,
        headers: { authorization: auth, ...(closedWav ? {} : { connection: 'close' }) }
      }, (res) => {
        answered = true
        response = res
        const hint = /timeout=(\d+)/.exec(String(res.headers['keep-alive'] ?? ''))?.[1]
        if (hint !== undefined) (res.socket as HintedSocket)[serverIdleMs] = Number(hint) * 1000
        const chunks: Buffer[] = []
        const status = res.statusCode ?? 0
        const announced = Number(res.headers['content-length'])
        // A WAV still open stops here: what has come is the answer, and its connection goes.
        const stop = (): void => {
          attempt.finish(() => { resolve(Buffer.concat(chunks)) })
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
        res.on('end', () => {
          attempt.finish(() => {
            try { resolve(answerOf(c, status, res.statusMessage ?? '', Buffer.concat(chunks))) } catch (err) { reject(err) }
          })
        })
        res.on('error', (err) => { attempt.finish(() => { reject(new ConnectionCut(err, req.reusedSocket, true)) }) })
      })
      req.once('socket', () => { attempt.gotSocket() })
      req.on('error', (err: NodeJS.ErrnoException) => {
        // An answer received whole stands; what the server sent after it (see above) is not ours.
        if (response?.complete === true) return
        attempt.failed(err, req.reusedSocket, answered)
      })
      req.end()
    })
  }
}

/**
 * Asterisk writes a WAV's sizes only when it closes the file (formats/format_wav.c), and announces
 * the length it finds when the request arrives: a header whose RIFF size is that length says the
 * file was closed before the transfer began, so nothing follows the announced bytes.
 */
function closedAtLength (head: Buffer, announced: number): boolean {
  return head.length >= RIFF_HEAD_BYTES && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE' &&
    head.readUInt32LE(4) + 8 === announced
}
