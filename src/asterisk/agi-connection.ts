// One accepted FastAGI connection until its environment block is in: reads it line by line with
// a running size count (no rescans), under a line cap, a block cap and a deadline from connect;
// then hands the session to the server and feeds it the lines that follow.
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { AgiChannel, AgiHangup, AgiProtocolError, type AgiRequest } from './agi-channel.js'
import { LineSplitter } from './agi-lines.js'

export interface ConnectionLimits {
  /** Longest line, in bytes. */
  maxLineBytes: number
  /** Largest environment block (and 520 usage reply), in bytes with newlines. */
  maxHeaderBytes: number
  /** The environment block must be complete this long after connecting. */
  headerTimeoutMs: number
  /** A command without a reply for this long ends the session. */
  replyTimeoutMs: number
  /** After the script ends, how long the peer gets to close its side. */
  closeGraceMs: number
}

export interface ConnectionContext {
  limits: ConnectionLimits
  clock: Clock
  log: Logger
  parse: (lines: readonly string[]) => AgiRequest
  /** Runs the script of a session whose environment block is complete. */
  start: (channel: AgiChannel) => void
}

/** Reads `socket` (paused on accept) and resumes it. */
export function serveConnection (socket: Socket, ctx: ConnectionContext): void {
  const { limits, clock } = ctx
  const log = ctx.log.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` })
  const splitter = new LineSplitter(limits.maxLineBytes)
  const envLines: string[] = []
  let envBytes = 0
  let channel: AgiChannel | null = null
  let dropped = false
  const cancelHeaderTimer = clock.setTimeout(() => { if (!channel) drop('no complete environment block in time') }, limits.headerTimeoutMs)

  const drop = (why: string): void => {
    dropped = true
    log.warn({ why }, 'AGI session closed: bad input')
    if (channel) channel.fail(new AgiHangup(why))
    else socket.destroy()
  }

  /** One line; false once the connection is done for. */
  const onLine = (line: string, wireBytes: number): boolean => {
    if (socket.destroyed) return false
    if (channel) {
      if (channel.isClosed) return false
      try { channel.onLine(line) } catch (err) {
        if (!(err instanceof AgiProtocolError)) throw err
        drop(err.message)
        return false
      }
      return true
    }
    if (line !== '') {
      envBytes += wireBytes
      if (envBytes > limits.maxHeaderBytes) { drop(`environment block over ${limits.maxHeaderBytes} bytes`); return false }
      envLines.push(line)
      return true
    }
    cancelHeaderTimer()
    let request: AgiRequest
    try { request = ctx.parse(envLines) } catch (err) { drop((err as Error).message); return false }
    envLines.length = 0
    channel = new AgiChannel(request, socket, limits.replyTimeoutMs, log.child({ script: request.script, agiChannel: request.env.channel, uniqueId: request.env.uniqueid }), {
      clock, maxUsageBytes: limits.maxHeaderBytes, closeGraceMs: limits.closeGraceMs
    })
    ctx.start(channel)
    return true
  }

  socket.setNoDelay(true)
  socket.on('error', (err) => { log.debug({ err: err.message }, 'AGI socket error') })
  socket.on('close', () => {
    cancelHeaderTimer()
    if (channel) channel.fail(new AgiHangup('connection closed'))
    else if (!dropped && (envLines.length > 0 || splitter.heldBytes > 0)) log.warn({ lines: envLines.length }, 'AGI session closed before its environment was complete')
  })
  socket.on('data', (chunk: Buffer) => {
    if (channel?.isClosed) return // the script is done; whatever else comes is dropped unread
    if (splitter.push(chunk, onLine) === 'line too long') drop(`line over ${limits.maxLineBytes} bytes`)
  })
  socket.resume()
}
