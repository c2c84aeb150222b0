// A dropped ARI WebSocket must not end a call's live alerts: the squaring with Asterisk after the
// reconnect hangs up legs nobody owns, and the streams' snoop and external media legs are the call's.
import t from 'tap'
import { until } from '../helpers/world.js'
import { liveWorld } from './live-world.js'
import { sayPhrases } from './tone-engine.js'

t.test('after a WebSocket outage the call is still streamed: its live legs are not hung up as strays, and the operator\'s rudeness is alerted', async (t) => {
  const { w, alerts } = await liveWorld(t)
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  const callId = await w.callOf(call.channelId)
  const legs = (): string[] => w.sim.channels().map((c) => c.channelId).filter((id) => id.endsWith('-live') || id.endsWith('-rtp')).sort()
  // Each party's bridge holds its snoop and its external media leg once both are in the app.
  const liveBridges = (): string[] => w.sim.bridges().filter((b) => b.bridgeId.startsWith('rl-live-') && b.channelIds.length === 2).map((b) => b.bridgeId).sort()
  await until('both parties stream', () => w.sim.externalMedia().length === 2 && liveBridges().length === 2)
  const streamed = legs()
  t.equal(streamed.length, 4, 'a snoop and an external media leg per party')
  const bridges = liveBridges()

  const ari = w.daemon.ari
  const hungUp: string[] = []
  const hangup = ari.hangup.bind(ari)
  ari.hangup = async (channelId, ...rest) => { hungUp.push(channelId); return await hangup(channelId, ...rest) }
  const squared = w.daemon.center.squared
  w.sim.dropWebSockets()
  await until('squared with Asterisk after the reconnect', () => w.daemon.center.squared > squared)
  t.same(hungUp, [], 'nothing of the call hung up')
  t.same(legs(), streamed, 'the live legs are still up')
  t.same(liveBridges(), bridges, 'and their bridges')
  t.equal(w.sim.externalMedia().length, 2, 'both parties still stream')

  const operator = w.sim.channels().find((c) => c.endpoint === '101' && c.origin === 'originated')!
  w.sim.speak(operator.channelId, sayPhrases([{ hz: 700, ms: 700 }, { hz: 1100, ms: 700 }]))
  await until('a live alert after the outage', () => alerts.length > 0)
  t.match(alerts[0], { callId, live: true, findings: [{ ruleId: 'rudeness-en', speaker: 'operator', text: 'you idiot' }] })

  w.sim.hangup(call.channelId)
  t.equal((await ended).status, 'answered')
  await until('nothing left in Asterisk', () => w.sim.channels().length === 0 && w.sim.bridges().length === 0 && w.sim.externalMedia().length === 0)
})
