// ARI over HTTP: authentication, the api-docs, routing by our Swagger declarations, Asterisk's error shapes.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { AriError, ariFail } from './ari-error.js'
import type { AriEventHub } from './ari-events.js'
import { asteriskTimestamp, HANGUP_REASONS } from './asterisk-text.js'
import { DECLARATIONS, RESOURCE_LISTING } from './api-docs/resources.js'
import type { ApiDeclaration, SwaggerOperation } from './api-docs/swagger.js'
import type { WireLog } from './wire-log.js'
import type { World } from './world.js'

export interface AriServerOptions { user: string; password: string; log?: Logger }

interface Route {
  resource: string
  pathTemplate: string
  pattern: RegExp
  paramNames: string[]
  operations: SwaggerOperation[]
}

/** What a handler sees: path and query/body parameters by name, plus channel variables from the JSON body. */
export interface AriRequest {
  path: Record<string, string>
  params: Record<string, string>
  variables: Record<string, string> | undefined
  /** The JSON body as sent (object-valued parameters such as an event filter). */
  body?: unknown
}

/** 20 ms of 8 kHz silence: what MixMonitor writes to a file between its size being read and its end. */
const GROWN_WHILE_SENT = Buffer.alloc(320)

type Reply = { status: number; body?: unknown; file?: { bytes: Buffer; growing: boolean } }
/** Most handlers answer at once; addChannel answers when its channels have joined. */
type Handler = (req: AriRequest) => Reply | Promise<Reply>

const WWW_AUTHENTICATE = 'Basic realm="Asterisk REST Interface"'

function buildRoutes (): Route[] {
  const routes: Route[] = []
  for (const [resource, decl] of Object.entries(DECLARATIONS)) {
    for (const api of decl.apis) {
      if (resource === 'events' && api.path === '/events') continue // the WebSocket is served on upgrade
      const paramNames: string[] = []
      const source = api.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => { paramNames.push(name); return '([^/]+)' })
      routes.push({ resource, pathTemplate: api.path, pattern: new RegExp(`^${source}$`), paramNames, operations: api.operations })
    }
  }
  // As Asterisk's router does, a literal segment wins over a variable one (/channels/externalMedia is no channel id).
  return routes.sort((a, b) => a.paramNames.length - b.paramNames.length)
}

const firstSegment = (path: string): string => path.split('/', 2)[1] ?? ''

function bySegment (routes: Route[]): Map<string, Route[]> {
  const out = new Map<string, Route[]>()
  for (const route of routes) {
    const segment = firstSegment(route.pathTemplate)
    // A template starting with a variable would match any segment; none of Asterisk's does.
    if (segment.startsWith('{')) throw new Error(`route ${route.pathTemplate} starts with a variable`)
    out.set(segment, [...(out.get(segment) ?? []), route])
  }
  return out
}

export class AriServer {
  readonly http: Server
  private readonly routes = buildRoutes()
  /** Routes by the path's first segment ("channels", "bridges"): a request tries only its resource's patterns. */
  private readonly routesBySegment = bySegment(this.routes)
  private readonly handlers: Record<string, Handler>
  /** Open HTTP connections not (yet) upgraded to a WebSocket. */
  private readonly httpSockets = new Set<Socket>()
  /** Fault switch: accept requests and upgrades but never answer them. */
  stalled = false
  /** Requests and upgrades left unanswered while stalled. */
  stalledRequests = 0
  /** Upgrades left hanging while stalled: no longer the HTTP server's, so closed by us. */
  private readonly stalledUpgrades = new Set<Duplex>()
  /** Fault switch: this many next requests that arrive on a connection already used are cut unanswered. */
  cutReused = 0
  private readonly requestsOn = new WeakMap<object, number>()

