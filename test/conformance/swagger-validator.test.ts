import t from 'tap'
import { ModelIndex, validateEvent, validateValue } from '../../src/sim/swagger-validator.js'

const index = new ModelIndex([{
  models: {
    Message: { properties: { type: { type: 'string', required: true } }, subTypes: ['Event'] },
    Event: { properties: { timestamp: { type: 'Date', required: true } }, subTypes: ['Ping'] },
    Ping: { properties: { peer: { type: 'Peer', required: true }, tags: { type: 'List[string]' } } },
    Peer: { properties: { state: { type: 'string', required: true, allowableValues: { valueType: 'LIST', values: ['Up', 'Down'] } }, n: { type: 'int' } } }
  }
}])

t.test('a valid event passes, with inherited properties and nested models', async (t) => {
  t.same(validateEvent({ type: 'Ping', timestamp: '2026-11-23T09:19:41.392+0000', peer: { state: 'Up', n: 3 }, tags: ['a'] }, index), [])
})

t.test('mismatches are reported with the JSON path of the offending value', async (t) => {
  t.same(validateEvent({ type: 'Ping', timestamp: '2026-11-23 09:19', peer: { state: 'Sideways', n: 1.5, extra: true }, tags: [1] }, index), [
    '$.timestamp: expected Date like 2026-11-23T09:19:41.392+0000, got "2026-11-23 09:19"',
    '$.peer.state: "Sideways" is not one of ["Up","Down"]',
    '$.peer.n: expected int, got 1.5',
    '$.peer.extra: not a property of Peer',
    '$.tags[0]: expected string, got 1'
  ])
  t.same(validateValue([{ n: 1 }], 'List[Peer]', index), ['$[0].state: required by Peer but missing'])
  t.same(validateEvent({ type: 'Nope' }, index), ['$.type: Nope is not a declared event model'])
})
