// Recordings taken from Asterisk's spool on this machine's disk (RINGLEAD_RECORDINGS_SPOOL_DIR):
// a closed file is moved into the store (copied when Asterisk keeps its copies), one still being
// written is looked at again on the injected clock until the settle time, one that is not there is
// left to ARI, and across filesystems the file is copied whole before the spool's copy goes. Crash recovery finds a file moved just before
// a crash in the store and one still in the spool, and writes both down.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { AriLink } from '../../src/asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../../src/asterisk/errors.js'
import { Bus } from '../../src/bus.js'
import { CrashRecovery } from '../../src/calls/crash-recovery.js'
import { RecordingStore } from '../../src/calls/recording-store.js'
import { findTaken, takeFromSpool, type Taken } from '../../src/calls/spool-recording.js'
import { AsteriskCopies } from '../../src/calls/stored-recording.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb } from '../../src/db/open.js'
import { calls } from '../../src/db/schema.js'
import type { CallEnded } from '../../src/domain/call-events.js'
import { VirtualClock } from '../helpers/virtual-clock.js'
import { testLog } from '../helpers/world.js'

/** A WAV of `samples` 16-bit samples at 8 kHz; `open`: as Asterisk leaves it until it closes the file (sizes 0). */
function wav (samples: number, open = false): Buffer {
  const b = Buffer.alloc(44 + samples * 2)
  b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(open ? 0 : b.length - 8, 4); b.write('WAVE', 8, 'latin1')
  b.write('fmt ', 12, 'latin1'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22)
  b.writeUInt32LE(8000, 24); b.writeUInt32LE(16000, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34)
  b.write('data', 36, 'latin1'); b.writeUInt32LE(open ? 0 : samples * 2, 40)
  for (let i = 0; i < samples; i++) b.writeInt16LE((i * 37) % 2000, 44 + i * 2)
  return b
}

function dirs (t: Test, spoolParent = tmpdir()): { spool: string; store: RecordingStore } {
  const spool = mkdtempSync(join(spoolParent, 'ringlead-spool-'))
  const storeDir = mkdtempSync(join(tmpdir(), 'ringlead-store-'))
  t.teardown(() => { rmSync(spool, { recursive: true, force: true }); rmSync(storeDir, { recursive: true, force: true }) })
  return { spool, store: new RecordingStore(storeDir) }
}

/** Moves the virtual clock on while the real file operations between its timers finish. */
async function run (clock: VirtualClock, work: Promise<Taken>): Promise<Taken> {
  let got: Taken | undefined
  void work.then((r) => { got = r })
  for (let i = 0; i < 400 && got === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2))
    if (i % 5 === 4) await clock.advance(100)
  }
  if (got === undefined) throw new Error('not settled')
  return got
}

const at = Date.UTC(2026, 11, 6, 23, 59, 59)

t.test('a closed file is moved into the store under its day: the same bytes, none left in the spool', async (t) => {
  const { spool, store } = dirs(t)
  const clock = new VirtualClock()
  const bytes = wav(800)
  writeFileSync(join(spool, 'call_1-caller.wav'), bytes)
  const got = await run(clock, takeFromSpool({ spoolDir: spool, name: 'call_1-caller', store, atMs: at, clock, waitMs: 3000 }))
  if (!('path' in got)) { t.fail(JSON.stringify(got)); return }
  t.equal(got.path, join('2026', '12', '06', 'call_1-caller.wav'))
  t.equal(got.bytes, bytes.length)
  t.same(readFileSync(join(store.dir, got.path)), bytes, 'the same bytes')
  t.same(got.head.subarray(0, 44), bytes.subarray(0, 44), 'the header read')
  t.notOk(existsSync(join(spool, 'call_1-caller.wav')), 'no copy left in the spool')
  t.same(await findTaken(store, 'call_1-caller', at), got, 'found again where crash recovery looks')
  t.equal(await findTaken(store, 'call_2-caller', at), null)
})

t.test('with Asterisk\'s copies kept (recordings.keepInAsterisk) the file is copied and stays in the spool', async (t) => {
  const { spool, store } = dirs(t)
  const clock = new VirtualClock()
  const bytes = wav(600)
  writeFileSync(join(spool, 'call_4-caller.wav'), bytes)
  const got = await run(clock, takeFromSpool({ spoolDir: spool, name: 'call_4-caller', store, atMs: at, clock, waitMs: 3000, keepInAsterisk: true }))
  if (!('path' in got)) { t.fail(JSON.stringify(got)); return }
  t.same(readFileSync(join(store.dir, got.path)), bytes, 'the store holds the file')
  t.same(readFileSync(join(spool, 'call_4-caller.wav')), bytes, 'and so does Asterisk\'s spool')
  t.notOk(existsSync(join(store.dir, `${got.path}.part`)), 'no temporary file left')
})

