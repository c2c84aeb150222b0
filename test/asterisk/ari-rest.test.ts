// ARI commands over real HTTP against the simulator on loopback: deadlines and resets.
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { AriRest, type AriCommand } from '../../src/asterisk/ari-rest.js'
import { wavComplete } from '../../src/calls/wav-duration.js'
import { EventStream, amiSession, bridgedCall, startSim } from '../sim/helpers.js'
import { until } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const listChannels: AriCommand = { command: 'list channels', target: '', method: 'GET', path: 'channels', repeat: 'any-reset' }
const createBridge = (bridgeId: string, repeat: AriCommand['repeat']): AriCommand =>
  ({ command: 'create bridge', target: bridgeId, method: 'POST', path: 'bridges', query: { type: 'mixing', bridgeId }, repeat, createsNamed: true })

function rest (t: { teardown (fn: () => void): void }, url: string, clock?: VirtualClock, maxSockets?: number): AriRest {
  const r = new AriRest(url, 'ringlead', 'ringlead', { commandTimeoutMs: 5000, fileTimeoutMs: 60_000, keepAliveIdleMs: 4000, ...(clock ? { clock } : {}), ...(maxSockets ? { maxSockets } : {}) })
  t.teardown(() => { r.close() })
  return r
}

t.test('a command Asterisk never answers fails at its deadline with a timeout error naming the command and its target', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const ari = rest(t, sim.ariUrl, clock)
  sim.ariFaults.stall(true)
  let outcome: unknown = 'pending'
  const sent = ari.send({ command: 'answer', target: 'rl-ch-1', method: 'POST', path: 'channels/rl-ch-1/answer', repeat: 'any-reset' })
    .then(() => { outcome = 'answered' }, (err: unknown) => { outcome = err })
  await until('the request reached the stalled server', () => sim.ariFaults.stalledRequests === 1)
  await clock.advance(4999)
  t.equal(outcome, 'pending', 'still waiting just before the deadline')
  await clock.advance(1)
  await sent
  t.match(outcome, { code: 'ASTERISK_COMMAND_TIMEOUT', command: 'answer', target: 'rl-ch-1', timeoutMs: 5000, message: 'ARI answer rl-ch-1 failed: no answer in 5000 ms' })
  t.equal(clock.timers, 0, 'no timer left behind')
})

t.test('a command cut on a reused keep-alive socket is sent again and succeeds', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl, undefined, 1) // one socket: the next command reuses it
  await ari.send(listChannels)
  sim.ariFaults.cutReusedRequests(1)
  await ari.send(createBridge('b-retried', 'reused-socket'))
  t.equal(ari.repeated, 1, 'sent twice')
  t.same(sim.bridges().map((b) => b.bridgeId), ['b-retried'], 'created once')
})

t.test('a read cut by a reset is sent again too', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl, undefined, 1)
  await ari.send(listChannels)
  sim.ariFaults.cutReusedRequests(1)
  t.same(await ari.send(listChannels), [])
  t.equal(ari.repeated, 1)
})

t.test('a command that is not safe to repeat fails with the reset instead of being sent twice', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl, undefined, 1)
  await ari.send(listChannels)
  sim.ariFaults.cutReusedRequests(1)
  await t.rejects(ari.send(createBridge('b-once', 'never')), { code: 'ASTERISK_COMMAND_FAILED', message: /ARI create bridge b-once failed: (other side closed|socket hang up|ECONNRESET)/ })
  t.equal(ari.repeated, 0)
  t.same(sim.bridges(), [])
})

