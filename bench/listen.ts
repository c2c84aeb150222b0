// Listening in: a supervisor's click (POST /api/calls/{callId}/listen over HTTP) → their phone rings
// in the simulator (its Dial RINGING on the wire), on one talking call; each round the supervisor
// rejects the ring and the next click comes once the session has ended.
import { performance } from 'node:perf_hooks'
import { startWorld, until } from '../test/helpers/world.js'
import { percentiles } from './stats.js'

export async function benchListen (rounds = Number(process.env.RINGLEAD_BENCH_LISTEN_ROUNDS ?? 200)): Promise<Record<string, string>> {
  const w = await startWorld({ http: { port: 0 } }, { listen: true })
  try {
    const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
    const headers = { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' }
    w.addOperator('101', { behaviour: { kind: 'answer', afterMs: 10 } })
    w.sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 3_600_000 } })
    const made = await fetch(`${base}/api/users`, { method: 'POST', headers, body: JSON.stringify({ username: 'boss', role: 'supervisor', password: 'a long password 123', phoneEndpoint: 'PJSIP/150' }) })
    const { userId } = await made.json() as { userId: string }
    const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
    const callId = await w.callOf(call.channelId)
    await w.talking(callId)

    let rangAt: number | null = null
    const add = w.sim.wire.add.bind(w.sim.wire)
    w.sim.wire.add = (entry) => {
      if (entry.kind === 'event' && entry.body.type === 'Dial' && entry.body.dialstatus === 'RINGING' && String((entry.body.peer as { name?: string }).name).startsWith('PJSIP/150-')) rangAt = performance.now()
      add(entry)
    }
    const ended = async (): Promise<number> => {
      const res = await fetch(`${base}/api/calls/${callId}`, { headers })
      return ((await res.json()) as { supervision: Array<{ kind: string }> }).supervision.filter((e) => e.kind === 'ended').length
    }
    const samples: number[] = []
    for (let i = 0; i < rounds; i++) {
      rangAt = null
      const t0 = performance.now()
      const res = await fetch(`${base}/api/calls/${callId}/listen`, { method: 'POST', headers, body: JSON.stringify({ userId, mode: 'listen' }) })
      if (res.status !== 202) throw new Error(`listen: ${res.status} ${await res.text()}`)
      await until('the supervisor phone rings', () => rangAt !== null, 30_000)
      samples.push(rangAt! - t0)
      w.hangUpPhone('150')
      await until('the session ended', async () => (await ended()) === i + 1, 30_000)
    }
    w.sim.hangup(call.channelId)
    const p = percentiles(samples)
    return {
      'click → supervisor phone rings p50 ms': p.p50.toFixed(1),
      'p90 ms': p.p90.toFixed(1),
      'p99 ms': p.p99.toFixed(1),
      'max ms': p.max.toFixed(1),
      rounds: String(p.n),
      target: 'p99 ≤ 300 ms'
    }
  } finally { await w.close() }
}
