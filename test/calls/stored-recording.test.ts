// A recording is copied once Asterisk has closed it: a file still being written (MixMonitor's
// thread closes it a moment after the channel hangs up) or not there yet is asked for again, on the
// injected clock, until the settle time has passed.
import t from 'tap'
import type { AriLink } from '../../src/asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../../src/asterisk/errors.js'
import { fetchClosedRecording } from '../../src/calls/stored-recording.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const closed = (): Buffer => { const b = Buffer.alloc(44 + 160); b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(b.length - 8, 4); b.write('WAVE', 8, 'latin1'); return b }
const open = (): Buffer => { const b = closed(); b.writeUInt32LE(0, 4); return b }

/** An ARI that answers each fetch with the next reply. */
function ari (replies: Array<Buffer | 'missing'>): AriLink & { asked: number } {
  const link = {
    asked: 0,
    async storedRecordingFile (name: string): Promise<Buffer> {
      const r = replies[Math.min(link.asked++, replies.length - 1)]!
      if (r === 'missing') throw new AsteriskCommandFailed('get recording', name, 'Recording not found', { status: 404 })
      return r
    }
  }
  return link as unknown as AriLink & { asked: number }
}

const settle = async (clock: VirtualClock, until: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !until(); i++) await clock.advance(100)
}

t.test('a file still open, then missing for a moment, is fetched again until Asterisk has closed it', async (t) => {
  const clock = new VirtualClock()
  const link = ari([open(), 'missing', open(), closed()])
  let got: Awaited<ReturnType<typeof fetchClosedRecording>> | undefined
  void fetchClosedRecording(link, clock, 'call-caller', 5000).then((r) => { got = r })
  await settle(clock, () => got !== undefined)
  t.ok(got !== undefined && 'bytes' in got, 'the closed file')
  t.equal(link.asked, 4)
})

t.test('past the settle time it says why: still open, or not there', async (t) => {
  const clock = new VirtualClock()
  let got: Awaited<ReturnType<typeof fetchClosedRecording>> | undefined
  void fetchClosedRecording(ari([open()]), clock, 'x', 2000).then((r) => { got = r })
  await settle(clock, () => got !== undefined)
  t.match(got, { problem: /still being written by Asterisk after 2000 ms/, notFound: false })
  got = undefined
  void fetchClosedRecording(ari(['missing']), clock, 'y', 2000).then((r) => { got = r })
  await settle(clock, () => got !== undefined)
  t.match(got, { problem: 'Asterisk holds no such recording', notFound: true })
})

t.test('Asterisk\'s copy is removed once stored here; one it no longer holds is no problem, another failure is logged', async (t) => {
  const { dropAsteriskCopy } = await import('../../src/calls/stored-recording.js')
  const warnings: string[] = []
  const log = { warn: (_o: unknown, msg: string) => { warnings.push(msg) } } as unknown as Parameters<typeof dropAsteriskCopy>[2]
  const deleted: string[] = []
  await dropAsteriskCopy({ deleteStoredRecording: async (name: string) => { deleted.push(name) } }, 'call_1-mixed', log)
  t.same(deleted, ['call_1-mixed'])
  await dropAsteriskCopy({ deleteStoredRecording: async () => { throw new AsteriskCommandFailed('delete recording', 'x', 'Recording not found', { status: 404 }) } }, 'x', log)
  t.same(warnings, [], 'gone already: nothing to say')
  await dropAsteriskCopy({ deleteStoredRecording: async () => { throw new AsteriskCommandFailed('delete recording', 'y', 'Internal Server Error', { status: 500 }) } }, 'y', log)
  t.same(warnings, ['Asterisk\'s copy of the recording not removed'])
})

t.test('Asterisk\'s copies are removed in the background a few at a time, in order, every one of them; a failure does not stop the rest', async (t) => {
  const { AsteriskCopies } = await import('../../src/calls/stored-recording.js')
  const warnings: string[] = []
  const log = { warn: (_o: unknown, msg: string) => { warnings.push(msg) } } as unknown as ConstructorParameters<typeof AsteriskCopies>[1]
  const asked: string[] = []
  const answers: Array<() => void> = []
  let inFlight = 0
  let most = 0
  const copies = new AsteriskCopies({
    deleteStoredRecording: (name: string) => new Promise<void>((resolve, reject) => {
      asked.push(name)
      most = Math.max(most, ++inFlight)
      answers.push(() => { inFlight--; if (name === 'c2-mixed') reject(new AsteriskCommandFailed('delete recording', name, 'Internal Server Error', { status: 500 })); else resolve() })
    })
  }, log, 2)
  const names = ['c1-mixed', 'c1-caller', 'c1-operator', 'c2-mixed', 'c2-caller', 'c2-operator']
  for (const name of names) copies.drop(name)
  t.same(asked, ['c1-mixed', 'c1-caller'], 'two at once, the rest wait')
  t.equal(copies.pending, 6)
  for (let i = 0; i < 100 && answers.length > 0; i++) {
    answers.shift()!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  t.same(asked, names, 'each asked once, in order')
  t.equal(most, 2, 'never more than two in flight')
  t.equal(copies.pending, 0)
  t.same(warnings, ['Asterisk\'s copy of the recording not removed'], 'the failure logged, the others still removed')
  copies.drop('c3-mixed')
  t.same(asked.at(-1), 'c3-mixed', 'a later one goes at once when nothing waits')
})
