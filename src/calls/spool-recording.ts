// A recording Asterisk wrote on this machine's disk (RINGLEAD_RECORDINGS_SPOOL_DIR): once Asterisk
// has closed it, it is moved into the store (a rename on one filesystem), so its bytes never pass
// through ARI's HTTP server or this process, and there is no copy left in Asterisk's spool to remove.
// Asterisk writes a WAV's sizes when it closes the file, so the file's first bytes against its
// length on disk say whether it is closed, as they do for a file fetched over ARI.
import { close as closeCb, fstat as fstatCb, open as openCb, read as readCb } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Clock } from '../clock.js'
import type { RecordingStore } from './recording-store.js'
import { lookUntilSettled } from './stored-recording.js'
import { WAV_HEADER_SPAN_BYTES, wavCompleteAt } from './wav-duration.js'

// The callback forms, as in recording-store.ts: no FileHandle object per file.
const open = promisify(openCb)
const read = promisify(readCb)
const fstat = promisify(fstatCb)
const close = promisify(closeCb)

export type Taken =
  | { path: string; bytes: number; head: Buffer }
  /** The spool has no such file or ringlead may not read or move it: fetch it over ARI instead. */
  | { fallBack: string }
  /** `closed`: Asterisk had finished the file and only moving it failed. */
  | { problem: string; closed: boolean }

/** The file's first bytes (its header) and its length now. */
export async function readHead (path: string): Promise<{ head: Buffer; size: number }> {
  const fd = await open(path, 'r')
  try {
    const head = Buffer.alloc(WAV_HEADER_SPAN_BYTES)
    const { bytesRead } = await read(fd, head, 0, head.length, 0)
    const { size } = await fstat(fd)
    return { head: head.subarray(0, bytesRead), size }
  } finally {
    await close(fd)
  }
}

/**
 * A file this process moved into the store before it could write so (it stopped in between): the
 * store's copy under the day `atMs` names, or null.
 */
export async function findTaken (store: RecordingStore, name: string, atMs: number): Promise<{ path: string; bytes: number; head: Buffer } | null> {
  const path = store.relativePath(name, atMs)
  try {
    const { head, size } = await readHead(join(store.dir, path))
    return wavCompleteAt(head, size) ? { path, bytes: size, head } : null
  } catch {
    return null
  }
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code

/**
 * Waits (100 ms, then longer pauses up to 1 s) until Asterisk has closed `<spoolDir>/<name>.wav`
 * or `waitMs` passed, then moves it into the store under the day `atMs` names (`keepInAsterisk`:
 * copies it, and Asterisk keeps its own).
 */
export async function takeFromSpool (o: { spoolDir: string; name: string; store: RecordingStore; atMs: number; clock: Clock; waitMs: number; keepInAsterisk?: boolean }): Promise<Taken> {
  const from = join(o.spoolDir, `${o.name}.wav`)
  return await lookUntilSettled<Taken>(o.clock, o.waitMs, async () => {
    let got: { head: Buffer; size: number }
    try {
      got = await readHead(from)
    } catch (err) {
      // Asterisk makes a file when its recording starts: none there means this directory is not
      // where Asterisk writes (or the file was taken already); ARI knows which.
      return { settled: { fallBack: code(err) === 'ENOENT' ? `not in ${o.spoolDir}` : (err as Error).message } }
    }
    if (!wavCompleteAt(got.head, got.size)) return { notYet: { problem: `still being written by Asterisk after ${o.waitMs} ms`, closed: false } }
    try {
      const moved = await o.store.adopt(o.name, o.atMs, from, got.size, o.keepInAsterisk === true)
      return { settled: { ...moved, head: got.head } }
    } catch (err) {
      const c = code(err)
      if (c === 'EACCES' || c === 'EPERM' || c === 'EROFS') return { settled: { fallBack: (err as Error).message } }
      return { settled: { problem: (err as Error).message, closed: true } }
    }
  })
}