t.test('a file Asterisk is still writing is looked at again until it is closed, or until the settle time', async (t) => {
  const { spool, store } = dirs(t)
  const clock = new VirtualClock()
  const path = join(spool, 'call_1-operator.wav')
  writeFileSync(path, wav(400, true))
  const start = clock.now()
  let closedAt = 0
  const work = takeFromSpool({ spoolDir: spool, name: 'call_1-operator', store, atMs: at, clock, waitMs: 5000 })
  // Asterisk closes it 300 ms later: its sizes written.
  clock.setTimeout(() => { writeFileSync(path, wav(400)); closedAt = clock.now() }, 300)
  const got = await run(clock, work)
  t.ok('path' in got, 'taken once closed')
  t.ok(closedAt > 0 && clock.now() - start >= 300, 'not before Asterisk closed it')
  t.equal(statSync(join(store.dir, (got as { path: string }).path)).size, 44 + 800)

  writeFileSync(join(spool, 'call_2-operator.wav'), wav(400, true))
  const late = await run(clock, takeFromSpool({ spoolDir: spool, name: 'call_2-operator', store, atMs: at, clock, waitMs: 1000 }))
  t.same(late, { problem: 'still being written by Asterisk after 1000 ms', closed: false })
  t.ok(existsSync(join(spool, 'call_2-operator.wav')), 'left where Asterisk writes it')
})

t.test('a file the spool does not hold is left to ARI', async (t) => {
  const { spool, store } = dirs(t)
  const clock = new VirtualClock()
  const got = await run(clock, takeFromSpool({ spoolDir: spool, name: 'call_9-caller', store, atMs: at, clock, waitMs: 3000 }))
  t.same(got, { fallBack: `not in ${spool}` })
  t.equal(clock.now(), new VirtualClock().now(), 'without waiting')
})

const other = '/dev/shm'
const apart = existsSync(other) && statSync(other).dev !== statSync(tmpdir()).dev
t.test('across filesystems the file is copied whole, then the spool\'s copy removed', { skip: apart ? false : `${other} is not a filesystem apart from ${tmpdir()} here` }, async (t) => {
  const { spool, store } = dirs(t, other)
  const clock = new VirtualClock()
  const bytes = wav(1600)
  writeFileSync(join(spool, 'call_3-caller.wav'), bytes)
  const got = await run(clock, takeFromSpool({ spoolDir: spool, name: 'call_3-caller', store, atMs: at, clock, waitMs: 3000 }))
  if (!('path' in got)) { t.fail(JSON.stringify(got)); return }
  t.same(readFileSync(join(store.dir, got.path)), bytes)
  t.notOk(existsSync(join(spool, 'call_3-caller.wav')), 'removed from the spool')
  t.notOk(existsSync(join(store.dir, `${got.path}.part`)), 'no temporary file left')
})

t.test('crash recovery writes down a file moved just before the crash and takes one still in the spool', async (t) => {
  const { spool, store } = dirs(t)
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const repo = new CallsRepo(db)
  const startedAt = Date.UTC(2026, 11, 6, 12, 0, 0)
  db.insert(calls).values({ callId: 'call_c', direction: 'inbound', status: 'talking', channelId: 'ch-c', callerRaw: '+79030000001', did: '74950000000', startedAt, answeredAt: startedAt + 2000 }).run()
  for (const kind of ['caller', 'operator'] as const) repo.insertRecording({ recordingId: `rec_${kind}`, callId: 'call_c', kind, name: `call_c-${kind}`, format: 'wav', status: 'recording', startedAt })
  await repo.writes.flushed()
  // The caller's file was moved into the store, and the process died before it wrote so.
  const moved = join(store.dir, store.relativePath('call_c-caller', startedAt))
  mkdirSync(join(moved, '..'), { recursive: true })
  writeFileSync(moved, wav(800))
  writeFileSync(join(spool, 'call_c-operator.wav'), wav(1200))

  const clock = new VirtualClock(startedAt + 60_000)
  const ari = {
    async storedRecordingFile (name: string): Promise<Buffer> { throw new AsteriskCommandFailed('get recording', name, 'Recording not found', { status: 404 }) },
    async deleteStoredRecording (): Promise<void> {}
  } as unknown as AriLink
  const bus = new Bus()
  const ended = new Promise<CallEnded>((resolve) => { bus.once('call.ended', resolve) })
  const recovery = new CrashRecovery({ ari, repo, store, bus, log: testLog, clock, recordingSettleMs: 0, copies: new AsteriskCopies(ari, testLog), spoolDir: spool })
  await recovery.settle()
  await repo.writes.flushed()
  const e = await ended
  t.same(e.recordings.map((r) => r.kind).sort(), ['caller', 'operator'], 'both in the call\'s outcome')
  const rows = repo.recordingsOf('call_c')
  for (const r of rows) t.match(r, { status: 'stored', path: join('2026', '12', '06', `${r.name}.wav`) }, `${r.kind} stored`)
  t.equal(rows.find((r) => r.kind === 'caller')!.bytes, 44 + 1600)
  t.equal(rows.find((r) => r.kind === 'operator')!.durationMs, 150, 'its length from the header')
  t.notOk(existsSync(join(spool, 'call_c-operator.wav')), 'taken from the spool')
})
