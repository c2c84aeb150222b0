// What Asterisk 22 answers about a channel that has left: each is the channel gone, not a failure.
import t from 'tap'
import { AsteriskCommandFailed } from '../../src/asterisk/errors.js'

const fail = (status: number, message: string): AsteriskCommandFailed =>
  new AsteriskCommandFailed('add to bridge', 'rl-br-x', `${status} ${message}`, { status })

t.test('a channel that has left the Stasis app, or is not found, is gone', async (t) => {
  t.ok(fail(422, 'Channel not in Stasis application').isGone, 'addChannel on a channel that left Stasis')
  t.ok(fail(409, 'Channel not in Stasis application').isGone, 'answer on a channel that left Stasis')
  t.ok(fail(404, 'Channel not found').isGone)
  t.ok(fail(400, 'Channel not found').isGone, 'addChannel with an id Asterisk no longer has')
})

t.test('other refusals are not the channel leaving', async (t) => {
  t.notOk(fail(422, 'specified format is unknown on this system').isGone)
  t.notOk(fail(409, 'Bridge with id \'rl-br-x\' already exists').isGone)
  t.notOk(fail(500, 'Internal Server Error').isGone)
})
