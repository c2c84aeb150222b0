import { readFileSync } from 'node:fs'
import t from 'tap'
import { AMI_READ_EVENTS, CALL_EVENTS_NOT_READ, eventsStillMade } from '../../src/domain/ami-events.js'

t.test('every call event ringlead never reads is still made while none is disabled', async (t) => {
  t.same(eventsStillMade([]), [...CALL_EVENTS_NOT_READ])
  t.ok(eventsStillMade([]).includes('VarSet'), 'VarSet: 36 a call on the bench')
})

t.test('disabled events are left out; others disabled (of no call) change nothing', async (t) => {
  t.same(eventsStillMade([...CALL_EVENTS_NOT_READ]), [])
  t.same(eventsStillMade([...CALL_EVENTS_NOT_READ, 'Reload', 'FullyBooted']), [])
  t.same(eventsStillMade(['VarSet', 'Newexten']), CALL_EVENTS_NOT_READ.filter((n) => n !== 'VarSet' && n !== 'Newexten'))
})

t.test('names are matched as Asterisk matches them: case-sensitive', async (t) => {
  t.ok(eventsStillMade(['varset']).includes('VarSet'), 'Asterisk would not disable "varset"')
})

t.test('no event ringlead reads is on the list an admin is told to disable', async (t) => {
  for (const name of AMI_READ_EVENTS) t.notOk((CALL_EVENTS_NOT_READ as readonly string[]).includes(name), name)
})

t.test('the list written for Asterisk (the PBX page, the bench and integration configs) is the one the daemon checks', async (t) => {
  const root = new URL('../../', import.meta.url)
  for (const file of ['docs/pbx.md', 'bench/asterisk/asterisk-config/manager.conf', 'test/integration/asterisk/asterisk-config/manager.conf']) {
    const line = /^disabledevents = (.*)$/m.exec(readFileSync(new URL(file, root), 'utf8'))
    t.same(line?.[1]?.split(','), [...CALL_EVENTS_NOT_READ], file)
  }
})
