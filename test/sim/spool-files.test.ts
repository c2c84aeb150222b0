// The simulator's spool files: written off the event loop, yet read back at once, and a removal
// never overtaken by an earlier write of the same file.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SpoolFiles } from '../../src/sim/spool-files.js'

function folder (t: { teardown (fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-spool-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

t.test('a file written is read back at once, whole, and is on disk once flushed; its folder is made', async (t) => {
  const dir = folder(t)
  const files = new SpoolFiles()
  const path = join(dir, 'monitor', 'a.wav')
  files.write(path, Buffer.from('first'))
  files.write(path, Buffer.from('second, longer'))
  t.equal(files.read(path)?.toString(), 'second, longer', 'the last write is what a reader sees, before the disk has it')
  t.ok(files.exists(path))
  t.equal(files.size(path), 14)
  await files.flush()
  t.equal(readFileSync(path, 'utf8'), 'second, longer', 'writes of one file land in order')
  t.same(files.heldPaths(), [], 'nothing held once on disk')
  t.equal(files.read(path)?.toString(), 'second, longer', 'read from disk')
})

t.test('a removal waits for the writes before it; removing what is not there says so', async (t) => {
  const dir = folder(t)
  const files = new SpoolFiles()
  const path = join(dir, 'b.wav')
  files.write(path, Buffer.from('x'.repeat(100_000)))
  const removed = files.remove(path)
  t.notOk(files.exists(path), 'gone for readers at once')
  t.equal(files.read(path), undefined)
  t.equal(await removed, true)
  await files.flush()
  t.notOk(existsSync(path), 'the earlier write did not land after the removal')
  t.equal(await files.remove(path), false, 'nothing left to remove')
  t.equal(files.size(path), undefined)
})

t.test('a file written by someone else is read and removed from disk', async (t) => {
  const dir = folder(t)
  const files = new SpoolFiles()
  const path = join(dir, 'c.wav')
  writeFileSync(path, 'on disk')
  t.equal(files.read(path)?.toString(), 'on disk')
  t.equal(files.size(path), 7)
  t.equal(await files.remove(path), true)
  t.notOk(existsSync(path))
})
