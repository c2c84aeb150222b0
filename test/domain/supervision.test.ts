import t from 'tap'
import { modeForKey, snoopDirections } from '../../src/domain/supervision.js'

t.test('keys 4, 5 and 6 switch to listen, whisper and barge; the mode already on and other keys change nothing', async (t) => {
  t.equal(modeForKey('5', 'listen'), 'whisper')
  t.equal(modeForKey('6', 'whisper'), 'barge')
  t.equal(modeForKey('4', 'barge'), 'listen')
  t.equal(modeForKey('4', 'listen'), null)
  for (const key of ['1', '0', '#', '*', 'constructor', 'toString']) t.equal(modeForKey(key, 'listen'), null, `key ${key}`)
})

t.test('every mode spies both directions; only whisper and barge speak, whisper to the operator alone', async (t) => {
  t.same(snoopDirections, { listen: { spy: 'both', whisper: 'none' }, whisper: { spy: 'both', whisper: 'out' }, barge: { spy: 'both', whisper: 'both' } })
})