  constructor (world: World, private readonly hub: AriEventHub, private readonly wire: WireLog, private readonly opts: AriServerOptions) {
    this.handlers = ariHandlers(world)
    this.http = createServer((req, res) => { this.onRequest(req, res).catch((err: unknown) => this.internalError(res, err)) })
    this.http.on('connection', (socket: Socket) => {
      this.httpSockets.add(socket)
      socket.once('close', () => { this.httpSockets.delete(socket) })
    })
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head))
  }

  /** Fault: destroys every open HTTP connection (idle keep-alive sockets and requests in flight), as a network reset would. */
  resetHttp (): number {
    const sockets = [...this.httpSockets, ...this.stalledUpgrades]
    for (const socket of sockets) socket.destroy()
    return sockets.length
  }

  private authorized (req: IncomingMessage, query: URLSearchParams): boolean {
    const expected = `${this.opts.user}:${this.opts.password}`
    const apiKey = query.get('api_key')
    if (apiKey !== null) return apiKey === expected
    const header = req.headers.authorization ?? ''
    const m = /^Basic\s+(.+)$/i.exec(header)
    return m !== null && Buffer.from(m[1] ?? '', 'base64').toString('utf8') === expected
  }

  private onUpgrade (req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.httpSockets.delete(socket as Socket) // a WebSocket now: dropped by the hub, not by resetHttp
    if (this.stalled) {
      this.stalledRequests++
      this.stalledUpgrades.add(socket)
      socket.once('close', () => { this.stalledUpgrades.delete(socket) })
      return
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ari/events') { socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); return }
    if (!this.authorized(req, url.searchParams)) {
      const body = '{"message":"Authentication required"}'
      socket.end(`HTTP/1.1 401 Unauthorized\r\nServer: Asterisk/22.10.1\r\nCache-Control: no-cache, no-store\r\nWWW-Authenticate: ${WWW_AUTHENTICATE}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
      return
    }
    this.hub.handleUpgrade(req, socket, head, url.searchParams)
  }

  private async onRequest (req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stalled) { this.stalledRequests++; return }
    const seen = (this.requestsOn.get(req.socket) ?? 0) + 1
    this.requestsOn.set(req.socket, seen)
    if (seen > 1 && this.cutReused > 0) {
      // What a server closing an idle keep-alive connection does to a request that crosses the close.
      this.cutReused--
      req.socket.destroy()
      return
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = (req.method ?? 'GET').toUpperCase()
    const rawBody = await readBody(req)
    if (!url.pathname.startsWith('/ari/')) return this.send(res, method, null, 404, { message: 'Resource not found' })
    if (!this.authorized(req, url.searchParams)) {
      return this.send(res, method, null, 401, { message: 'Authentication required' }, { 'WWW-Authenticate': WWW_AUTHENTICATE })
    }
    const path = url.pathname.slice('/ari'.length)
    if (path.startsWith('/api-docs/')) return this.serveDocs(req, res, path.slice('/api-docs/'.length))

    const candidates = this.routesBySegment.get(firstSegment(path)) ?? []
    const matching = candidates.map((r) => ({ route: r, m: r.pattern.exec(path) })).filter((x) => x.m !== null)
    if (matching.length === 0) return this.send(res, method, null, 404, { message: 'Resource not found' })
    for (const { route, m } of matching) {
      const op = route.operations.find((o) => o.httpMethod === method)
      if (!op) continue
      const pathParams: Record<string, string> = {}
      route.paramNames.forEach((name, i) => { pathParams[name] = decodeURIComponent(m?.[i + 1] ?? '') })
      const match = { route, op }
      let ariReq: AriRequest
      try {
        ariReq = parseParams(pathParams, url.searchParams, rawBody)
      } catch (err) {
        return this.reply(res, method, match, err)
      }
      const handler = this.handlers[`${route.resource}.${op.nickname}`]
      if (!handler) return this.send(res, method, match, 501, { message: 'Not implemented' })
      try {
        const out = await handler(ariReq)
        if (out.file) return this.sendFile(res, method, match, out.file)
        return this.send(res, method, match, out.status, out.body)
      } catch (err) {
        return this.reply(res, method, match, err)
      }
    }
    const allowed = ['OPTIONS', ...new Set(matching.flatMap((x) => x.route.operations.map((o) => o.httpMethod)))]
    return this.send(res, method, null, 405, { message: 'Invalid method' }, { Allow: allowed.join(',') })
  }

  private reply (res: ServerResponse, method: string, match: { route: Route; op: SwaggerOperation }, err: unknown): void {
    if (err instanceof AriError) return this.send(res, method, match, err.status, err.body)
    this.internalError(res, err)
  }

  private internalError (res: ServerResponse, err: unknown): void {
    this.opts.log?.error({ err }, 'ari handler failed')
    if (!res.headersSent) {
      res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ message: 'Internal Server Error' }))
    }
  }

  private serveDocs (req: IncomingMessage, res: ServerResponse, file: string): void {
    // Asterisk rewrites basePath to the address the client used.
    const basePath = `http://${req.headers.host ?? '127.0.0.1'}/ari`
    let doc: unknown
    if (file === 'resources.json') doc = { ...RESOURCE_LISTING, basePath }
    else {
      const decl: ApiDeclaration | undefined = file.endsWith('.json') ? DECLARATIONS[file.slice(0, -'.json'.length)] : undefined
      if (decl) doc = { ...decl, basePath }
    }
    if (doc === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ message: 'Resource not found' }))
      return
    }
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(doc))
  }

  private send (res: ServerResponse, method: string, match: { route: Route; op: SwaggerOperation } | null, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.wire.add({
      kind: 'response', method, status, body: body ?? null,
      pathTemplate: match?.route.pathTemplate ?? null, nickname: match?.op.nickname ?? null, resource: match?.route.resource ?? null
    })
    if (status === 204 || body === undefined) {
      res.writeHead(status, headers)
      res.end()
      return
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  /**
   * Asterisk announces a file's size when it opens it, then reads it to its end (main/http.c,
   * ast_http_send): a file MixMonitor is still writing arrives longer than announced, and the
   * bytes past the length land on the connection after the answer.
   */
  private sendFile (res: ServerResponse, method: string, match: { route: Route; op: SwaggerOperation }, file: { bytes: Buffer; growing: boolean }): void {
    this.wire.add({ kind: 'response', method, status: 200, body: null, pathTemplate: match.route.pathTemplate, nickname: match.op.nickname, resource: match.route.resource })
    res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(file.bytes.length) })
    res.end(file.growing ? Buffer.concat([file.bytes, GROWN_WHILE_SENT]) : file.bytes)
  }
}

