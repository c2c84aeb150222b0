// FastAGI over TCP: Asterisk's `AGI(agi://host:port/<script>,args…)` opens a connection, sends the
// agi_ environment block (ended by a blank line), then reads one command per line and answers each
// with "200 result=…". Speaks the protocol and nothing else: what a script does is the script's business.
// Anyone who reaches the port could drive a script, so peers outside the allow-list are closed before
// a byte is read, and every connection is bounded in number, size and time.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Logger } from 'pino'
import { parseAllowList, type AllowList } from '../allow-list.js'
import { systemClock, type Clock } from '../clock.js'
import { AgiHangup, type AgiChannel, type AgiRequest } from './agi-channel.js'
import { serveConnection, type ConnectionLimits } from './agi-connection.js'

export { AgiChannel, AgiHangup, AgiProtocolError, type AgiReply, type AgiRequest } from './agi-channel.js'

export type AgiScript = (channel: AgiChannel) => Promise<void>

export interface FastAgiLimits extends ConnectionLimits {
  /** Connections held at once; more are closed at once. */
  maxConnections: number
}

export interface FastAgiOptions {
  scripts: Readonly<Record<string, AgiScript>>
  log: Logger
  /** No reply from Asterisk for this long closes the session. */
  replyTimeoutMs?: number
  /** Timers of the deadlines; the system clock unless a test passes a virtual one. */
  clock?: Clock
  /** Peers allowed to connect: comma list of IPs and CIDR ranges (default: loopback only). */
  allow?: string
  limits?: Partial<Omit<FastAgiLimits, 'replyTimeoutMs'>>
}

/** Asterisk's env block is about 1 KB and arrives at once; these leave room and stop abuse. */
export const defaultFastAgiLimits: Omit<FastAgiLimits, 'replyTimeoutMs'> = {
  maxConnections: 500,
  maxHeaderBytes: 16_384,
  maxLineBytes: 8192,
  headerTimeoutMs: 10_000,
  closeGraceMs: 5000
}
export const defaultFastAgiAllow = '127.0.0.0/8,::1'

const envLine = /^agi_([a-z0-9_]+): ?(.*)$/

/** Parses the agi_ block; throws on anything that is not one. */
export function parseAgiEnv (lines: readonly string[]): AgiRequest {
  const env: Record<string, string> = {}
  for (const line of lines) {
    const m = envLine.exec(line)
    if (!m) throw new Error(`not an agi_ variable: ${JSON.stringify(line.slice(0, 80))}`)
    env[m[1]!] = m[2]!
  }
  if (env.request === undefined && env.network_script === undefined) throw new Error('agi_request missing')
  const args: string[] = []
  for (let i = 1; env[`arg_${i}`] !== undefined; i++) args.push(env[`arg_${i}`]!)
  // agi_network_script is "route" for agi://host:4573/route; older versions only give agi_request.
  const script = (env.network_script ?? new URL(env.request!).pathname.replace(/^\/+/, '')).split('?')[0]!
  return { script, env, args }
}

export class FastAgiServer {
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  /** Connections still sending their environment block, oldest first: the ones given up under pressure. */
  private readonly incomplete = new Set<Socket>()
  private readonly log: Logger
  private readonly clock: Clock
  private readonly limits: FastAgiLimits
  private readonly allow: AllowList
  /** Refusals since the last log line, by reason. */
  private readonly refused = new Map<string, { count: number; loggedAt: number }>()
  /** Sessions running now (for tests and health). */
  running = 0

  constructor (private readonly opts: FastAgiOptions) {
    this.log = opts.log.child({ part: 'fastagi' })
    this.clock = opts.clock ?? systemClock
    this.limits = { ...defaultFastAgiLimits, ...opts.limits, replyTimeoutMs: opts.replyTimeoutMs ?? 60_000 }
    this.allow = parseAllowList(opts.allow ?? defaultFastAgiAllow)
    // Paused: nothing is read from a peer before it passed the allow-list and the connection limit.
    this.server = createServer({ pauseOnConnect: true }, (socket) => { this.accept(socket) })
    // A bad client never takes the server down; listen errors surface through listen().
    this.server.on('error', (err) => { this.log.error({ err }, 'FastAGI server error') })
  }

  /** Connections held now, sessions and not-yet-complete ones alike. */
  get connections (): number { return this.sockets.size }

  listen (port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        const address = this.server.address() as AddressInfo
        this.log.info({ host, port: address.port, allow: this.allow.entries, maxConnections: this.limits.maxConnections }, 'FastAGI listening')
        resolve(address.port)
      })
    })
  }

  async close (): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
  }

  private accept (socket: Socket): void {
    socket.on('error', () => {}) // a reset during the refusal below is no news
    if (!this.allow.has(socket.remoteAddress)) return this.refuse(socket, 'address not allowed')
    if (this.sockets.size >= this.limits.maxConnections && !this.makeRoom()) return this.refuse(socket, 'connection limit reached')
    this.sockets.add(socket)
    this.incomplete.add(socket)
    socket.on('close', () => { this.sockets.delete(socket); this.incomplete.delete(socket) })
    serveConnection(socket, {
      limits: this.limits, clock: this.clock, log: this.log, parse: parseAgiEnv,
      start: (channel) => { this.incomplete.delete(socket); void this.run(channel) }
    })
  }

  /**
   * At the limit, the oldest connection that has not finished its environment block gives way:
   * Asterisk sends its block at once, so a slow or silent peer cannot keep Asterisk out. Running
   * sessions are never closed for a newcomer; when all slots hold one, the newcomer is refused.
   */
  private makeRoom (): boolean {
    const oldest = this.incomplete.values().next()
    if (oldest.done === true) return false
    const socket = oldest.value
    this.incomplete.delete(socket)
    this.sockets.delete(socket)
    socket.destroy()
    this.report('FastAGI connection dropped', 'connection limit reached: the oldest incomplete one gives way', socket.remoteAddress)
    return true
  }

  private refuse (socket: Socket, why: string): void {
    const remote = socket.remoteAddress
    socket.destroy()
    this.report('FastAGI connection refused', why, remote)
  }

  /** A flood of refusals logs once a second per reason, with how many there were. */
  private report (msg: string, why: string, remote: string | undefined): void {
    const now = this.clock.now()
    const seen = this.refused.get(why) ?? { count: 0, loggedAt: -Infinity }
    seen.count++
    if (now - seen.loggedAt >= 1000) {
      this.log.warn({ why, remote, refused: seen.count, allow: this.allow.entries, maxConnections: this.limits.maxConnections }, msg)
      seen.count = 0
      seen.loggedAt = now
    }
    this.refused.set(why, seen)
  }

  private async run (channel: AgiChannel): Promise<void> {
    const name = channel.request.script
    // Own names only: "constructor" or "toString" must not find Object's.
    const script = Object.hasOwn(this.opts.scripts, name) ? this.opts.scripts[name] : undefined
    this.running++
    try {
      if (!script) {
        channel.log.warn({ known: Object.keys(this.opts.scripts) }, 'unknown AGI script')
        await channel.verbose(`ringlead: unknown AGI script ${name}`)
        return
      }
      channel.log.info({ args: channel.request.args }, 'AGI script started')
      await script(channel)
      channel.log.info('AGI script done')
    } catch (err) {
      if (err instanceof AgiHangup) channel.log.info({ why: err.message }, 'AGI script ended early')
      else channel.log.error({ err }, 'AGI script failed')
    } finally {
      this.running--
      channel.close()
    }
  }
}
