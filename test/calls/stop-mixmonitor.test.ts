// StopMixMonitor after a call: a channel already gone (the usual case when a party hangs up) is
// expected and quiet; any other failure is logged with the channel and counted in /metrics.
import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'
import t from 'tap'
import type { AmiLink } from '../../src/asterisk/ami-link.js'
import type { AriLink } from '../../src/asterisk/ari-link.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut } from '../../src/asterisk/errors.js'
import { CallRecorder } from '../../src/calls/call-recorder.js'
import { AsteriskCopies } from '../../src/calls/stored-recording.js'
import type { RecordingStore } from '../../src/calls/recording-store.js'
import type { CallsRepo } from '../../src/db/calls-repo.js'
import { unexpectedErrorCounts } from '../../src/unexpected-errors.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

function capturedLog (): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done() } })
  return { log: pino({ level: 'debug' }, sink), lines }
}

/** Records one call by MixMonitor on `rl-caller`, then settles it with StopMixMonitor failing with `err`. */
async function settleWith (err: Error): Promise<Array<Record<string, unknown>>> {
  const { log, lines } = capturedLog()
  const ami = { connected: true, mixMonitor: async () => {}, stopMixMonitor: async () => { throw err } } as unknown as AmiLink
  // The files themselves are not the point here: fetching them fails at once.
  const ari = { storedRecordingFile: async () => { throw new Error('no file in this test') } } as unknown as AriLink
  const repo = { insertRecording: () => {}, updateRecording: () => {} } as unknown as CallsRepo
  let n = 0
  const recorder = new CallRecorder({
    ari, repo, store: {} as RecordingStore, log, clock: new VirtualClock(), newId: () => `rec-${++n}`,
    settleMs: 1000, snoopWaitMs: 1000, recording: { method: 'mixmonitor', ami: () => ami, mixMonitorDir: '/var/spool/asterisk/monitor', copies: new AsteriskCopies(ari, log) }
  }, 'call-1')
  await recorder.recordCall('bridge-1', 'rl-caller', 'rl-operator')
  await recorder.settle()
  return lines.filter((l) => l.where === 'StopMixMonitor')
}

const count = (): number => unexpectedErrorCounts().get('StopMixMonitor') ?? 0

t.test('a monitor whose channel is gone is expected; a stalled AMI is logged and counted', async (t) => {
  const before = count()
  t.same(await settleWith(new AsteriskCommandFailed('StopMixMonitor', '', 'No such channel', { protocol: 'AMI' })), [])
  t.same(await settleWith(new AsteriskCommandFailed('StopMixMonitor', '', 'Could not stop monitoring channel', { protocol: 'AMI' })), [])
  t.equal(count(), before, 'a channel already gone is not counted')

  const lines = await settleWith(new AsteriskCommandTimedOut('StopMixMonitor', '', 10_000, 'AMI'))
  t.match(lines, [{ level: 40, channelId: 'rl-caller', where: 'StopMixMonitor', err: { message: /no answer in 10000 ms/ } }])
  t.equal(count(), before + 1, 'counted for /metrics')
})
