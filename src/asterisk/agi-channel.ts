// One FastAGI session after its environment block: the commands a script sends and the replies
// Asterisk gives. "HANGUP" may arrive at any time, even before the reply it interrupts.
import type { Logger } from 'pino'
import type { CancelTimer, Clock } from '../clock.js'
import { systemClock } from '../clock.js'
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

/** Asterisk (or whoever is on the line) sent what no Asterisk sends: the session is closed. */
export class AgiProtocolError extends RingleadError {
  constructor (message: string) { super('AGI_PROTOCOL', message) }
}

/** The part of a socket a session uses. */
export interface AgiSocket { write (data: string): unknown; end (): unknown; destroy (): unknown }

export interface AgiChannelOptions {
  clock?: Clock
  /** Largest 520 usage reply kept, in bytes; more closes the session. */
  maxUsageBytes?: number
  /** After the script ends, how long the peer gets to close its side before the socket is destroyed. */
  closeGraceMs?: number
}

/** A real 520 usage text is a few hundred bytes. */
const defaultMaxUsageBytes = 16_384
const defaultCloseGraceMs = 5000

export class AgiChannel {
  private pending: { resolve: (r: AgiReply) => void; reject: (e: Error) => void; cancelTimer: CancelTimer } | null = null
  /** Lines of a 520 usage reply, collected until "520 End of proper usage." */
  private usage: string[] | null = null
  private usageBytes = 0
  private hungUp = false
  private closed = false
  private cancelLinger: CancelTimer = () => {}
  private readonly clock: Clock
  private readonly maxUsageBytes: number
  private readonly closeGraceMs: number

  constructor (readonly request: AgiRequest, private readonly socket: AgiSocket, private readonly replyTimeoutMs: number, readonly log: Logger, options: AgiChannelOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.maxUsageBytes = options.maxUsageBytes ?? defaultMaxUsageBytes
    this.closeGraceMs = options.closeGraceMs ?? defaultCloseGraceMs
  }

  get isHungUp (): boolean { return this.hungUp || this.closed }

  /** The session is over on our side: anything more the peer sends is ignored. */
  get isClosed (): boolean { return this.closed }

  /** Sends one command line and waits for its reply. */
  command (line: string): Promise<AgiReply> {
    if (this.closed) return Promise.reject(new AgiHangup('connection closed'))
    if (this.hungUp) return Promise.reject(new AgiHangup('channel hung up'))
    if (this.pending) return Promise.reject(new Error('AGI commands run one at a time'))
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('an AGI command is one line'))
    return new Promise((resolve, reject) => {
      const cancelTimer = this.clock.setTimeout(() => { this.fail(new AgiHangup(`no reply to ${line.split(' ')[0]} in ${this.replyTimeoutMs} ms`)) }, this.replyTimeoutMs)
      this.pending = { resolve, reject, cancelTimer }
      this.log.debug({ line }, 'agi >')
      this.socket.write(`${line}\n`)
    })
  }

  /** Feeds one line Asterisk sent after the env block; throws AgiProtocolError on one no Asterisk sends. */
  onLine (line: string): void {
    this.log.debug({ line }, 'agi <')
    if (line === 'HANGUP') { this.hungUp = true; return } // the reply to the pending command still comes
    if (this.usage !== null) {
      this.usageBytes += Buffer.byteLength(line) + 1
      if (this.usageBytes > this.maxUsageBytes) throw new AgiProtocolError(`520 usage reply over ${this.maxUsageBytes} bytes`)
      this.usage.push(line)
      if (line.startsWith('520 ')) { const raw = this.usage.join('\n'); this.usage = null; this.settle({ code: 520, result: '', data: null, rest: raw, raw }) }
      return
    }
    if (line.startsWith('520-')) {
      // Only an answer to a command may start one; otherwise nobody would ever end it.
      if (!this.pending) throw new AgiProtocolError(`AGI reply nobody asked for: ${JSON.stringify(line.slice(0, 80))}`)
      this.usage = [line]
      this.usageBytes = Buffer.byteLength(line) + 1
      return
    }
    const m = /^(\d{3}) ?(.*)$/.exec(line)
    if (!m) throw new AgiProtocolError(`not an AGI reply: ${JSON.stringify(line.slice(0, 80))}`)
    const code = Number(m[1])
    const body = m[2] ?? ''
    // Greedy up to the last ")": a variable's value may hold parentheses itself, e.g. a caller name.
    const r = /^result=(-?[0-9*#A-D]*)(?: \((.*)\))?\s*(.*)$/.exec(body)
    this.settle({ code, result: r?.[1] ?? '', data: r?.[2] ?? null, rest: r ? r[3] ?? '' : body, raw: line })
  }

  private settle (reply: AgiReply): void {
    const p = this.pending
    if (!p) throw new AgiProtocolError(`AGI reply nobody asked for: ${JSON.stringify(reply.raw.slice(0, 80))}`)
    this.pending = null
    p.cancelTimer()
    p.resolve(reply)
  }

  /** Ends the session: a pending command fails with `err`, the socket closes. */
  fail (err: Error): void {
    this.closed = true
    this.cancelLinger()
    const p = this.pending
    this.pending = null
    if (p) { p.cancelTimer(); p.reject(err) }
    this.socket.destroy()
  }

  /** Ends the session politely; a peer that keeps its side open is cut off after the grace time. */
  close (): void {
    if (this.closed) return
    this.closed = true
    this.socket.end()
    this.cancelLinger = this.clock.setTimeout(() => { this.socket.destroy() }, this.closeGraceMs)
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
