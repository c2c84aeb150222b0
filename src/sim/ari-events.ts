// The ARI events WebSocket (/ari/events): app registration, ApplicationReplaced, and delivery by subscription.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { WebSocket, WebSocketServer } from 'ws'
import { asteriskTimestamp } from './asterisk-text.js'
import type { WireLog } from './wire-log.js'
import type { AriOutEvent } from './world.js'

interface Subscriber { ws: WebSocket; apps: string[]; subscribeAll: boolean }

/** Asterisk's 400 page when /ari/events has no app parameter (res_http_websocket answers in HTML). */
const MISSING_APP_PAGE = '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk/22.10.1</address>\r\n</body></html>\r\n'

export class AriEventHub {
  private readonly wss = new WebSocketServer({ noServer: true })
  private readonly subscribers = new Set<Subscriber>()
  /** The one WebSocket that currently owns each app. */
  private readonly owners = new Map<string, Subscriber>()
  /** Sockets still to close with a stale teardown (Simulator.ariFaults.staleTeardown). */
  private staleTeardowns = 0
  /** Apps whose next registration a stale teardown undoes. */
  private readonly losing = new Set<string>()

  constructor (
    private readonly asteriskId: string,
    private readonly wire: WireLog,
    private readonly onAppRegistered: (app: string) => void,
    private readonly log?: Logger,
    /** The app's event filter (PUT /applications/{app}/eventFilter). */
    private readonly allows: (app: string, type: string) => boolean = () => true
  ) {}

  /** Called from the HTTP server's 'upgrade' once the request is authenticated. */
  handleUpgrade (req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): void {
    const apps = query.getAll('app').flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== '')
    if (apps.length === 0) {
      socket.end(`HTTP/1.1 400 Bad Request\r\nServer: Asterisk/22.10.1\r\nCache-Control: no-cache, no-store\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(MISSING_APP_PAGE)}\r\nConnection: close\r\n\r\n${MISSING_APP_PAGE}`)
      return
    }
    const subscribeAll = ['true', 'yes', '1'].includes((query.get('subscribeAll') ?? '').toLowerCase())
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, apps, subscribeAll))
  }

  isAppActive (app: string): boolean { return this.owners.has(app) }

  staleTeardown (): void { this.staleTeardowns++ }

  deliver (event: AriOutEvent): void {
    for (const sub of this.subscribers) {
      const owned = sub.apps.filter((a) => this.owners.get(a) === sub)
      if (owned.length === 0) continue
      const subscribedApp = owned.find((a) => event.apps.has(a))
      if (sub.subscribeAll) {
        const application = subscribedApp ?? owned[0]!
        this.send(sub, application, event.body)
        // Observed (flow1b): with subscribeAll a recording's events arrive twice.
        if (subscribedApp && /^Recording(Started|Finished)$/.test(String(event.body.type))) this.send(sub, application, event.body)
      } else if (!event.allOnly && subscribedApp) {
        this.send(sub, subscribedApp, event.body)
      }
    }
  }

  /** Sends text as it is to every open WebSocket: for testing how a client copes with bad events. */
  sendRaw (text: string): void {
    for (const sub of this.subscribers) if (sub.ws.readyState === WebSocket.OPEN) sub.ws.send(text)
  }

  /** Closes every WebSocket without a close handshake, as a network failure would. */
  dropAll (): void {
    for (const sub of this.subscribers) sub.ws.terminate()
  }

  async close (): Promise<void> {
    this.dropAll()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private attach (ws: WebSocket, apps: string[], subscribeAll: boolean): void {
    const sub: Subscriber = { ws, apps, subscribeAll }
    for (const app of apps) {
      const previous = this.owners.get(app)
      if (previous && previous !== sub) {
        // The old socket stays open but gets nothing more for this app.
        this.send(previous, app, { type: 'ApplicationReplaced', timestamp: asteriskTimestamp() }, { labelLast: true })
      }
      this.owners.set(app, sub)
      this.onAppRegistered(app)
      // The old socket's teardown lands just after: the app is inactive, this socket open and deaf.
      if (this.losing.delete(app)) setImmediate(() => { if (this.owners.get(app) === sub) this.owners.delete(app) })
    }
    this.subscribers.add(sub)
    this.log?.debug({ apps, subscribeAll }, 'ari websocket connected')
    const detach = () => {
      if (!this.subscribers.has(sub)) return
      if (this.staleTeardowns > 0) {
        this.staleTeardowns--
        for (const app of apps) this.losing.add(app)
      }
      this.subscribers.delete(sub)
      for (const app of apps) if (this.owners.get(app) === sub) this.owners.delete(app)
      this.log?.debug({ apps }, 'ari websocket closed')
    }
    ws.on('close', detach)
    ws.on('error', detach)
  }

  private send (sub: Subscriber, application: string, body: Record<string, unknown>, opts: { labelLast?: boolean } = {}): void {
    if (sub.ws.readyState !== WebSocket.OPEN || !this.allows(application, String(body.type))) return
    // Asterisk's key order: the event's own fields, then asterisk_id and application
    // (ApplicationReplaced lists application before asterisk_id).
    const message = opts.labelLast
      ? { ...body, application, asterisk_id: this.asteriskId }
      : { ...body, asterisk_id: this.asteriskId, application }
    this.wire.add({ kind: 'event', application, body: message })
    sub.ws.send(JSON.stringify(message))
  }
}
