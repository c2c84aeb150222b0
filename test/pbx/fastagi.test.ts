// The FastAGI server over real TCP, driven the way Asterisk drives it: the recorded environment
// block (test/fixtures/fastagi), "200 result=" replies, HANGUP notices, and bad input.
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { AgiChannel } from '../../src/asterisk/fastagi.js'
import { startWorld, testLog, until, type World } from '../helpers/world.js'

const recorded = JSON.parse(readFileSync(new URL('../fixtures/fastagi/route-env.json', import.meta.url), 'utf8')) as { chunks: string[] }

/** The recorded block, for another script, channel, caller, extension and arguments. */
function envChunks (script: string, o: { channel?: string; callerid?: string; extension?: string; args?: string[] } = {}): string[] {
  const args = o.args ?? []
  return recorded.chunks.map((chunk) => chunk
    .replace(/agi_network_script: route/, `agi_network_script: ${script}`)
    .replace(/agi_request: agi:\/\/127\.0\.0\.1:4573\/route/, `agi_request: agi://127.0.0.1:4573/${script}`)
    .replace(/agi_channel: .*/, `agi_channel: ${o.channel ?? 'PJSIP/carrier-0000001b'}`)
    .replace(/agi_callerid: .*/, `agi_callerid: ${o.callerid ?? '+79031112233'}`)
    .replace(/agi_extension: .*/, `agi_extension: ${o.extension ?? '74950000001'}`)
    .replace(/agi_arg_1: arg1\nagi_arg_2: arg2\n/, args.map((a, i) => `agi_arg_${i + 1}: ${a}\n`).join('')))
}

interface Session { next (): Promise<string>; reply (line: string): void; socket: Socket; closed: Promise<void> }

/** Plays Asterisk: sends the env block in its two chunks, then reads commands and answers them. */
function session (w: World, chunks: string[]): Session {
  const socket = connect(w.daemon.agi!.port, '127.0.0.1')
  socket.setEncoding('utf8')
  let buffer = ''
  const waiting: Array<(line: string) => void> = []
  const lines: string[] = []
  const closed = new Promise<void>((resolve) => { socket.on('close', () => { resolve() }) })
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      const w = waiting.shift()
      if (w) w(line); else lines.push(line)
    }
  })
  socket.on('error', () => {})
  socket.write(chunks[0]!)
  setTimeout(() => { for (const c of chunks.slice(1)) socket.write(c) }, 5) // the block may span two reads
  return {
    socket,
    closed,
    next: () => lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve)),
    reply: (line) => { socket.write(`${line}\n`) }
  }
}

async function world (t: Test): Promise<World> {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addNumber('74950000001', { source: 'site', categoryId: 'ovens' })
  w.addOperator('101', { skills: { ovens: 5 } })
  w.addOperator('102')
  return w
}

t.test('caller-name sets CALLERID(name) from the customer base with orders and calls', async (t) => {
  const w = await world(t)
  const customer = w.daemon.repo.ensureCustomer('+79031112233', 'cus_1', Date.now(), 'Ivan Petrov')
  const lead = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233', name: 'Ivan Petrov' }, 'system').lead
  w.daemon.db.$client.prepare("UPDATE leads SET status = 'deal' WHERE lead_id = ?").run(lead.leadId)
  for (const callId of ['c1', 'c2']) {
    w.daemon.repo.insertCall({ callId, direction: 'inbound', status: 'answered', channelId: callId, callerRaw: '+79031112233', customerId: customer.customerId, did: '74950000001', startedAt: Date.now() })
  }
  const s = session(w, envChunks('caller-name'))
  t.equal(await s.next(), 'SET VARIABLE CALLERID(name) "Ivan Petrov · 1 order · 2 calls"')
  s.reply('200 result=1')
  t.equal(await s.next(), `SET VARIABLE RINGLEAD_CUSTOMER "${customer.customerId}"`)
  s.reply('200 result=1')
  await s.closed
})

t.test('route answers the endpoint the routing policy picks: the specialist for the number\'s category', async (t) => {
  const w = await world(t)
  const s = session(w, envChunks('route', { args: ['74950000001'] }))
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_ROUTE "PJSIP/101"')
  s.reply('200 result=1')
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_RING_SECONDS "4"')
  s.reply('200 result=1')
  await s.closed
  w.pause('op_101')
  const again = session(w, envChunks('route', { args: ['74950000001'] }))
  t.equal(await again.next(), 'SET VARIABLE RINGLEAD_ROUTE "PJSIP/102"', 'paused specialist: the next operator')
  again.reply('200 result=1')
  t.match(await again.next(), /^SET VARIABLE RINGLEAD_RING_SECONDS/)
  again.reply('200 result=1')
  await again.closed
})

t.test('disposition over AGI: the same menu with STREAM FILE, GET DATA and WAIT FOR DIGIT', async (t) => {
  const w = await world(t)
  const lead = w.daemon.leads.intake({ channel: 'call', phone: '+79031112233', ownerId: 'op_101', ownerReasons: ['answered'], answered: true }, 'system').lead
  t.equal(lead.awaitingDisposition, true)
  const s = session(w, envChunks('disposition', { channel: 'PJSIP/101-0000002a' }))
  t.equal(await s.next(), 'ANSWER')
  s.reply('200 result=0')
  t.equal(await s.next(), 'GET DATA ringlead/disposition-menu 8000 1')
  s.reply('200 result=2')
  t.equal(await s.next(), 'GET DATA ringlead/refusal-reasons 8000 1')
  s.reply('200 result=9') // not a reason: one more key
  t.equal(await s.next(), 'WAIT FOR DIGIT 8000')
  s.reply('200 result=49') // ASCII "1": price
  t.equal(await s.next(), 'STREAM FILE ringlead/thank-you ""')
  s.reply('200 result=0 endpos=16000')
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_RESULT "refused"')
  s.reply('200 result=1')
  await s.closed
  t.match(w.daemon.leads.get(lead.leadId), { status: 'refused', refusalReason: 'price', awaitingDisposition: false })
})

