// FastAGI over TCP: Asterisk's `AGI(agi://host:port/<script>,args…)` opens a connection, sends the
// agi_ environment block (ended by a blank line), then reads one command per line and answers each
// with "200 result=…". "HANGUP" may arrive at any time, even before the reply it interrupts.
// Speaks the protocol and nothing else: what a script does is the script's business.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Logger } from 'pino'
import { RingleadError } from '../errors.js'

export interface AgiRequest {
  /** Script name from agi_network_script (the path of agi://host/<script>). */
  script: string
  /** agi_* variables without the prefix: callerid, channel, extension, … */
  env: Readonly<Record<string, string>>
  /** agi_arg_1, agi_arg_2, … in order. */
  args: readonly string[]
}

export interface AgiReply { code: number; result: string; data: string | null; rest: string; raw: string }

/** The channel hung up or the connection ended: the script has nobody to talk to any more. */
export class AgiHangup extends RingleadError {
  constructor (why: string) { super('AGI_HANGUP', `AGI session ended: ${why}`) }
}

export type AgiScript = (channel: AgiChannel) => Promise<void>

export interface FastAgiOptions {
  scripts: Readonly<Record<string, AgiScript>>
  log: Logger
  /** No reply from Asterisk for this long closes the session. */
  replyTimeoutMs?: number
}

/** The env block is small (about 1 KB); anything much bigger is not Asterisk. */
const maxEnvBytes = 16_384
const maxLineBytes = 8_192
const envLine = /^agi_([a-z0-9_]+): ?(.*)$/

