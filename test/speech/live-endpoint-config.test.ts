// RINGLEAD_SPEECH_LIVE_ENDPOINT_MS: on at 400 ms by default, 0 turns it off, a value the windows
// cannot hold is refused with the variables named.
import t from 'tap'
import { loadConfig } from '../../src/config.js'

t.test('the endpoint tail: 400 ms by default, 0 = off, out of range refused', async (t) => {
  t.equal(loadConfig({}).speech.liveEndpointMs, 400)
  t.equal(loadConfig({ RINGLEAD_SPEECH_LIVE_ENDPOINT_MS: '0' }).speech.liveEndpointMs, 0)
  t.throws(() => loadConfig({ RINGLEAD_SPEECH_LIVE_ENDPOINT_MS: '10' }), /RINGLEAD_SPEECH_LIVE_ENDPOINT_MS.*endpoint 10 ms/)
  t.throws(() => loadConfig({ RINGLEAD_SPEECH_LIVE_ENDPOINT_MS: '4000' }), /endpoint 4000 ms: 0 \(off\) or from 20 ms to less than the window \(4000 ms\)/)
  t.equal(loadConfig({ RINGLEAD_SPEECH_LIVE_ENDPOINT_MS: '4000', RINGLEAD_SPEECH_LIVE_WINDOW_MS: '8000' }).speech.liveEndpointMs, 4000, 'fine with a longer window')
})