t.test('a hang-up during the menu ends the session; the lead keeps waiting', async (t) => {
  const w = await world(t)
  const lead = w.daemon.leads.intake({ channel: 'call', phone: '+79031112233', ownerId: 'op_101', ownerReasons: ['answered'], answered: true }, 'system').lead
  const s = session(w, envChunks('disposition', { channel: 'PJSIP/101-0000002b' }))
  t.equal(await s.next(), 'ANSWER')
  s.reply('200 result=0')
  t.match(await s.next(), /^GET DATA/)
  s.reply('HANGUP') // Asterisk's notice may come before the reply it interrupts
  s.reply('200 result=-1')
  await s.closed
  t.match(w.daemon.leads.get(lead.leadId), { awaitingDisposition: true })
})

t.test('pause and unpause feature codes act on the calling operator', async (t) => {
  const w = await world(t)
  const s = session(w, envChunks('pause', { channel: 'PJSIP/102-00000003' }))
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_RESULT "paused"')
  s.reply('200 result=1')
  await s.closed
  await until('operator paused', () => w.daemon.board.view('op_102')?.state === 'paused')
  t.pass('op_102 paused')
})

t.test('the pause-with-reason feature code pauses the calling operator with the reason its digit names', async (t) => {
  const w = await world(t)
  // What `exten => _*41[1-4],1,AGI(…/pause-reason,,${EXTEN:3:1})` sends for *412 dialled on PJSIP/102.
  const s = session(w, envChunks('pause-reason', { channel: 'PJSIP/102-00000004', extension: '*412', args: ['', '2'] }))
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_RESULT "paused"')
  s.reply('200 result=1')
  await s.closed
  await until('operator paused with a reason', () => w.daemon.board.view('op_102')?.pausedReason === 'training')
  t.match(w.daemon.board.view('op_102'), { state: 'paused', pausedReason: 'training' })
  t.match(w.daemon.feed.snapshot().operators.find((o) => o.operatorId === 'op_102'), { state: 'paused', pausedReason: 'training' }, 'the wallboard hears the reason')

  const unknown = session(w, envChunks('pause-reason', { channel: 'PJSIP/101-00000005', extension: '*419', args: ['', '9'] }))
  t.equal(await unknown.next(), 'SET VARIABLE RINGLEAD_RESULT "unknown_reason"', 'a digit with no reason configured')
  unknown.reply('200 result=1')
  await unknown.closed
  t.equal(w.daemon.board.view('op_101')?.state === 'paused', false, 'op_101 not paused')
})

t.test('malformed or truncated input closes that session and never the server', async (t) => {
  const w = await world(t)
  const garbage = session(w, ['GET / HTTP/1.1\nHost: x\n\n'])
  await garbage.closed
  const truncated = session(w, [recorded.chunks[0]!.slice(0, 200)])
  truncated.socket.end()
  await truncated.closed
  const badReply = session(w, envChunks('route', { args: ['74950000001'] }))
  t.match(await badReply.next(), /^SET VARIABLE RINGLEAD_ROUTE/)
  badReply.reply('this is not AGI')
  await badReply.closed
  const unknown = session(w, envChunks('no-such-script'))
  t.equal(await unknown.next(), 'VERBOSE "ringlead: unknown AGI script no-such-script" 1')
  unknown.reply('200 result=1')
  await unknown.closed
  const huge = session(w, ['agi_network: yes\n'.repeat(2000)])
  await huge.closed
  // The server still serves a proper session.
  const s = session(w, envChunks('route', { args: ['74950000001'] }))
  t.equal(await s.next(), 'SET VARIABLE RINGLEAD_ROUTE "PJSIP/101"')
  s.reply('200 result=1')
  t.match(await s.next(), /RINGLEAD_RING_SECONDS/)
  s.reply('200 result=1')
  await s.closed
  await until('no sessions left', () => w.daemon.agi!.server.running === 0)
})

t.test('replies keep values with parentheses; a command on a dead channel (511) ends the script quietly', async (t) => {
  const w = await world(t)
  const lead = w.daemon.leads.intake({ channel: 'call', phone: '+79031112233', ownerId: 'op_101', ownerReasons: ['answered'], answered: true }, 'system').lead
  const s = session(w, envChunks('disposition', { channel: 'PJSIP/101-0000002c' }))
  t.equal(await s.next(), 'ANSWER')
  s.reply('511 Command Not Permitted on a dead channel or intercept routine')
  await s.closed
  t.match(w.daemon.leads.get(lead.leadId), { awaitingDisposition: true })
  const written: string[] = []
  const fake = { write: (l: string) => { written.push(l) }, destroy: () => {}, end: () => {} }
  const ch = new AgiChannel({ script: 'x', env: {}, args: [] }, fake as never, 1000, testLog)
  const got = ch.getVariable('CALLERID(name)')
  ch.onLine('200 result=1 (Ivan (VIP) Petrov)')
  t.equal(await got, 'Ivan (VIP) Petrov')
  t.same(written, ['GET VARIABLE CALLERID(name)\n'])
})
