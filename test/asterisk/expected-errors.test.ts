// A hang-up that fails because the channel is already gone is expected and quiet; any other
// failure on that path is logged with the leg's id and counted in /metrics.
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { pino, type Logger } from 'pino'
import t from 'tap'
import type { AriLink } from '../../src/asterisk/ari-link.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut } from '../../src/asterisk/errors.js'
import { Bus } from '../../src/bus.js'
import { DialAttempt } from '../../src/calls/dial-attempt.js'
import { metricsRoute } from '../../src/http/metrics.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

function capturedLog (): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done() } })
  return { log: pino({ level: 'debug' }, sink), lines }
}

/** An ARI link whose hang-up fails with `err`. */
function failingAri (log: Logger, channelId: string, err: Error): AriLink {
  return { log, newChannelId: () => channelId, watchLeg: () => () => {}, hangup: async () => { throw err } } as unknown as AriLink
}

const counted = (body: string, where: string): number => {
  const m = new RegExp(`^ringlead_unexpected_errors_total\\{where="${where}"\\} (\\d+)$`, 'm').exec(body)
  return m ? Number(m[1]) : 0
}

t.test('a hang-up that times out is logged with the channel id and counted in /metrics; one of a gone channel is neither', async (t) => {
  const app = Fastify()
  await app.register(metricsRoute, { bus: new Bus(), now: () => 0 })
  t.teardown(() => app.close())
  const before = counted((await app.inject('/metrics')).body, 'dial attempt hangup')

  const { log, lines } = capturedLog()
  const gone = new DialAttempt(failingAri(log, 'rl-gone', new AsteriskCommandFailed('hangup', 'rl-gone', 'Channel not found', { status: 404 })), { endpoint: 'PJSIP/101', callerId: '', timeoutSeconds: 20, appArgs: 'dialed,x', guardMs: 1000 }, new VirtualClock())
  await gone.hangup()
  t.equal(gone.isGone, true)
  t.same(lines, [], 'a channel already gone is what a hang-up expects')
  t.equal(counted((await app.inject('/metrics')).body, 'dial attempt hangup'), before)

  const stalled = new DialAttempt(failingAri(log, 'rl-stalled', new AsteriskCommandTimedOut('hangup', 'rl-stalled', 10_000)), { endpoint: 'PJSIP/101', callerId: '', timeoutSeconds: 20, appArgs: 'dialed,x', guardMs: 1000 }, new VirtualClock())
  await stalled.hangup()
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 40, channelId: 'rl-stalled', where: 'dial attempt hangup', err: { message: /hangup rl-stalled failed: no answer in 10000 ms/ } })
  t.equal(counted((await app.inject('/metrics')).body, 'dial attempt hangup'), before + 1)
})
