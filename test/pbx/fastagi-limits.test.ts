// The FastAGI server's limits over real TCP, on virtual time: who may connect, how many at once,
// how long a line or a block may be, how long a peer may take. Each over-limit connection is
// closed with its reason in the log, and the server keeps serving proper sessions.
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { agiPeer, envChunks, eventually, startAgiServer, validEcho, type AgiTestServer } from '../helpers/agi-peer.js'
import type { FastAgiOptions } from '../../src/asterisk/fastagi.js'

async function server (t: Test, opts: Partial<FastAgiOptions> = {}, host?: string): Promise<AgiTestServer> {
  const s = await startAgiServer(opts, host)
  t.teardown(() => s.close())
  return s
}

const reasons = (s: AgiTestServer): unknown[] => s.logs.entries.map((e) => e.why)

t.test('a line over the cap closes the session even when it arrives whole with its newline', async (t) => {
  const s = await server(t, { limits: { maxLineBytes: 1024 } })
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.write(`200 result=1 (${'x'.repeat(5000)})\n`)
  t.equal(await peer.next(), null, 'no further command: the session was closed')
  t.ok(reasons(s).includes('line over 1024 bytes'))
  t.ok((await validEcho(s.port, ['b'], 'Ivan')).ok, 'the next session is served')
})

t.test('a line that never ends is cut off at the cap, not buffered', async (t) => {
  const s = await server(t, { limits: { maxLineBytes: 1024 } })
  const peer = agiPeer(s.port)
  for (let i = 0; i < 20; i++) peer.write('agi_network: yes'.repeat(10))
  await peer.closed
  t.ok(reasons(s).includes('line over 1024 bytes'))
})

t.test('an environment block over the cap is closed before its blank line, counting newlines too', async (t) => {
  const s = await server(t, { limits: { maxHeaderBytes: 4096 } })
  const peer = agiPeer(s.port)
  peer.write('agi_network: yes\n'.repeat(300)) // 5,100 bytes, no blank line
  await peer.closed
  t.ok(reasons(s).includes('environment block over 4096 bytes'))
  const short = agiPeer(s.port)
  short.write('a\n'.repeat(3000)) // 3,000 one-byte lines: 6,000 bytes on the wire
  await short.closed
  t.equal(reasons(s).filter((r) => r === 'environment block over 4096 bytes').length, 2)
  t.ok((await validEcho(s.port, ['a'], 'Ivan')).ok)
})

t.test('a 520 usage reply that never ends is closed at the block cap', async (t) => {
  const s = await server(t, { limits: { maxHeaderBytes: 2048 } })
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.write('520-Invalid command syntax.  Proper usage follows:\n')
  for (let i = 0; i < 200; i++) peer.write('Usage: GET VARIABLE <variablename>\n')
  await peer.closed
  t.ok(reasons(s).includes('520 usage reply over 2048 bytes'))
})

t.test('a real 520 usage reply still ends the command as a failure', async (t) => {
  const s = await server(t)
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.write('520-Invalid command syntax.  Proper usage follows:\nUsage: GET VARIABLE <variablename>\n520 End of proper usage.\n')
  await peer.closed
  t.match(s.logs.entries.find((e) => e.msg === 'AGI script failed'), { err: { code: 'AGI_COMMAND_FAILED' } })
})

t.test('a 520 continuation nobody asked for closes the session', async (t) => {
  const s = await server(t)
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.reply('200 result=1 (Ivan)')
  t.match(await peer.next(), /^SET VARIABLE/)
  peer.reply('200 result=1')
  await peer.closed
  const early = agiPeer(s.port)
  const [head, tail] = envChunks('nosuch')
  early.write(head!)
  early.write(tail!)
  t.match(await early.next(), /^VERBOSE/)
  early.reply('200 result=1\n520-stray')
  await early.closed
  t.equal(s.server.connections, 0)
})

t.test('an environment block not complete within the header deadline is closed, however slowly it trickles', async (t) => {
  const s = await server(t, { limits: { headerTimeoutMs: 10_000 } })
  const silent = agiPeer(s.port)
  const slow = agiPeer(s.port)
  await eventually('both accepted', () => s.server.connections === 2 && s.clock.timers === 2)
  for (let second = 0; second < 9; second++) {
    slow.write('a')
    await s.clock.advance(1000)
  }
  await s.clock.advance(999)
  t.notOk(silent.isClosed() || slow.isClosed(), 'open until the deadline')
  await s.clock.advance(1)
  await Promise.all([silent.closed, slow.closed])
  t.equal(reasons(s).filter((r) => r === 'no complete environment block in time').length, 2)
  t.equal(s.clock.timers, 0, 'no timer left behind')
})

t.test('a command without a reply within the idle time ends the session', async (t) => {
  const s = await server(t, { replyTimeoutMs: 30_000 })
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.write('200 res') // half a reply, then nothing
  await s.clock.advance(29_999)
  t.notOk(peer.isClosed())
  await s.clock.advance(1)
  await peer.closed
  t.match(s.logs.entries.find((e) => e.msg === 'AGI script ended early'), { why: 'AGI session ended: no reply to GET in 30000 ms' })
  await eventually('session over', () => s.server.running === 0)
})

