// The Stasis app's connection to ARI: loads the API descriptions and opens the event WebSocket
// through ari-client, each step under a deadline, and starts over with backoff until connected,
// after a drop too. It says why it is down (LinkHealth). It passes events on; it decides nothing.
import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import ari, { type Client } from 'ari-client'
import type { Logger } from 'pino'
import { sleep, systemClock, withDeadline, type Clock } from '../clock.js'
import { DeliveryProbe } from './delivery-probe.js'
import { AsteriskConnectTimedOut, asteriskMessageOf } from './errors.js'
import { LinkHealth, type LinkStatus } from './link-health.js'

export interface AriConnectionOptions {
  url: string; user: string; password: string; app: string
  log: Logger
  clock?: Clock
  /** Deadline of each step: loading the API descriptions, opening the WebSocket, the delivery probe's answer. */
  connectTimeoutMs?: number
  reconnectMinMs?: number; reconnectMaxMs?: number
  /**
   * Sends the app a user event of this name (delivery-probe.ts): after each connect, one proves that
   * events reach the new socket. Without it nothing is checked.
   */
  sendUserEvent?: (eventName: string) => Promise<unknown>
}

interface AriConnectionEvents {
  /**
   * One ARI event, parsed as it came (its type checked against the served models), with the
   * monotonic time (performance.now()) its frame arrived on the WebSocket.
   */
  event: [unknown, number]
  /** A WebSocket message ari-client could not take (bad JSON, unknown event type). */
  malformed: [string, Error]
  connected: [{ reconnect: boolean }]
  disconnected: [{ reason: string }]
}

type RawClient = EventEmitter & { _ws?: WebSocketLike; _swagger?: { apis?: { events?: { models?: Record<string, unknown> } } } }
interface WebSocketLike extends EventEmitter { terminate (): void; readyState: number }

/**
 * swagger-client prints a notice about Swagger 1.2 with console.log on every connect; it is not
 * ours to print and would land unstructured in the log.
 */
async function quietly<T> (fn: () => Promise<T>): Promise<T> {
  const original = console.log
  console.log = (...args: unknown[]) => {
    if (/deprecated version of Swagger/.test(String(args[0]))) return
    original(...args)
  }
  try { return await fn() } finally { console.log = original }
}

export class AriConnection extends EventEmitter<AriConnectionEvents> {
  private client: RawClient | null = null
  private ws: WebSocketLike | null = null
  private stopped = true
  private looping = false
  private everConnected = false
  private wsUp = false
  private abort = new AbortController()
  private readonly clock: Clock
  private readonly health: LinkHealth
  private readonly log: Logger
  private readonly connectTimeoutMs: number
  private readonly probe: DeliveryProbe | null

  constructor (private readonly opts: AriConnectionOptions) {
    super()
    this.clock = opts.clock ?? systemClock
    this.health = new LinkHealth(this.clock)
    this.log = opts.log
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000
    const send = opts.sendUserEvent
    this.probe = send === undefined ? null : new DeliveryProbe({ send, clock: this.clock, log: this.log, timeoutMs: this.connectTimeoutMs })
  }

  get connected (): boolean { return this.wsUp }

  status (): LinkStatus { return this.health.view() }

  /** Starts connecting in the background; 'connected' tells when it is up. */
  start (): void {
    if (!this.stopped) return
    this.stopped = false
    this.abort = new AbortController()
    void this.connectLoop()
  }

  stop (): void {
    this.stopped = true
    this.abort.abort()
    this.wsUp = false
    this.discard()
    this.health.stopped()
  }

  private async connectLoop (): Promise<void> {
    if (this.looping) return
    this.looping = true
    let delayMs = this.opts.reconnectMinMs ?? 250
    try {
      while (!this.stopped) {
        this.health.connecting()
        try {
          await this.connectOnce()
          return
        } catch (err) {
          if (this.stopped) return
          this.discard()
          const reason = asteriskMessageOf(err)
          this.health.failed(reason, delayMs)
          this.log.warn({ err: reason, retryInMs: delayMs }, 'ARI not reachable')
          await sleep(this.clock, delayMs, this.abort.signal)
          delayMs = Math.min(delayMs * 2, this.opts.reconnectMaxMs ?? 10_000)
        }
      }
    } finally {
      this.looping = false
    }
  }

  /** After a drop the client that loaded the API descriptions opens a new WebSocket; after a failed attempt a new client starts from scratch. */
  private async connectOnce (): Promise<void> {
    const ms = this.connectTimeoutMs
    let raw = this.client
    if (!raw) {
      // A stalled server would keep ari-client waiting for ever: the deadline gives up on it (its
      // request is left to the server's own timeout; ari-client has no way to cancel it).
      const client = await withDeadline(this.clock, ms, quietly(() => ari.connect(this.opts.url, this.opts.user, this.opts.password)) as Promise<Client>,
        () => { throw new AsteriskConnectTimedOut('ARI connect (loading the API descriptions)', ms) })
      if (this.stopped) return
      raw = client as unknown as RawClient
      this.client = raw
    }
    await this.openEvents(raw, raw as unknown as Client)
  }

