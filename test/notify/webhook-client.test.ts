// The webhook client over undici: one kept-alive socket per receiver, a reused socket the receiver
// dropped is sent on again once, a deadline, no redirects followed, only the start of a reply read.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import t, { type Test } from 'tap'
import { describeFailure, WebhookClient } from '../../src/notify/webhook-http.js'

async function receiver (t: Test, handle: (req: IncomingMessage, res: ServerResponse, nthOnSocket: number) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0
  const perSocket = new WeakMap<Socket, number>()
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1
    perSocket.set(req.socket, n)
    req.resume()
    req.on('end', () => { handle(req, res, n) })
  })
  server.on('connection', () => { connections++ })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve() }) }))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, connections: () => connections }
}

t.test('deliveries to one receiver share a kept-alive socket', async (t) => {
  const r = await receiver(t, (_req, res) => { res.end('ok') })
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  for (let i = 0; i < 3; i++) {
    t.same(await client.post(r.url, { 'content-type': 'application/json' }, '{}', 2000, 200), { status: 200, text: 'ok' })
    // undici lets a socket rest one turn of the event loop after an answer before it reuses it
    // (a server may close it despite keep-alive); deliveries do not follow one another closer.
    await new Promise((resolve) => { setImmediate(resolve) })
  }
  t.equal(r.connections(), 1)
})

t.test('a receiver that drops the reused socket without a reply gets the webhook again on a new one', async (t) => {
  const bodies: string[] = []
  const r = await receiver(t, (req, res, n) => {
    if (n === 2) { req.socket.destroy(); return }
    bodies.push(String(n))
    res.end('ok')
  })
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  t.equal((await client.post(r.url, {}, '{"a":1}', 2000, 200)).status, 200)
  t.equal((await client.post(r.url, {}, '{"a":2}', 2000, 200)).status, 200, 'sent again once, answered')
  t.equal(r.connections(), 2)
})

t.test('no reply within the deadline fails the attempt, named as a timeout', async (t) => {
  const r = await receiver(t, () => { /* never answers */ })
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  const err = await client.post(r.url, {}, '{}', 150, 200).then(() => null, (e: unknown) => e)
  t.equal(describeFailure(err, 150), 'timeout: no answer within 150 ms')
})

t.test('a redirect is the answer, not followed; of a long error body only the start is kept', async (t) => {
  const r = await receiver(t, (req, res) => {
    if (req.url === '/hooks') { res.writeHead(302, { location: '/elsewhere' }).end(); return }
    res.writeHead(500).end(`${'bad   input\n'.repeat(100)}`)
  })
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  t.same(await client.post(r.url, {}, '{}', 2000, 200), { status: 302, text: '' })
  const failed = await client.post(r.url.replace('/hooks', '/other'), {}, '{}', 2000, 30)
  t.same(failed, { status: 500, text: 'bad input bad input bad input '.slice(0, 30) })
})

t.test('a refused connection names its cause', async (t) => {
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  const err = await client.post('http://127.0.0.1:9/hooks', {}, '{}', 2000, 200).then(() => null, (e: unknown) => e)
  t.match(describeFailure(err, 2000), /ECONNREFUSED/)
})

t.test('a user and password in the receiver\'s URL go as Basic auth', async (t) => {
  const seen: Array<string | undefined> = []
  const r = await receiver(t, (req, res) => { seen.push(req.headers.authorization); res.end('ok') })
  const client = new WebhookClient()
  t.teardown(() => { client.close() })
  t.equal((await client.post(r.url.replace('http://', 'http://crm%40shop:p%3Ass@'), {}, '{}', 2000, 200)).status, 200)
  t.equal((await client.post(r.url, {}, '{}', 2000, 200)).status, 200)
  t.same(seen, [`Basic ${Buffer.from('crm@shop:p:ss').toString('base64')}`, undefined])
})
