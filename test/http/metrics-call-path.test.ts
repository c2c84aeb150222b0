// /metrics tells the truth about call set-up: the routing latency of each inbound call runs from
// its StasisStart frame to its first originate, on sub-millisecond buckets; the event loop's lag
// and ARI's command queue are there too.
import t from 'tap'
import { startWorld, until } from '../helpers/world.js'

const sample = (body: string, name: string): number | null => {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(body)
  return m ? Number(m[1]) : null
}

t.test('each inbound call that rings an operator adds one routing-latency sample, measured from its StasisStart frame', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addOperator('101')
  const before = (await w.daemon.app.inject('/metrics')).body
  t.equal(sample(before, 'ringlead_routing_latency_seconds_count'), 0)
  t.match(before, /ringlead_routing_latency_seconds_bucket\{le="0\.0001"\} 0/, 'buckets below a millisecond')

  for (const from of ['+79031110001', '+79031110002']) {
    const ended = w.ended()
    const call = w.sim.placeCall({ from, did: '74950000000' })
    await w.hangUpWhenRecorded(call.channelId)
    t.equal((await ended).status, 'answered')
  }
  // After call.ended ringlead still removes Asterisk's copies of the recordings: scrape once that is done.
  await until('no ARI command in flight', async () => sample((await w.daemon.app.inject('/metrics')).body, 'ringlead_ari_commands_in_flight') === 0)
  const body = (await w.daemon.app.inject('/metrics')).body
  t.equal(sample(body, 'ringlead_routing_latency_seconds_count'), 2)
  const sum = sample(body, 'ringlead_routing_latency_seconds_sum')
  t.ok(sum !== null && sum > 0, 'a positive time: the frame arrived before the originate left')
  t.match(body, /ringlead_event_loop_lag_seconds\{quantile="0\.99"\} [0-9.e+-]+/)
  t.equal(sample(body, 'ringlead_ari_commands_waiting_for_socket'), 0)
  t.ok((sample(body, 'ringlead_ari_socket_wait_seconds_count') ?? 0) > 0, 'each command\'s wait for a socket observed')
})