t.test('a peer that keeps its side open after the script is cut off after the grace time', async (t) => {
  const s = await server(t, { limits: { closeGraceMs: 5000 } })
  const peer = agiPeer(s.port, { halfOpen: true })
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.reply('200 result=1 (Ivan)')
  t.match(await peer.next(), /^SET VARIABLE/)
  peer.reply('200 result=1')
  await new Promise<void>((resolve) => { peer.socket.once('end', resolve) }) // the server ended its side
  peer.write('200 result=1\n'.repeat(100)) // ignored: the session is over
  await s.clock.advance(4999)
  t.equal(s.server.connections, 1, 'held during the grace time')
  await s.clock.advance(1)
  await eventually('released', () => s.server.connections === 0)
  peer.socket.destroy()
})

t.test('at the connection limit the oldest connection still without its environment block gives way to a new one', async (t) => {
  const s = await server(t, { limits: { maxConnections: 3 } })
  const idle = [agiPeer(s.port), agiPeer(s.port), agiPeer(s.port)]
  await eventually('three held', () => s.server.connections === 3)
  t.ok((await validEcho(s.port, ['b'], 'Ivan')).ok, 'Asterisk gets in past silent peers')
  await idle[0]!.closed
  t.notOk(idle[1]!.isClosed() || idle[2]!.isClosed(), 'only the oldest was closed')
  t.match(s.logs.entries.find((e) => e.msg === 'FastAGI connection dropped'), { why: 'connection limit reached: the oldest incomplete one gives way', maxConnections: 3 })
  for (const p of idle) p.socket.destroy()
})

t.test('when every slot holds a running session, a new connection is closed at once, before anything is read', async (t) => {
  const s = await server(t, { limits: { maxConnections: 3 } })
  const busy = [agiPeer(s.port), agiPeer(s.port), agiPeer(s.port)]
  for (const p of busy) {
    for (const c of envChunks('echo', ['a'])) p.write(c)
    t.equal(await p.next(), 'GET VARIABLE CALLERID(name)')
  }
  const extra = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) extra.write(c)
  await extra.closed
  t.equal(extra.received(), '', 'the refused peer got no command')
  t.equal(s.server.running, 3)
  t.match(s.logs.entries.find((e) => e.msg === 'FastAGI connection refused'), { why: 'connection limit reached', maxConnections: 3 })
  busy[0]!.reply('200 result=1 (Ivan)')
  t.match(await busy[0]!.next(), /^SET VARIABLE/)
  busy[0]!.reply('200 result=1')
  await busy[0]!.closed
  await eventually('a slot freed', () => s.server.connections === 2)
  t.ok((await validEcho(s.port, ['b'], 'Ivan')).ok, 'a freed slot serves again')
  for (const p of busy) p.socket.destroy()
})

t.test('a peer outside the allow-list is closed before its environment block is read', async (t) => {
  const s = await server(t, { allow: '10.0.0.0/8, 192.0.2.7' })
  const peer = agiPeer(s.port)
  for (const c of envChunks('echo', ['a'])) peer.write(c)
  await peer.closed
  t.equal(peer.received(), '')
  t.equal(s.server.running, 0)
  t.match(s.logs.entries.filter((e) => e.level === 40), [{ msg: 'FastAGI connection refused', why: 'address not allowed', remote: '127.0.0.1', allow: ['10.0.0.0/8', '192.0.2.7'] }])
})

t.test('the default allow-list is loopback: 127.0.0.1 is served; a listed address or range lets a peer in', async (t) => {
  const byDefault = await server(t)
  t.ok((await validEcho(byDefault.port, ['a'], 'Ivan')).ok)
  const listed = await server(t, { allow: '192.0.2.0/24,127.0.0.1' })
  t.ok((await validEcho(listed.port, ['b'], 'Ivan')).ok)
})

t.test('over IPv6 the default allow-list serves ::1', async (t) => {
  const probe = connect({ port: 9, host: '::1' })
  const hasIpv6 = await new Promise<boolean>((resolve) => {
    probe.on('error', (err: NodeJS.ErrnoException) => { resolve(err.code === 'ECONNREFUSED') })
    probe.on('connect', () => { probe.destroy(); resolve(true) })
  })
  if (!hasIpv6) { t.pass('no IPv6 loopback here: nothing to check'); return }
  const s = await server(t, {}, '::1')
  const peer = agiPeer(s.port, { host: '::1' })
  for (const c of envChunks('echo', ['v6'])) peer.write(c)
  t.equal(await peer.next(), 'GET VARIABLE CALLERID(name)')
  peer.socket.destroy()
})

t.test('a script name that is a property of every object is an unknown script', async (t) => {
  const s = await server(t)
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const peer = agiPeer(s.port)
    for (const c of envChunks(name)) peer.write(c)
    t.equal(await peer.next(), `VERBOSE "ringlead: unknown AGI script ${name}" 1`, name)
    peer.reply('200 result=1')
    await peer.closed
  }
  t.notOk(s.logs.entries.some((e) => e.msg === 'AGI script failed'))
})
