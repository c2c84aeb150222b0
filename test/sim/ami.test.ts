import { createRequire } from 'node:module'
import { type Socket, connect } from 'node:net'
import t from 'tap'
import type { Simulator } from '../../src/sim/simulator.js'
import { EventStream, ari, startSim } from './helpers.js'

type AmiMessage = Record<string, string | string[] | undefined>
interface Manager {
  on (event: string, cb: (e: AmiMessage) => void): void
  action (a: Record<string, string>, cb: (err: AmiMessage | undefined, res: AmiMessage) => void): void
  disconnect (): void
}
const require = createRequire(import.meta.url)
const AsteriskManager = require('asterisk-manager') as (port: number, host: string, user: string, secret: string, events: boolean) => Manager

async function manager (t: { teardown (fn: () => void): void }, sim: Simulator): Promise<{ ami: Manager; events: AmiMessage[] }> {
  const ami = AsteriskManager(sim.amiPort, '127.0.0.1', 'ringlead', 'ringlead', true)
  const events: AmiMessage[] = []
  ami.on('managerevent', (e) => events.push(e))
  t.teardown(() => ami.disconnect())
  await new Promise<void>((resolve) => ami.on('fullybooted', () => resolve()))
  return { ami, events }
}

function action (ami: Manager, a: Record<string, string>): Promise<AmiMessage> {
  return new Promise((resolve) => ami.action(a, (err, res) => resolve(err ?? res)))
}