/** One AGI session: the commands a script sends and the replies Asterisk gives. */
export class AgiChannel {
  private pending: { resolve: (r: AgiReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null
  /** Lines of a 520 usage reply, collected until "520 End of proper usage." */
  private usage: string[] | null = null
  private hungUp = false
  private closed = false

  constructor (readonly request: AgiRequest, private readonly socket: Socket, private readonly replyTimeoutMs: number, readonly log: Logger) {}

  get isHungUp (): boolean { return this.hungUp || this.closed }

  /** Sends one command line and waits for its reply. */
  command (line: string): Promise<AgiReply> {
    if (this.closed) return Promise.reject(new AgiHangup('connection closed'))
    if (this.hungUp) return Promise.reject(new AgiHangup('channel hung up'))
    if (this.pending) return Promise.reject(new Error('AGI commands run one at a time'))
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('an AGI command is one line'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.fail(new AgiHangup(`no reply to ${line.split(' ')[0]} in ${this.replyTimeoutMs} ms`)) }, this.replyTimeoutMs)
      this.pending = { resolve, reject, timer }
      this.log.debug({ line }, 'agi >')
      this.socket.write(`${line}\n`)
    })
  }

  /** Feeds one line Asterisk sent after the env block. */
  onLine (line: string): void {
    this.log.debug({ line }, 'agi <')
    if (line === 'HANGUP') { this.hungUp = true; return } // the reply to the pending command still comes
    if (this.usage !== null) {
      this.usage.push(line)
      if (line.startsWith('520 ')) { const raw = this.usage.join('\n'); this.usage = null; this.settle({ code: 520, result: '', data: null, rest: raw, raw }) }
      return
    }
    if (line.startsWith('520-')) { this.usage = [line]; return }
    const m = /^(\d{3}) ?(.*)$/.exec(line)
    if (!m) throw new Error(`not an AGI reply: ${JSON.stringify(line.slice(0, 80))}`)
    const code = Number(m[1])
    const body = m[2] ?? ''
    // Greedy up to the last ")": a variable's value may hold parentheses itself, e.g. a caller name.
    const r = /^result=(-?[0-9*#A-D]*)(?: \((.*)\))?\s*(.*)$/.exec(body)
    this.settle({ code, result: r?.[1] ?? '', data: r?.[2] ?? null, rest: r ? r[3] ?? '' : body, raw: line })
  }

  private settle (reply: AgiReply): void {
    const p = this.pending
    if (!p) throw new Error(`AGI reply nobody asked for: ${JSON.stringify(reply.raw.slice(0, 80))}`)
    this.pending = null
    clearTimeout(p.timer)
    p.resolve(reply)
  }

  /** Ends the session: a pending command fails with `err`, the socket closes. */
  fail (err: Error): void {
    this.closed = true
    const p = this.pending
    this.pending = null
    if (p) { clearTimeout(p.timer); p.reject(err) }
    this.socket.destroy()
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    this.socket.end()
  }

  // ---- the commands ringlead's scripts use ----

  private async ok (line: string): Promise<AgiReply> {
    const reply = await this.command(line)
    // 511: "Command Not Permitted on a dead channel": the caller is gone, not a fault of ours.
    if (reply.code === 511) { this.hungUp = true; throw new AgiHangup('channel hung up') }
    if (reply.code !== 200) throw new RingleadError('AGI_COMMAND_FAILED', `AGI ${line.split(' ').slice(0, 2).join(' ')} failed: ${reply.raw}`)
    if (reply.result === '-1') { this.hungUp = true; throw new AgiHangup('channel hung up') }
    return reply
  }

  async answer (): Promise<void> { await this.ok('ANSWER') }

  /** Null when the variable is not set. */
  async getVariable (name: string): Promise<string | null> {
    const reply = await this.ok(`GET VARIABLE ${name}`)
    return reply.result === '1' ? reply.data ?? '' : null
  }

  async setVariable (name: string, value: string): Promise<void> {
    await this.ok(`SET VARIABLE ${name} ${quote(value)}`)
  }

  /** Plays a sound file; returns the key that interrupted it (one of `escapeDigits`) or null. */
  async streamFile (file: string, escapeDigits = ''): Promise<string | null> {
    return digitOf(await this.ok(`STREAM FILE ${file} ${quote(escapeDigits)}`))
  }

  /** Waits up to `timeoutMs` for one key; null when none came. */
  async waitForDigit (timeoutMs: number): Promise<string | null> {
    return digitOf(await this.ok(`WAIT FOR DIGIT ${Math.max(0, Math.round(timeoutMs))}`))
  }

  /** Plays `file` and collects up to `maxDigits` keys (ended by # or the timeout). */
  async getData (file: string, timeoutMs: number, maxDigits: number): Promise<string> {
    const reply = await this.ok(`GET DATA ${file} ${Math.max(0, Math.round(timeoutMs))} ${maxDigits}`)
    return reply.result
  }

  async exec (application: string, data: string): Promise<string> {
    return (await this.ok(`EXEC ${application} ${quote(data)}`)).result
  }

  async verbose (message: string, level = 1): Promise<void> {
    await this.ok(`VERBOSE ${quote(message)} ${level}`)
  }
}

/** AGI arguments are space separated; quotes keep one together. Quotes and backslashes inside are escaped. */
function quote (value: string): string {
  return `"${value.replace(/[\r\n]/g, ' ').replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** STREAM FILE and WAIT FOR DIGIT answer with the key's ASCII code, 0 for none. */
function digitOf (reply: AgiReply): string | null {
  const code = Number(reply.result)
  return Number.isInteger(code) && code > 0 ? String.fromCharCode(code) : null
}

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
  private readonly replyTimeoutMs: number
  private readonly log: Logger
  /** Sessions running now (for tests and health). */
  running = 0

  constructor (private readonly opts: FastAgiOptions) {
    this.log = opts.log.child({ part: 'fastagi' })
    this.replyTimeoutMs = opts.replyTimeoutMs ?? 60_000
    this.server = createServer((socket) => { this.accept(socket) })
    // A bad client never takes the server down; listen errors surface through listen().
    this.server.on('error', (err) => { this.log.error({ err }, 'FastAGI server error') })
  }

  listen (port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        const address = this.server.address() as AddressInfo
        this.log.info({ host, port: address.port }, 'FastAGI listening')
        resolve(address.port)
      })
    })
  }

  async close (): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
  }

  private accept (socket: Socket): void {
    this.sockets.add(socket)
    socket.setEncoding('utf8')
    socket.setNoDelay(true)
    let buffer = ''
    const envLines: string[] = []
    let channel: AgiChannel | null = null
    const timer = setTimeout(() => { if (!channel) drop('no environment block in time') }, this.replyTimeoutMs)
    const log = this.log.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` })
    const drop = (why: string): void => {
      log.warn({ why }, 'AGI session closed: bad input')
      if (channel) channel.fail(new AgiHangup(why))
      else socket.destroy()
    }
    socket.on('error', (err) => { log.debug({ err: err.message }, 'AGI socket error') })
    socket.on('close', () => {
      clearTimeout(timer)
      this.sockets.delete(socket)
      if (channel) channel.fail(new AgiHangup('connection closed'))
      else if (envLines.length > 0 || buffer !== '') log.warn({ lines: envLines.length }, 'AGI session closed before its environment was complete')
    })
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (;;) {
        const nl = buffer.indexOf('\n')
        if (nl < 0) {
          if (buffer.length > maxLineBytes) drop('line too long')
          return
        }
        const line = buffer.slice(0, nl).replace(/\r$/, '')
        buffer = buffer.slice(nl + 1)
        if (socket.destroyed) return
        if (channel) {
          try { channel.onLine(line) } catch (err) { drop((err as Error).message); return }
          continue
        }
        if (line !== '') {
          envLines.push(line)
          if (envLines.reduce((n, l) => n + l.length, 0) > maxEnvBytes) { drop('environment block too large'); return }
          continue
        }
        clearTimeout(timer)
        let request: AgiRequest
        try { request = parseAgiEnv(envLines) } catch (err) { drop((err as Error).message); return }
        channel = new AgiChannel(request, socket, this.replyTimeoutMs, log.child({ script: request.script, agiChannel: request.env.channel, uniqueId: request.env.uniqueid }))
        void this.run(channel)
      }
    })
  }

  private async run (channel: AgiChannel): Promise<void> {
    const script = this.opts.scripts[channel.request.script]
    this.running++
    try {
      if (!script) {
        channel.log.warn({ known: Object.keys(this.opts.scripts) }, 'unknown AGI script')
        await channel.verbose(`ringlead: unknown AGI script ${channel.request.script}`)
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
