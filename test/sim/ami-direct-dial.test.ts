// A phone dialling a number itself: the AMI sequence of traces/ami (DialBegin with both sides,
// DialState, DialEnd, Hangup of each leg), with its field names.
import { createRequire } from 'node:module'
import t from 'tap'
import { startSim, until } from './helpers.js'

type AmiMessage = Record<string, string | string[] | undefined>
interface Manager { on (event: string, cb: (e: AmiMessage) => void): void; disconnect (): void }
const require = createRequire(import.meta.url)
const AsteriskManager = require('asterisk-manager') as (port: number, host: string, user: string, secret: string, events: boolean) => Manager

t.test('operatorDials produces Newchannel, DialBegin, DialState, DialEnd and Hangup as Asterisk 22 does', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { registered: true })
  const ami = AsteriskManager(sim.amiPort, '127.0.0.1', 'ringlead', 'ringlead', true)
  const events: AmiMessage[] = []
  ami.on('managerevent', (e) => events.push(e))
  t.teardown(() => ami.disconnect())
  await new Promise<void>((resolve) => ami.on('fullybooted', () => resolve()))

  const call = sim.operatorDials('101', '79031112233', { answerAfterMs: 30, talkMs: 40 })
  await call.ended
  await until('both hangups', () => events.filter((e) => e.event === 'Hangup').length === 2)
  const callEvents = events.filter((e) => ['Newchannel', 'DialBegin', 'DialState', 'DialEnd', 'Hangup'].includes(String(e.event)))
  t.same(callEvents.map((e) => e.event), ['Newchannel', 'Newchannel', 'DialBegin', 'DialState', 'DialEnd', 'Hangup', 'Hangup'])
  const begin = callEvents[2]!
  t.match(begin, {
    channel: /^PJSIP\/101-[0-9a-f]{8}$/, uniqueid: call.channelId, linkedid: call.channelId, exten: '79031112233', context: 'from-operators',
    destchannel: /^PJSIP\/carrier-[0-9a-f]{8}$/, destlinkedid: call.channelId, dialstring: '79031112233@carrier'
  })
  t.not(begin.destuniqueid, call.channelId)
  t.match(callEvents[3], { dialstatus: 'RINGING', uniqueid: call.channelId })
  t.match(callEvents[4], { dialstatus: 'ANSWER', uniqueid: call.channelId, destuniqueid: begin.destuniqueid })
  t.match(callEvents[5], { uniqueid: begin.destuniqueid, cause: '16', 'cause-txt': 'Normal Clearing' }, 'the customer hangs up first by default')
  t.match(callEvents[6], { uniqueid: call.channelId, cause: '16' })
  t.equal(sim.channels().length, 0)
})

t.test('a phone that is not registered cannot dial', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('105', { registered: false })
  t.throws(() => sim.operatorDials('105', '79031112233'), /not registered/)
})