async function waitEvent (events: AmiMessage[], match: (e: AmiMessage) => boolean, timeoutMs = 5000): Promise<AmiMessage> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = events.find(match)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`AMI event not received; got ${events.map((e) => String(e.event)).join(', ')}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Raw TCP session, to check framing the client library hides. */
function raw (port: number): { socket: Socket; text: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => { text += d })
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  return { socket, text: () => text, closed }
}

t.test('AMI greets with the Asterisk banner and a bad secret gets "Authentication failed" after a delay, then the socket closes', async (t) => {
  const { sim } = await startSim(t)
  const s = raw(sim.amiPort)
  s.socket.write('Action: Login\r\nActionID: login-1\r\nUsername: ringlead\r\nSecret: wrongpass\r\n\r\n')
  await s.closed
  t.equal(s.text(), 'Asterisk Call Manager/11.0.0\r\nResponse: Error\r\nActionID: login-1\r\nMessage: Authentication failed\r\n\r\n')
})

t.test('AMI login, FullyBooted, Ping, unknown action and Logoff look like Asterisk\'s', async (t) => {
  const { sim } = await startSim(t)
  const s = raw(sim.amiPort)
  s.socket.write('Action: Login\r\nActionID: l\r\nUsername: ringlead\r\nSecret: ringlead\r\n\r\nAction: Ping\r\nActionID: p\r\n\r\nAction: NoSuchAction\r\nActionID: bad-1\r\n\r\nAction: Logoff\r\nActionID: bye\r\n\r\n')
  await s.closed
  const text = s.text()
  t.match(text, /Response: Success\r\nActionID: l\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\n/)
  t.match(text, /Response: Success\r\nActionID: p\r\nPing: Pong\r\nTimestamp: \d+\.\d{6}\r\n\r\n/)
  t.match(text, /Response: Error\r\nActionID: bad-1\r\nMessage: Invalid\/unknown command: NoSuchAction\. Use Action: ListCommands to show available commands\.\r\n\r\n/)
  t.match(text, /Response: Goodbye\r\nActionID: bye\r\nMessage: Thanks for all the fish\.\r\n\r\n$/)
})

t.test('AMI Command: dialplan reload, dialplan show, core show channels concise, unknown command', async (t) => {
  const { sim } = await startSim(t)
  const { ami } = await manager(t, sim)
  t.match(await action(ami, { action: 'Command', command: 'dialplan reload' }), { response: 'Success', message: 'Command output follows', output: 'Dialplan reloaded.' })
  const show = await action(ami, { action: 'Command', command: 'dialplan show from-carrier' })
  t.match(show, { response: 'Success' })
  t.ok((show.output as string[]).some((l) => l.includes('Stasis(ringlead,inbound)')))
  t.match(await action(ami, { action: 'Command', command: 'dialplan show nope' }), { response: 'Error', output: "There is no existence of 'nope' context" })
  t.match(await action(ami, { action: 'Command', command: 'no such cli command' }), { response: 'Error', message: 'Command output follows', output: /^No such command 'no such cli command'/ })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const concise = await action(ami, { action: 'Command', command: 'core show channels concise' })
  t.match(concise.output, new RegExp(`^PJSIP/carrier-[0-9a-f]{8}!from-carrier!74951234567!2!Ring!Stasis!ringlead,inbound!\\+79031112233!!!3!\\d+!!${call.channelId.replace('.', '\\.')}$`))
})

t.test('AMI lists: DeviceStateList, PJSIPShowContacts and CoreShowChannels end with a Complete event and ListItems', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101')
  sim.addEndpoint('104', { registered: false })
  const { ami, events } = await manager(t, sim)
  t.match(await action(ami, { action: 'DeviceStateList', actionid: 'ds-1' }), { response: 'Success', eventlist: 'start' })
  t.match(await waitEvent(events, (e) => e.event === 'DeviceStateListComplete'), { actionid: 'ds-1', eventlist: 'Complete', listitems: '3' })
  t.match(events.filter((e) => e.event === 'DeviceStateChange' && e.actionid === 'ds-1').map((e) => `${String(e.device)} ${String(e.state)}`).sort(),
    ['PJSIP/101 NOT_INUSE', 'PJSIP/104 UNAVAILABLE', 'PJSIP/carrier NOT_INUSE'])
  t.match(await action(ami, { action: 'PJSIPShowContacts', actionid: 'c-1' }), { response: 'Success', eventlist: 'start' })
  t.match(await waitEvent(events, (e) => e.event === 'ContactListComplete'), { listitems: '1' })
  t.match(events.find((e) => e.event === 'ContactList'), { endpoint: '101', uri: /^sip:101@127\.0\.0\.1:\d+$/, status: 'NonQualified' })
  t.match(await action(ami, { action: 'CoreShowChannels', actionid: 'csc' }), { response: 'Success', message: 'Channels will follow' })
  t.match(await waitEvent(events, (e) => e.event === 'CoreShowChannelsComplete'), { listitems: '0' })
})

t.test('AMI device state of a phone with two calls: RINGINUSE while a second rings, INUSE once it is gone, NOT_INUSE when both are', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 30 } })
  const { events } = await manager(t, sim)
  const states = (): unknown[] => events.filter((e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.actionid === undefined).map((e) => e.state)
  const ev = await EventStream.open(sim)
  const first = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', first.id)
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'INUSE')
  sim.setBehaviour('101', { kind: 'noanswer' })
  const second = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'RINGINUSE')
  await ari(sim, 'DELETE', `/channels/${second.id}`)
  await waitEvent(events, (e) => e.event === 'Hangup' && e.uniqueid === second.id)
  await ari(sim, 'DELETE', `/channels/${first.id}`)
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'NOT_INUSE')
  t.same(states(), ['RINGING', 'INUSE', 'RINGINUSE', 'INUSE', 'NOT_INUSE'])
})

t.test('AMI device states follow registration and calls: RINGING, INUSE, NOT_INUSE, UNAVAILABLE', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 30 } })
  sim.addEndpoint('104', { registered: false })
  const { events } = await manager(t, sim)
  const states = (device: string) => events.filter((e) => e.event === 'DeviceStateChange' && e.device === device && e.actionid === undefined).map((e) => e.state)
  sim.register('104')
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/104')
  t.match(events.find((e) => e.event === 'PeerStatus'), { peer: 'PJSIP/104', peerstatus: 'Reachable' })
  t.ok(events.some((e) => e.event === 'ContactStatus' && e.contactstatus === 'NonQualified'))
  sim.unregister('104')
  await waitEvent(events, (e) => e.event === 'ContactStatus' && e.contactstatus === 'Removed')
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/104' && e.state === 'UNAVAILABLE')
  t.same(states('PJSIP/104'), ['NOT_INUSE', 'UNAVAILABLE'])

  const ev = await EventStream.open(sim)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', op.id)
  await ari(sim, 'DELETE', `/channels/${op.id}`)
  await waitEvent(events, (e) => e.event === 'Hangup' && e.uniqueid === op.id)
  await waitEvent(events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'NOT_INUSE')
  t.same(states('PJSIP/101'), ['RINGING', 'INUSE', 'NOT_INUSE'])
  t.ok(events.some((e) => e.event === 'Newchannel' && e.uniqueid === op.id))
  t.match(events.find((e) => e.event === 'DialBegin'), { destchannel: /^PJSIP\/101-/, dialstring: '101' })
  t.match(events.find((e) => e.event === 'Hangup' && e.uniqueid === op.id), { cause: '16', 'cause-txt': 'Normal Clearing' })
})

t.test('AMI Originate Async to a busy phone queues, then reports OriginateResponse Failure with Reason 0', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('103', { behaviour: { kind: 'busy', afterMs: 10 } })
  const { ami, events } = await manager(t, sim)
  const res = await action(ami, { action: 'Originate', actionid: 'orig-1', channel: 'PJSIP/103', application: 'Wait', data: '1', callerid: '"Ivan Petrov" <+79161234567>', async: 'true', timeout: '5000' })
  t.match(res, { response: 'Success', message: 'Originate successfully queued' })
  const response = await waitEvent(events, (e) => e.event === 'OriginateResponse')
  t.match(response, { actionid: 'orig-1', response: 'Failure', channel: 'PJSIP/103', reason: '0', uniqueid: '<unknown>', calleridnum: '+79161234567', calleridname: 'Ivan Petrov' })
  t.match(events.find((e) => e.event === 'DialEnd'), { dialstatus: 'BUSY' })
  t.match(await waitEvent(events, (e) => e.event === 'Hangup'), { cause: '17', 'cause-txt': 'User busy', techcause: '486' })
})

t.test('AMI Filter as Asterisk 22 answers it: a whitelist regex (POSIX classes too) keeps other events off the session; list answers are not filtered', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 30 } })
  const filtered = await manager(t, sim)
  const plain = await manager(t, sim)
  t.match(await action(filtered.ami, { action: 'Filter', operation: 'Add', filter: '^Event: (DeviceStateChange|Hangup)[[:space:]]' }), { response: 'Success', message: 'Success' })
  t.match(await action(filtered.ami, { action: 'Filter', operation: 'Add', filter: '[unclosed' }), { response: 'Error', message: 'Filter did not compile.  Check the syntax of the filter given.' })
  t.match(await action(filtered.ami, { action: 'Filter', operation: 'Nope', filter: 'x' }), { response: 'Error', message: 'Unknown operation' })
  const ev = await EventStream.open(sim)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', op.id)
  await ari(sim, 'DELETE', `/channels/${op.id}`)
  await waitEvent(plain.events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'NOT_INUSE')
  await waitEvent(filtered.events, (e) => e.event === 'DeviceStateChange' && e.device === 'PJSIP/101' && e.state === 'NOT_INUSE')
  const kinds = (events: typeof plain.events): string[] => [...new Set(events.map((e) => String(e.event)))].sort()
  t.ok(kinds(plain.events).includes('Newchannel') && kinds(plain.events).includes('DialBegin'), 'without a filter: the whole call class')
  t.same(kinds(filtered.events).filter((k) => k !== 'FullyBooted'), ['DeviceStateChange', 'Hangup'], 'with it: only the whitelisted events')
  filtered.events.length = 0
  await action(filtered.ami, { action: 'PJSIPShowContacts' })
  await waitEvent(filtered.events, (e) => e.event === 'ContactListComplete')
  t.ok(filtered.events.some((e) => e.event === 'ContactList'), 'an action\'s list events still arrive')
})
