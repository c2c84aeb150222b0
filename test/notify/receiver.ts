// A CRM's webhook receiver on loopback: real HTTP, an idempotent store keyed by event id, and knobs
// to fail, hang, hold, go down and come back on the same port.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { verifyWebhook } from '../../src/notify/webhook-signature.js'

export type ReceiverMode =
  | 'ok' // stores the event, answers 200
  | 'fail' // stores nothing, answers 500
  | 'hang' // stores the event, never answers (the sender times out not knowing it arrived)
  | 'hold' // stores the event, answers 200 when release() is called
  | 'gone' // stores nothing, answers 410

export interface ReceivedRequest {
  path: string
  headers: IncomingHttpHeaders
  body: string
  eventId: string
  /** verifyWebhook's verdict with the receiver's secret and clock. */
  verified: boolean
}

export interface Receiver {
  mode: ReceiverMode
  readonly port: number
  url (path: string): string
  requests: ReceivedRequest[]
  /** Event ids per path, in the order they were first stored; a repeat is not stored again. */
  stored (path: string): string[]
  /** Resolves at the next request. */
  nextRequest (): Promise<ReceivedRequest>
  release (): void
  down (): Promise<void>
  up (): Promise<void>
  close (): Promise<void>
}

export async function startReceiver (opts: { secret: string; nowSeconds: () => number }): Promise<Receiver> {
  const store = new Map<string, string[]>()
  const held: ServerResponse[] = []
  const waiting: Array<(r: ReceivedRequest) => void> = []
  let server: Server
  let port = 0

  const accept = (path: string, eventId: string): void => {
    const ids = store.get(path) ?? []
    if (!ids.includes(eventId)) ids.push(eventId)
    store.set(path, ids)
  }

  const listen = async (): Promise<void> => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const path = req.url ?? '/'
        const eventId = String(req.headers['x-ringlead-event-id'])
        const request: ReceivedRequest = {
          path, headers: req.headers, body, eventId,
          verified: verifyWebhook(opts.secret, req.headers, body, opts.nowSeconds())
        }
        receiver.requests.push(request)
        // One connection per request: when the receiver goes down, the sender meets a refused
        // connection rather than a pooled socket the server has just closed.
        res.shouldKeepAlive = false
        for (const resolve of waiting.splice(0)) resolve(request)
        switch (receiver.mode) {
          case 'ok': accept(path, eventId); res.end('ok'); break
          case 'fail': res.statusCode = 500; res.end('  database\n is locked  '); break
          case 'hang': accept(path, eventId); break
          case 'hold': accept(path, eventId); held.push(res); break
          case 'gone': res.statusCode = 410; res.end('endpoint removed'); break
        }
      })
    })
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }

  const receiver: Receiver = {
    mode: 'ok',
    get port () { return port },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests: [],
    stored: (path) => [...(store.get(path) ?? [])],
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    release: () => { for (const res of held.splice(0)) res.end('ok') },
    down: async () => {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
    up: listen,
    close: async () => { if (server.listening) await receiver.down() }
  }
  await listen()
  return receiver
}
