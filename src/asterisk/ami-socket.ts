// AMI over TCP: the manager's "Key: Value" lines, a blank line closing each message, parsed as they
// arrive. asterisk-manager's reader re-split its whole buffer on every chunk, rebuilt each value
// with split and join, and handed every event to several process.nextTick callbacks; at 40 calls/s
// it was the daemon's largest cost after SQLite and HTTP (see docs/benchmarks.md, ninth pass).
import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'

/** Keys arrive lower-cased; a key given more than once (Output lines) holds every value in order. */
export type AmiMessage = Record<string, string | string[] | undefined>

/** A message this long without its closing blank line is not AMI: the connection is dropped. */
const MAX_MESSAGE_CHARS = 1 << 20
const END = '\r\n\r\n'
/** Output of a "Response: Follows" (Command on Asterisk before 14) runs to this line and may hold blank lines. */
const END_COMMAND = '--END COMMAND--'

interface AmiSocketEvents {
  event: [AmiMessage]
  error: [Error]
  close: []
}

export class AmiSocket extends EventEmitter<AmiSocketEvents> {
  private socket: Socket | null = null
  private buffer = ''
  private greeted = false
  private closed = false
  private readonly waiting = new Map<string, { resolve: (m: AmiMessage) => void; reject: (e: Error) => void }>()

  /** Opens the TCP connection; `ready` once connected (or with the connect error). */
  connect (port: number, host: string, ready: (err: Error | null) => void): void {
    const socket = connect({ port, host, noDelay: true, keepAlive: true })
    this.socket = socket
    socket.setEncoding('utf8') // a name in Cyrillic split between two reads stays whole
    let connected = false
    socket.once('connect', () => { connected = true; ready(null) })
    socket.on('data', (chunk: string) => { this.onData(chunk) })
    socket.on('error', (err) => {
      if (!connected) ready(err)
      else this.emit('error', err)
    })
    socket.on('close', () => {
      this.closed = true
      for (const w of this.waiting.values()) w.reject(new Error('AMI connection closed'))
      this.waiting.clear()
      if (connected) this.emit('close')
    })
  }

  /**
   * Sends an action and resolves with its response (Success, Error or Follows; the caller reads
   * `response`). `actionid` must be set and unique on this connection.
   */
  send (action: Record<string, string | number | undefined> & { actionid: string }): Promise<AmiMessage> {
    const socket = this.socket
    if (socket === null || this.closed) return Promise.reject(new Error('AMI not connected'))
    let text = ''
    for (const key in action) {
      const value = action[key]
      if (value === undefined) continue
      // A line break in a value would end the line (or the message) early and let it say anything.
      const line = String(value)
      if (/[\r\n]/.test(line)) return Promise.reject(new Error(`AMI ${String(action.action)}: ${key} holds a line break`))
      text += `${spelled(key)}: ${line}\r\n`
    }
    return new Promise((resolve, reject) => {
      this.waiting.set(action.actionid, { resolve, reject })
      socket.write(`${text}\r\n`)
    })
  }

  /** Stops waiting for one action's answer (its deadline passed): a late answer is dropped. */
  forget (actionid: string): void {
    this.waiting.delete(actionid)
  }

  /** Stops waiting for answers: the socket ends, and whoever waits is told the connection closed. */
  close (): void {
    this.socket?.destroy()
  }

  private onData (chunk: string): void {
    this.buffer += chunk
    let at = 0
    if (!this.greeted) {
      // "Asterisk Call Manager/x.y.z": one line, not closed by a blank one.
      const eol = this.buffer.indexOf('\r\n')
      if (eol < 0) return this.guard()
      this.greeted = true
      at = eol + 2
    }
    for (;;) {
      let end = this.buffer.indexOf(END, at)
      if (end < 0) break
      let message: AmiMessage
      if (this.buffer.startsWith('Response: Follows', at)) {
        const stop = this.buffer.indexOf(`${END_COMMAND}${END}`, at)
        if (stop < 0) break
        message = parseFollows(this.buffer.slice(at, stop))
        end = stop + END_COMMAND.length
      } else {
        message = parse(this.buffer, at, end)
      }
      at = end + END.length
      this.deliver(message)
    }
    if (at > 0) this.buffer = this.buffer.slice(at)
    this.guard()
  }

  private guard (): void {
    if (this.buffer.length <= MAX_MESSAGE_CHARS) return
    this.buffer = ''
    this.emit('error', new Error(`AMI sent more than ${MAX_MESSAGE_CHARS} characters without ending a message`))
    this.close()
  }

  private deliver (message: AmiMessage): void {
    if (message.response !== undefined && message.event === undefined) {
      const id = message.actionid
      const w = typeof id === 'string' ? this.waiting.get(id) : undefined
      if (w !== undefined) {
        this.waiting.delete(id as string)
        w.resolve(message)
      }
      return
    }
    if (message.event !== undefined) this.emit('event', message)
  }
}

/** Asterisk reads keys in any case; they are written as its documentation spells them (Action, ActionID). */
const spelled = (key: string): string => (key.toLowerCase() === 'actionid' ? 'ActionID' : `${key.charAt(0).toUpperCase()}${key.slice(1)}`)

/** One message's lines, `Key: Value` each, from `start` to `end` of `text`. */
function parse (text: string, start: number, end: number): AmiMessage {
  const message: AmiMessage = {}
  while (start < end) {
    let eol = text.indexOf('\r\n', start)
    if (eol < 0 || eol > end) eol = end
    if (eol > start) add(message, text, start, eol)
    start = eol + 2
  }
  return message
}

function add (message: AmiMessage, text: string, start: number, eol: number): void {
  const colon = text.indexOf(':', start)
  const hasValue = colon >= 0 && colon < eol
  let key = text.slice(start, hasValue ? colon : eol).toLowerCase()
  if (key.includes(' ')) key = key.replace(/ /g, '')
  let value = ''
  if (hasValue) value = text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1, eol)
  const had = message[key]
  if (had === undefined) message[key] = value
  else if (Array.isArray(had)) had.push(value)
  else message[key] = [had, value]
}

/** Headers (Response, ActionID, Privilege) then the command's output lines, blank ones kept. */
function parseFollows (text: string): AmiMessage {
  const message: AmiMessage = {}
  const output: string[] = []
  const lines = text.split('\r\n')
  let headers = true
  for (const line of lines) {
    if (headers && /^[A-Za-z][\w-]*: /.test(line)) {
      add(message, line, 0, line.length)
      continue
    }
    headers = false
    output.push(line)
  }
  while (output.length > 0 && output[output.length - 1] === '') output.pop()
  message.output = output
  return message
}
