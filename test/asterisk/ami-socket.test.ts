// ringlead's AMI reader against a loopback server that writes what Asterisk writes, cut anywhere.
import { createServer, type AddressInfo, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { AmiSocket, type AmiMessage } from '../../src/asterisk/ami-socket.js'

const hangup = 'Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/carrier-00000018\r\nCallerIDName: Иван Петров\r\n' +
  'Uniqueid: 1795425815.37\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n'
const device = 'Event: DeviceStateChange\r\nPrivilege: call,all\r\nDevice: PJSIP/104\r\nState: NOT_INUSE\r\n\r\n'

/** A server that greets, then hands each connection to `onConnection`; resolves the client connected. */
async function pair (t: Test, onConnection: (socket: Socket) => void): Promise<{ ami: AmiSocket; events: AmiMessage[]; errors: Error[] }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    onConnection(socket)
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const ami = new AmiSocket()
  const events: AmiMessage[] = []
  const errors: Error[] = []
  ami.on('event', (e) => { events.push(e) })
  ami.on('error', (e) => { errors.push(e) })
  t.teardown(() => { ami.close(); server.close() })
  await new Promise<void>((resolve, reject) => { ami.connect((server.address() as AddressInfo).port, '127.0.0.1', (err) => { err ? reject(err) : resolve() }) })
  return { ami, events, errors }
}

const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

t.test('events cut at every byte arrive whole: keys lower-cased, a name in Cyrillic intact', async (t) => {
  const bytes = Buffer.from(`Asterisk Call Manager/9.0.0\r\n${hangup}${device}`)
  for (const cut of [1, 2, 3, 7, 13, 31, 64, bytes.length]) {
    const { events } = await pair(t, (socket) => {
      // One write per piece, each after the previous has left.
      const pieces: Buffer[] = []
      for (let i = 0; i < bytes.length; i += cut) pieces.push(bytes.subarray(i, i + cut))
      const next = (): void => { const p = pieces.shift(); if (p) socket.write(p, () => { setImmediate(next) }) }
      next()
    })
    await until(`two events (pieces of ${cut} bytes)`, () => events.length === 2)
    t.match(events[0], { event: 'Hangup', channel: 'PJSIP/carrier-00000018', calleridname: 'Иван Петров', cause: '16', 'cause-txt': 'Normal Clearing' }, `pieces of ${cut} bytes`)
    t.match(events[1], { event: 'DeviceStateChange', device: 'PJSIP/104', state: 'NOT_INUSE' })
  }
})

t.test('an action gets its own response by ActionID; keys given twice keep every value in order', async (t) => {
  const { ami } = await pair(t, (socket) => {
    socket.write('Asterisk Call Manager/9.0.0\r\n')
    let got = ''
    socket.on('data', (c: Buffer) => {
      got += c.toString()
      if (!got.endsWith('\r\n\r\n')) return
      const id = /ActionID: (\S+)/.exec(got)?.[1] ?? ''
      t.match(got, /^Action: Command\r\nCommand: core show uptime\r\nActionID: a-1\r\n\r\n$/, 'keys spelled as Asterisk documents them')
      socket.write(`Response: Success\r\nActionID: other\r\n\r\nResponse: Success\r\nActionID: ${id}\r\nMessage: Command output follows\r\nOutput: System uptime: 1 hour\r\nOutput: \r\nOutput: Last reload: 5 minutes\r\n\r\n`)
    })
  })
  const res = await ami.send({ action: 'Command', command: 'core show uptime', actionid: 'a-1' })
  t.same(res.output, ['System uptime: 1 hour', '', 'Last reload: 5 minutes'])
})

t.test('an old Asterisk\'s "Response: Follows" keeps its output, blank lines included, to --END COMMAND--', async (t) => {
  const { ami, events } = await pair(t, (socket) => {
    socket.write('Asterisk Call Manager/1.1\r\n')
    socket.on('data', () => {
      socket.write('Response: Follows\r\nPrivilege: Command\r\nActionID: c-1\r\nline one\r\n\r\nline three\r\n--END COMMAND--\r\n\r\n' + device)
    })
  })
  const res = await ami.send({ action: 'Command', command: 'core show channels', actionid: 'c-1' })
  t.match(res, { response: 'Follows', actionid: 'c-1' })
  t.same(res.output, ['line one', '', 'line three'])
  await until('the event after it', () => events.length === 1)
})

t.test('a value with a line break is refused before it is written: it could end the message and say anything', async (t) => {
  let received = ''
  const { ami } = await pair(t, (socket) => { socket.write('Asterisk Call Manager/9.0.0\r\n'); socket.on('data', (c: Buffer) => { received += c.toString() }) })
  await t.rejects(ami.send({ action: 'Originate', channel: 'PJSIP/101\r\n\r\nAction: Logoff', actionid: 'o-1' }), /Originate: channel holds a line break/)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(received, '')
})

t.test('a peer that never ends a message is dropped at 1 MB; whoever waits is told the connection closed', async (t) => {
  const { ami, errors } = await pair(t, (socket) => {
    socket.write('Asterisk Call Manager/9.0.0\r\n')
    socket.on('data', () => { socket.write(`Event: Flood\r\nData: ${'x'.repeat(1_100_000)}`) })
  })
  await t.rejects(ami.send({ action: 'Ping', actionid: 'p-1' }), /AMI connection closed/)
  t.match(errors, [{ message: /more than 1048576 characters without ending a message/ }])
})

t.test('a forgotten action (its deadline passed) drops its late answer', async (t) => {
  let answer: (() => void) | null = null
  const { ami } = await pair(t, (socket) => {
    socket.write('Asterisk Call Manager/9.0.0\r\n')
    socket.on('data', () => { answer = () => socket.write('Response: Success\r\nActionID: late\r\n\r\n') })
  })
  let settled = false
  void ami.send({ action: 'Ping', actionid: 'late' }).then(() => { settled = true }, () => { settled = true })
  await until('the action reached the server', () => answer !== null)
  ami.forget('late')
  answer!()
  await new Promise((resolve) => setTimeout(resolve, 30))
  t.equal(settled, false, 'nobody is answered for it')
})
