// A FastAGI server on loopback with small scripts, and a peer that plays Asterisk (or an attacker)
// over real TCP: sends bytes, reads the commands, answers them.
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import pino, { type Logger } from 'pino'
import { FastAgiServer, type AgiScript, type FastAgiOptions } from '../../src/asterisk/fastagi.js'
import { VirtualClock } from './virtual-clock.js'

const recorded = JSON.parse(readFileSync(new URL('../fixtures/fastagi/route-env.json', import.meta.url), 'utf8')) as { chunks: string[] }

/** The block Asterisk 22 sent (two TCP chunks), for another script and arguments. */
export function envChunks (script: string, args: readonly string[] = []): string[] {
  return recorded.chunks.map((chunk) => chunk
    .replace(/agi_network_script: route/, `agi_network_script: ${script}`)
    .replace(/agi_request: agi:\/\/127\.0\.0\.1:4573\/route/, `agi_request: agi://127.0.0.1:4573/${script}`)
    .replace(/agi_arg_1: arg1\nagi_arg_2: arg2\n/, args.map((a, i) => `agi_arg_${i + 1}: ${a}\n`).join('')))
}

/** The scripts the server runs: "echo" asks for the caller's name and answers with it and its arguments. */
export const echoScripts: Record<string, AgiScript> = {
  async echo (channel) {
    const name = await channel.getVariable('CALLERID(name)')
    await channel.setVariable('RINGLEAD_ECHO', `${channel.request.args.join('|')}/${name ?? ''}`)
  }
}

/** Log lines at info and above, kept for asserts. */
export interface MemoryLog { log: Logger; entries: Array<Record<string, unknown>> }

export function memoryLog (): MemoryLog {
  const entries: Array<Record<string, unknown>> = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { entries.push(JSON.parse(chunk.toString())); done() } })
  return { log: pino({ level: 'info' }, sink), entries }
}

export interface AgiTestServer { server: FastAgiServer; port: number; clock: VirtualClock; logs: MemoryLog; close (): Promise<void> }

export async function startAgiServer (opts: Partial<FastAgiOptions> = {}, host = '127.0.0.1'): Promise<AgiTestServer> {
  const clock = new VirtualClock()
  const logs = memoryLog()
  const server = new FastAgiServer({ scripts: echoScripts, log: logs.log, clock, replyTimeoutMs: 30_000, ...opts })
  const port = await server.listen(0, host)
  return { server, port, clock, logs, close: () => server.close() }
}

export interface AgiPeer {
  socket: Socket
  /** The next line the server sent; null once the connection closed. */
  next (): Promise<string | null>
  reply (line: string): void
  write (data: string | Buffer): void
  /** Every byte the server sent. */
  received (): string
  closed: Promise<void>
  isClosed (): boolean
}

/** `halfOpen`: the peer keeps its side open after the server ends its own. */
export function agiPeer (port: number, o: { host?: string; halfOpen?: boolean } = {}): AgiPeer {
  const socket = connect({ port, host: o.host ?? '127.0.0.1', allowHalfOpen: o.halfOpen ?? false })
  socket.setEncoding('utf8')
  let buffer = ''
  let all = ''
  let isClosed = false
  const waiting: Array<(line: string | null) => void> = []
  const lines: string[] = []
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      isClosed = true
      for (const w of waiting.splice(0)) w(null)
      resolve()
    })
  })
  socket.on('data', (chunk: string) => {
    buffer += chunk
    all += chunk
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      const w = waiting.shift()
      if (w) w(line); else lines.push(line)
    }
  })
  socket.on('error', () => {}) // resets are what several tests expect
  return {
    socket,
    closed,
    isClosed: () => isClosed,
    received: () => all,
    next: () => lines.length > 0 ? Promise.resolve(lines.shift()!) : isClosed ? Promise.resolve(null) : new Promise((resolve) => waiting.push(resolve)),
    reply: (line) => { if (!socket.destroyed) socket.write(`${line}\n`) },
    write: (data) => { if (!socket.destroyed) socket.write(data) }
  }
}

/** A whole valid session for "echo": true when every command and answer was the right one. */
export async function validEcho (port: number, args: readonly string[], callerName: string): Promise<{ ok: boolean; got: string[] }> {
  const peer = agiPeer(port)
  const got: string[] = []
  const chunks = envChunks('echo', args)
  for (const c of chunks) peer.write(c)
  const first = await peer.next()
  got.push(String(first))
  peer.reply(`200 result=1 (${callerName})`)
  const second = await peer.next()
  got.push(String(second))
  peer.reply('200 result=1')
  await peer.closed
  const ok = first === 'GET VARIABLE CALLERID(name)' && second === `SET VARIABLE RINGLEAD_ECHO "${args.join('|')}/${callerName}"`
  return { ok, got }
}

/** Resolves once `check` holds, looking again every few ms; the minute is only a bound for a broken test. */
export async function eventually (what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await new Promise<void>((resolve) => { setTimeout(resolve, 5) })
  }
}
