// Local copies of recordings: by day, written whole (temp file, then rename), and the day's folder
// made again if it went between two calls.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { RecordingStore } from '../../src/calls/recording-store.js'

t.test('recordings land in their day\'s folder, whole; a folder removed meanwhile is made again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-recstore-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const store = new RecordingStore(dir)
  const at = Date.UTC(2026, 11, 3, 10, 0, 0)
  const first = await store.save('call_1-mixed', at, Buffer.from('RIFF1'))
  t.same(first, { path: join('2026', '12', '03', 'call_1-mixed.wav'), bytes: 5 })
  t.equal(readFileSync(join(dir, first.path), 'utf8'), 'RIFF1')
  t.notOk(existsSync(join(dir, `${first.path}.part`)), 'no temp file left')
  rmSync(join(dir, '2026'), { recursive: true })
  const second = await store.save('call_2-mixed', at, Buffer.from('RIFF2'))
  t.equal(readFileSync(join(dir, second.path), 'utf8'), 'RIFF2', 'the folder was made again')
})
