import t from 'tap'
import { AmiLink } from '../../src/asterisk/ami-link.js'
import { CALL_EVENTS_NOT_READ } from '../../src/domain/ami-events.js'
import { memoryLog } from '../helpers/agi-peer.js'
import { startWorld, testLog, until } from '../helpers/world.js'
import { startSim } from '../sim/helpers.js'

t.test('AMI: the events manager.conf disables, read from "manager show settings"', async (t) => {
  const { sim } = await startSim(t, { amiDisabledEvents: ['VarSet', 'Newexten'] })
  const link = new AmiLink({ host: '127.0.0.1', port: sim.amiPort, user: 'ringlead', secret: 'ringlead', log: testLog })
  t.teardown(() => { link.stop() })
  await link.start()
  t.same(await link.disabledEvents(), ['VarSet', 'Newexten'])
})

t.test('AMI: none disabled is an empty list, not "unknown"', async (t) => {
  const { sim } = await startSim(t)
  const link = new AmiLink({ host: '127.0.0.1', port: sim.amiPort, user: 'ringlead', secret: 'ringlead', log: testLog })
  t.teardown(() => { link.stop() })
  await link.start()
  t.same(await link.disabledEvents(), [])
})

t.test('the daemon tells the PBX admin which call events Asterisk still makes for its AMI session', async (t) => {
  const logs = memoryLog()
  const w = await startWorld({}, { log: logs.log }, { amiDisabledEvents: ['VarSet', 'Newexten'] })
  t.teardown(() => w.close())
  const advice = (): Record<string, unknown> | undefined => logs.entries.find((e) => String(e.msg).startsWith('Asterisk makes AMI events on every call'))
  await until('the advice is logged', () => advice() !== undefined)
  t.same(advice()!.events, CALL_EVENTS_NOT_READ.filter((n) => n !== 'VarSet' && n !== 'Newexten'))
  t.match(String(advice()!.msg), /disabledevents in manager\.conf.*docs\/pbx\.md/)
})

t.test('an Asterisk that disables all of them (as the built-in simulator says it does) gets no advice', async (t) => {
  const logs = memoryLog()
  const w = await startWorld({}, { log: logs.log }, { amiDisabledEvents: CALL_EVENTS_NOT_READ })
  t.teardown(() => w.close())
  const ami = w.daemon.ami
  if (ami === null) throw new Error('no AMI link')
  // Answers come in the order asked: once a Ping sent now is answered, the settings asked at connect were too.
  await until('AMI is up', () => ami.status().state === 'connected')
  await ami.action({ action: 'Ping' })
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(logs.entries.some((e) => String(e.msg).startsWith('Asterisk makes AMI events')), 'no advice')
})