async function readBody (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** ARI takes parameters from the query string or from a JSON object body; "variables" only from the body. */
function parseParams (path: Record<string, string>, query: URLSearchParams, rawBody: string): AriRequest {
  const params: Record<string, string> = {}
  for (const [k, v] of query) if (k !== 'api_key') params[k] = params[k] !== undefined ? `${params[k]},${v}` : v
  let variables: Record<string, string> | undefined
  let body: unknown
  if (rawBody.trim() !== '') {
    try { body = JSON.parse(rawBody) } catch { throw ariFail(400, 'Error parsing request body') }
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const [k, v] of Object.entries(body)) {
        if (k === 'variables') continue
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = String(v)
      }
      variables = parseVariables((body as Record<string, unknown>).variables)
    }
  }
  return { path, params, variables, body }
}

function parseVariables (raw: unknown): Record<string, string> | undefined {
  // Anything but an object is ignored (observed: "variables": "notAnObject" is accepted silently).
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v
    else if (v !== null && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string') out[k] = (v as { value: string }).value
    else throw ariFail(400, "Each value in 'variables' must be a string or an object with 'value' and optional 'report_events'")
  }
  return out
}

function optionalInt (raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number.parseInt(raw, 10)
  return Number.isFinite(n) ? n : undefined
}

