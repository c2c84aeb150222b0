// A live-feed client that stops reading is dropped once its unsent data passes the bound
// (console.feedMaxUnsentBytes), instead of the server buffering the feed for it without limit.
import { connect } from 'node:net'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { boardThresholds } from '../../src/domain/board-grades.js'
import { createUser } from '../../src/accounts/user-service.js'
import { buildApp } from '../../src/http/app.js'
import { ConsoleFeed } from '../../src/notify/console-feed.js'
import { browser, logIn } from '../console/helpers.js'
import { testBase } from '../http/helpers.js'

const password = 'correct horse battery'

interface Client { socket: import('node:net').Socket; received: () => number; closed: () => boolean; lastId: () => number }

/** Resolves once `c` has received `bytes` bytes (or the event numbered `id`), or its connection closed. */
const until = (c: Client, bytes: number, id = Infinity): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (c.received() < bytes && c.lastId() < id && !c.closed()) return
      c.socket.off('data', check)
      c.socket.off('close', check)
      resolve()
    }
    c.socket.on('data', check)
    c.socket.on('close', check)
    check()
  })

t.test('a client that stops reading is dropped; one that reads keeps every event', async (t) => {
  const { db, bus, now, newId, log, logLines } = testBase()
  t.teardown(() => { if (process.env.DEBUG_FEED) console.error(logLines.filter((l) => /dropped|closed|error/.test(l)).join('\n')) })
  const feed = new ConsoleFeed({ bus, now, backlog: 100, thresholds: boardThresholds(loadConfig({}).wallboard), operators: () => [], waiting: () => [], stats: () => ({ answered: 0, missed: 0, missedPct: null, avgAnswerMs: null, openLeads: 0, overdueLeads: 0, deals: 0, serviceLevel: { pct: null, offered: 0, byCategory: {} } }) })
  const config = loadConfig({}, { console: { secureCookies: false, feedMaxUnsentBytes: 64 * 1024 } })
  const app = await buildApp({ db, bus, config, log, now, newId, feed })
  t.teardown(async () => { await app.close(); db.$client.close() })
  const opId = newId('op')
  db.$client.prepare("INSERT INTO operators (operator_id, name, endpoint, created_at) VALUES (?, 'Olga', 'PJSIP/301', 0)").run(opId)
  await createUser(db, { username: 'olga', role: 'operator', operatorId: opId, password }, now())
  const b = browser(app)
  await logIn(b, 'olga', password)
  const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  /** A raw client: connects, reads up to the snapshot, then does what `reading` says. */
  const client = async (reading: boolean): Promise<Client & { head: () => string }> => {
    const socket = connect(port, '127.0.0.1')
    let received = 0
    let text = ''
    let tail = ''
    let lastId = 0
    let closed = false
    const snapshot = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length
        const seen = tail + chunk.toString('latin1')
        for (const m of seen.matchAll(/\nid: (\d+)\n/g)) lastId = Math.max(lastId, Number(m[1]))
        tail = seen.slice(-32)
        if (text.length < 100_000) text += chunk.toString('latin1')
        if (text.includes('event: snapshot')) resolve()
      })
    })
    socket.on('close', () => { closed = true })
    socket.on('error', () => {}) // a reset from the server ends the test client as well
    socket.write(`GET /console/live HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`)
    await snapshot
    if (!reading) socket.pause()
    return { socket, received: () => received, closed: () => closed, lastId: () => lastId, head: () => text }
  }

  const slow = await client(false)
  const fast = await client(true)
  t.match(slow.head(), /^HTTP\/1\.1 200/)
  // 1,600 events of 16 kB: 25 MB, far past what the kernel's socket buffers hold for the slow
  // client. Each waits until the reading client has it, as a live feed goes.
  const events = 1600
  const text = 'x'.repeat(16 * 1024)
  const total = events * text.length
  for (let i = 1; i <= events; i++) {
    feed.alert({ kind: 'missed_call', text, atMs: now() })
    await until(fast, Infinity, feed.snapshot().lastEventId)
  }

  // Only now does the slow client read again: it finds a closed connection, not 25 MB kept for it.
  slow.socket.resume()
  await until(slow, total)
  t.ok(slow.closed(), 'the server closed the slow client\'s connection')
  t.ok(slow.received() < total / 2, `the slow client got ${slow.received()} bytes of ${total}: the rest was never buffered for it`)

  t.notOk(fast.closed(), 'a client that reads stays connected')
  t.ok(fast.received() >= total, 'and receives everything')
  fast.socket.destroy()
})