  /** Opens the WebSocket; resolves once it is open, rejects on error, close or deadline. */
  private openEvents (raw: RawClient, client: Client): Promise<void> {
    const ms = this.connectTimeoutMs
    return new Promise((resolve, reject) => {
      let open = false
      let settled = false
      const cancel = this.clock.setTimeout(() => { down(new AsteriskConnectTimedOut('ARI event WebSocket', ms).message) }, ms)
      // ari-client's start() only settles on open or after its own retries; we own the retries.
      void client.start(this.opts.app)
      const ws = raw._ws
      if (!ws) { cancel(); reject(new Error('ari-client opened no WebSocket')); return }
      this.ws = ws
      // ari-client reconnects by itself on close/error, with no deadline on the handshake, and a
      // socket it opens after we gave up would take the app from the one we use: take over.
      ws.removeAllListeners('close')
      ws.removeAllListeners('error')
      const down = (reason: string): void => {
        cancel()
        if (!open) {
          if (settled) return
          settled = true
          reject(new Error(reason))
          return
        }
        if (this.ws !== ws) return
        this.ws = null
        this.dropSocket(ws)
        if (this.wsUp) {
          this.wsUp = false
          this.health.dropped(reason)
          this.log.warn({ reason }, 'ARI WebSocket dropped, reconnecting')
          this.emit('disconnected', { reason })
        }
        if (!this.stopped) void this.connectLoop()
      }
      ws.on('error', (err: Error) => { down(`ARI event WebSocket: ${err.message}`) })
      ws.on('close', () => { down('ARI event WebSocket closed') })
      raw.once('WebSocketConnected', () => {
        cancel()
        if (settled || this.stopped) return
        open = true
        settled = true
        this.guardMessages(raw, ws)
        this.wsUp = true
        this.health.connected()
        const reconnect = this.everConnected
        this.everConnected = true
        this.log.info({ reconnect }, 'ARI connected')
        resolve()
        this.emit('connected', { reconnect })
        void this.checkDelivery(ws)
      })
    })
  }

  /** Opens the socket again when the app's events do not reach it (delivery-probe.ts). */
  private async checkDelivery (ws: WebSocketLike): Promise<void> {
    if (this.probe === null || await this.probe.check() || this.ws !== ws || this.stopped) return
    this.log.warn({ app: this.opts.app }, 'ARI events do not reach the app (Asterisk lost its registration): connecting again')
    ws.terminate() // its 'close' takes the socket down and starts the reconnect
  }

  /**
   * Events are parsed here, not by ari-client: it builds a resource object with every ARI method
   * for each channel, bridge and playback an event names, which cost more than the rest of a
   * call's set-up, and it throws (crashing the process) on bad JSON or an event type missing
   * from the served models. Such a frame is reported as malformed instead. Each event carries the
   * time its frame arrived, which the routing-latency metric starts from.
   */
  private guardMessages (raw: RawClient, ws: WebSocketLike): void {
    const known = new Set(Object.keys(raw._swagger?.apis?.events?.models ?? {}))
    ws.removeAllListeners('message')
    ws.on('message', (data: unknown) => {
      const arrivedAtPerf = performance.now()
      const text = String(data)
      let event: { type?: unknown }
      try {
        event = JSON.parse(text) as { type?: unknown }
        if (typeof event !== 'object' || event === null) throw new Error('not an event object')
        if (typeof event.type !== 'string' || (known.size > 0 && !known.has(event.type))) throw new Error(`unknown event type ${String(event.type)}`)
      } catch (err) {
        this.emit('malformed', text, err as Error)
        return
      }
      if (event.type === 'ApplicationReplaced') this.log.error({ app: this.opts.app }, 'another client took over the Stasis app')
      if (this.probe?.answered(event) === true) return
      this.emit('event', event, arrivedAtPerf)
    })
  }

  /** Lets go of the current client and its socket; nothing more from them reaches us. */
  private discard (): void {
    const client = this.client
    const ws = this.ws
    this.client = null
    this.ws = null
    client?.removeAllListeners()
    if (ws) this.dropSocket(ws)
  }

  private dropSocket (ws: WebSocketLike): void {
    ws.removeAllListeners('message')
    ws.removeAllListeners('open')
    ws.on('error', () => undefined) // a late error of a socket we dropped is expected
    try { ws.terminate() } catch (err) { this.log.debug({ err: (err as Error).message }, 'ARI WebSocket already gone') }
  }
}