t.test('a command cut on a connection of its own (nothing answered on it before) is not taken for a reused socket: not sent again', async (t) => {
  let requests = 0
  const server = createNetServer((socket) => {
    socket.on('data', () => { requests++; socket.destroy() }) // reads the command, then the connection dies
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const ari = rest(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  await t.rejects(ari.send(createBridge('b-first', 'reused-socket')), { code: 'ASTERISK_COMMAND_FAILED', message: /ARI create bridge b-first failed: (other side closed|socket hang up|ECONNRESET)/ })
  t.equal(ari.repeated, 0)
  t.equal(requests, 1, 'Asterisk may have read it: it is sent once')
})

t.test('a command queued behind a stalled one for the only socket fails at its deadline too, and the gauges come back to zero', async (t) => {
  const { sim } = await startSim(t)
  const clock = new VirtualClock()
  const ari = rest(t, sim.ariUrl, clock, 1)
  await ari.send(listChannels)
  sim.ariFaults.stall(true)
  const outcomes: unknown[] = []
  const first = ari.send(createBridge('b-stalled', 'never')).catch((err: unknown) => { outcomes[0] = err })
  await until('the first command reached the stalled server', () => sim.ariFaults.stalledRequests === 1)
  const second = ari.send(createBridge('b-queued', 'never')).catch((err: unknown) => { outcomes[1] = err })
  t.equal(ari.waitingForSocket, 1, 'the second waits for the only socket')
  t.equal(ari.inFlight, 2)
  await clock.advance(5000)
  await Promise.all([first, second])
  t.match(outcomes, [{ code: 'ASTERISK_COMMAND_TIMEOUT', target: 'b-stalled' }, { code: 'ASTERISK_COMMAND_TIMEOUT', target: 'b-queued' }])
  t.equal(ari.waitingForSocket, 0)
  t.equal(ari.inFlight, 0)
  t.equal(clock.timers, 0, 'no timer left behind')
  sim.ariFaults.stall(false)
  t.same(await ari.send(listChannels), [], 'the next command gets a socket and its answer')
})

t.test('a create whose first send went through counts as done when its repeat finds it exists', async (t) => {
  const { sim } = await startSim(t)
  const ari = rest(t, sim.ariUrl, undefined, 1)
  await ari.send(listChannels)
  // The bridge exists as if an earlier send of the same command had gone through before the cut.
  await ari.send(createBridge('b-made', 'any-reset'))
  sim.ariFaults.cutReusedRequests(1)
  await t.resolves(ari.send(createBridge('b-made', 'any-reset')))
  t.equal(ari.repeated, 1)
  await t.rejects(ari.send(createBridge('b-made', 'any-reset')), { message: /409 Bridge with id/ }, 'a plain second create is still refused')
})

t.test('a file Asterisk is still writing arrives longer than announced: the copy is the announced bytes, and no later command reads the rest', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const { caller } = await bridgedCall(sim, await EventStream.open(sim))
  const ami = await amiSession(t, sim)
  ami.send(`Action: MixMonitor\r\nActionID: m1\r\nChannel: ${caller}\r\nFile: ../recording/grow-mixed.wav\r\n\r\n`)
  await ami.reply('m1')
  const ari = rest(t, sim.ariUrl)
  const file: AriCommand = { command: 'get recording', target: 'grow-mixed', method: 'GET', path: 'recordings/stored/grow-mixed/file', repeat: 'any-reset', raw: true }
  for (let i = 0; i < 3; i++) {
    const bytes = await ari.send(file) as Buffer
    t.equal(bytes.length, 44, `fetch ${i + 1}: the open WAV header Asterisk announced, not what followed it`)
    t.equal(bytes.toString('latin1', 0, 4), 'RIFF')
    const channels = await ari.send(listChannels) as unknown[]
    t.equal(channels.length, 2, `the command after fetch ${i + 1} reads its own answer`)
  }
  t.equal(ari.repeated, 0, 'nothing was cut and sent again')
})

/**
 * A loopback HTTP/1.1 server that answers as Asterisk's does (main/http.c): the length a file has
 * when the request arrives, then the file to its end. `growing` files get 320 bytes more than
 * announced after their header, with the RIFF size not yet written.
 */
async function wavServer (t: { teardown (fn: () => void): void }, files: Record<string, { bytes: Buffer; growing?: boolean }>): Promise<{ url: string; connections: () => number }> {
  let connections = 0
  const server = createNetServer((socket) => {
    connections++
    let pending = ''
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end)
        pending = pending.slice(end + 4)
        const path = /^GET \/ari\/(\S+) HTTP/.exec(head)?.[1] ?? ''
        const name = /^recordings\/stored\/([^/]+)\/file$/.exec(path)?.[1]
        const file = name === undefined ? undefined : files[name]
        if (path === 'channels') {
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]')
        } else if (file === undefined) {
          const body = '{"message":"Recording not found"}'
          socket.write(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
        } else {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: ${file.bytes.length}\r\n\r\n`)
          socket.write(file.growing === true ? Buffer.concat([file.bytes, Buffer.alloc(320)]) : file.bytes)
        }
        if (/^connection: close/im.test(head)) socket.end()
      }
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections }
}

const wav = (dataBytes: number, closed: boolean): Buffer => {
  const b = Buffer.alloc(44 + dataBytes, 1)
  b.write('RIFF', 0, 'latin1')
  b.writeUInt32LE(closed ? b.length - 8 : 0, 4)
  b.write('WAVE', 8, 'latin1')
  return b
}
const recording = (name: string): AriCommand =>
  ({ command: 'get recording', target: name, method: 'GET', path: `recordings/stored/${name}/file`, repeat: 'any-reset', raw: true, onlyIfClosedWav: true })

t.test('closed recordings are fetched whole over one kept-alive connection', async (t) => {
  const server = await wavServer(t, { a: { bytes: wav(16_000, true) }, b: { bytes: wav(8_000, true) } })
  const ari = rest(t, server.url)
  for (let i = 0; i < 5; i++) {
    const a = await ari.send(recording('a')) as Buffer
    t.same(a, wav(16_000, true), `fetch ${i + 1} of a`)
    t.equal((await ari.send(recording('b')) as Buffer).length, 8044)
  }
  t.equal(server.connections(), 1, 'ten fetches, one connection')
})

t.test('a recording still being written gives its head only, and its connection goes with the bytes that follow', async (t) => {
  const files: Record<string, { bytes: Buffer; growing?: boolean }> = { a: { bytes: wav(16_000, false), growing: true } }
  const server = await wavServer(t, files)
  const ari = rest(t, server.url)
  const head = await ari.send(recording('a')) as Buffer
  t.ok(head.length >= 12 && head.length <= 16_044, `no more than announced (${head.length} bytes)`)
  t.notOk(wavComplete(head), 'an open WAV: the caller sees it incomplete and asks again later')
  t.same(await ari.send(listChannels), [], 'the next command reads its own answer')
  files.a = { bytes: wav(16_000, true) }
  t.same(await ari.send(recording('a')), wav(16_000, true), 'once closed: the whole file')
  t.same(await ari.send(listChannels), [], 'and the command after it too')
  t.equal(ari.repeated, 0, 'nothing was cut and sent again')
  // A file with no room for a WAV header (just created) is not read at all.
  files.c = { bytes: Buffer.alloc(0), growing: true }
  t.equal((await ari.send(recording('c')) as Buffer).length, 0)
  t.same(await ari.send(listChannels), [])
  // Without onlyIfClosedWav a file is read to its end, on a connection closed after it.
  files.d = { bytes: wav(1_000, false), growing: true }
  const whole = await ari.send({ ...recording('d'), onlyIfClosedWav: false }) as Buffer
  t.equal(whole.length, 1_044, 'the announced bytes')
  t.same(await ari.send(listChannels), [])
})

t.test('query values reach Asterisk as given, whatever characters they hold; unset ones are left out', async (t) => {
  const { createServer } = await import('node:http')
  let seen = ''
  const server = createServer((req, res) => { seen = req.url ?? ''; res.writeHead(204).end() })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => { server.close() })
  const ari = rest(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}/asterisk`)
  const callerId = '"Иван & Co" <+7 903 010-00-01>'
  await ari.send({ command: 'originate to', target: 'PJSIP/2001', method: 'POST', path: 'channels', query: { endpoint: 'PJSIP/2001', callerId, timeout: 15, channelId: undefined }, repeat: 'never' })
  const url = new URL(seen, 'http://x')
  t.equal(url.pathname, '/asterisk/ari/channels', 'under the base path')
  t.same([...url.searchParams], [['endpoint', 'PJSIP/2001'], ['callerId', callerId], ['timeout', '15']])
  await ari.send(listChannels)
  t.equal(seen, '/asterisk/ari/channels', 'no query at all: no "?"')
})