function channelList (raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function hangupCause (params: Record<string, string>): number {
  if (params.reason_code !== undefined) {
    const n = Number.parseInt(params.reason_code, 10)
    if (!Number.isFinite(n)) throw ariFail(400, 'Invalid reason for hangup provided')
    return n
  }
  if (params.reason !== undefined) {
    const cause = HANGUP_REASONS[params.reason]
    if (cause === undefined) throw ariFail(400, 'Invalid reason for hangup provided')
    return cause
  }
  return 16
}

function ariHandlers (world: World): Record<string, Handler> {
  const ok = (body: unknown): Reply => ({ status: 200, body })
  const noContent: Reply = { status: 204 }
  const originate = (r: AriRequest, channelId: string | undefined): Reply => ok(world.originate({
    endpoint: r.params.endpoint, app: r.params.app, appArgs: r.params.appArgs, extension: r.params.extension,
    callerId: r.params.callerId, timeout: r.params.timeout, channelId, variables: r.variables
  }))
  const record = (r: AriRequest) => ({
    name: r.params.name, format: r.params.format, ifExists: r.params.ifExists, maxDurationSeconds: optionalInt(r.params.maxDurationSeconds)
  })
  const snoop = (r: AriRequest, snoopId: string | undefined): Reply =>
    ok(world.snoop(r.path.channelId ?? '', r.params.spy, r.params.whisper, r.params.app, r.params.appArgs, snoopId))
  const play = (r: AriRequest, playbackId: string | undefined): Reply => ({
    status: 201, body: world.play(r.path.channelId ?? '', channelList(r.params.media), r.params.lang, playbackId)
  })
  return {
    'asterisk.getInfo': () => ok({
      build: { os: 'Linux', kernel: '6.1.0-sim', machine: 'x86_64', options: 'OPTIONAL_API', date: '2026-01-01 00:00:00 UTC', user: 'ringlead' },
      system: { version: '22.10.1', entity_id: world.asteriskId },
      config: { name: '', default_language: 'en', setid: { user: '', group: '' } },
      status: { startup_time: asteriskTimestamp(world.startedAt), last_reload_time: asteriskTimestamp(world.lastReloadAt) }
    }),
    'asterisk.ping': () => ok({ ping: 'pong', timestamp: asteriskTimestamp(), asterisk_id: world.asteriskId }),
    'endpoints.list': () => ok(world.endpointList()),
    'endpoints.listByTech': (r) => ok(world.endpointList(r.path.tech)),
    'endpoints.get': (r) => ok(world.endpointGet(r.path.tech ?? '', r.path.resource ?? '')),
    'applications.list': () => ok(world.applicationList()),
    'applications.get': (r) => ok(world.applicationGet(r.path.applicationName ?? '')),
    'applications.filter': (r) => ok(world.setEventFilter(r.path.applicationName ?? '', r.body)),
    'events.userEvent': (r) => { world.userEvent(r.params.application ?? '', r.path.eventName ?? '', r.variables, r.params.source); return noContent },
    'channels.list': () => ok(world.channelList()),
    'channels.originate': (r) => originate(r, r.params.channelId),
    'channels.originateWithId': (r) => originate(r, r.path.channelId),
    'channels.get': (r) => ok(world.channelGet(r.path.channelId ?? '')),
    'channels.hangup': (r) => {
      world.channelOr404(r.path.channelId ?? '')
      world.appHangup(r.path.channelId ?? '', hangupCause(r.params))
      return noContent
    },
    'channels.answer': (r) => { world.answer(r.path.channelId ?? ''); return noContent },
    'channels.ring': (r) => { world.ring(r.path.channelId ?? ''); return noContent },
    'channels.ringStop': (r) => { world.ring(r.path.channelId ?? ''); return noContent },
    'channels.sendDTMF': (r) => {
      world.inStasisOr409(r.path.channelId ?? '')
      if (!r.params.dtmf) throw ariFail(400, 'DTMF is required')
      return noContent
    },
    'channels.startMoh': (r) => { world.inStasisOr409(r.path.channelId ?? '').moh = r.params.mohClass ?? 'default'; return noContent },
    'channels.stopMoh': (r) => { delete world.inStasisOr409(r.path.channelId ?? '').moh; return noContent },
    'channels.play': (r) => play(r, r.params.playbackId),
    'channels.playWithId': (r) => play(r, r.path.playbackId),
    'channels.record': (r) => ({ status: 201, body: world.recordChannel(r.path.channelId ?? '', record(r)) }),
    'channels.getChannelVar': (r) => ok({ value: world.getVariable(r.path.channelId ?? '', r.params.variable) }),
    'channels.setChannelVar': (r) => { world.setVariable(r.path.channelId ?? '', r.params.variable, r.params.value ?? ''); return noContent },
    'channels.externalMedia': async (r) => ok(await world.externalMedia({
      channelId: r.params.channelId, app: r.params.app, external_host: r.params.external_host, encapsulation: r.params.encapsulation,
      transport: r.params.transport, connection_type: r.params.connection_type, format: r.params.format, direction: r.params.direction, data: r.params.data
    }, r.variables)),
    'channels.snoopChannel': (r) => snoop(r, r.params.snoopId),
    'channels.snoopChannelWithId': (r) => snoop(r, r.path.snoopId),
    'bridges.list': () => ok(world.bridges.list()),
    'bridges.create': (r) => ok(world.bridges.create(r.params.type, r.params.bridgeId, r.params.name)),
    'bridges.createWithId': (r) => ok(world.bridges.create(r.params.type, r.path.bridgeId, r.params.name)),
    'bridges.get': (r) => ok(world.bridges.snapshot(r.path.bridgeId ?? '')),
    'bridges.destroy': (r) => { world.bridges.destroy(r.path.bridgeId ?? ''); return noContent },
    'bridges.addChannel': async (r) => { await world.bridges.add(r.path.bridgeId ?? '', channelList(r.params.channel)); return noContent },
    'bridges.removeChannel': (r) => { world.bridges.remove(r.path.bridgeId ?? '', channelList(r.params.channel)); return noContent },
    'bridges.record': (r) => ({ status: 201, body: world.recordBridge(r.path.bridgeId ?? '', record(r)) }),
    'recordings.listStored': () => ok(world.recorder.listStored()),
    'recordings.getStored': (r) => ok(world.recorder.getStored(r.path.recordingName ?? '')),
    'recordings.deleteStored': async (r) => { await world.recorder.deleteStored(r.path.recordingName ?? ''); return noContent },
    'recordings.getStoredFile': (r) => ({ status: 200, file: world.recorder.storedFile(r.path.recordingName ?? '') }),
    'recordings.getLive': (r) => ok(world.recorder.getLive(r.path.recordingName ?? '')),
    'recordings.stop': (r) => { world.recorder.stop(r.path.recordingName ?? ''); return noContent },
    'playbacks.get': (r) => ok(world.player.get(r.path.playbackId ?? '')),
    'playbacks.stop': (r) => { world.player.stop(r.path.playbackId ?? ''); return noContent }
  }
}
