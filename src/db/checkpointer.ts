// WAL checkpoints off the event loop. By default SQLite checkpoints inside whichever commit pushes the
// WAL past 1,000 pages: that commit copies the pages into the database file and fsyncs it twice, on
// the main thread, in the middle of a call's set-up. Here the daemon's connection never checkpoints
// (wal_autocheckpoint 0); a worker thread with its own connection runs a PASSIVE checkpoint (it
// never blocks a reader or a writer) each time the injected clock says so. Pages written many times
// between two checkpoints are copied once. If the worker fails, the connection checkpoints itself
// again, as SQLite does by default, so the WAL never grows without bound.
//
// The WAL starts over from its beginning only when a write begins while every frame in it has been
// copied. Under writes that never pause (40 calls/s is a commit every few ms) some commit always
// lands while a checkpoint copies, so the WAL grew by every page written, 12 MB a second, and
// every commit wrote into new file space. When a checkpoint leaves `restartAfterPages` or more
// behind it, the call path's deferred writes are held (in memory, `holdMaxMs` at most) for a second
// checkpoint, which copies the few frames written meanwhile; the first write after it starts the WAL over.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { CancelTimer, Clock } from '../clock.js'
import type { Db } from './open.js'

export interface CheckpointResult { busy: number; walPages: number; checkpointed: number; ms: number }

// CommonJS run by the worker as is (no TypeScript loader in a worker): open, checkpoint on request, close.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true })
parentPort.on('message', (m) => {
  if (m === 'stop') { db.close(); parentPort.close(); return }
  const t0 = performance.now()
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ busy: r.busy, walPages: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0 })
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) })
  }
})
`

/** Who holds the writes that can wait (the write-behind's `later`) while the WAL is made to start over. */
export interface QuietWrites { hold: () => void; release: () => void }

export interface CheckpointerOptions {
  db: Db
  /** The database file (not ':memory:'). */
  path: string
  clock: Clock
  log: Logger
  everyMs: number
  /** Without it the WAL starts over only when no write happens to land during a checkpoint. */
  quiet?: QuietWrites
  /** A WAL this long after a checkpoint is made to start over (SQLite's own threshold: 1,000 pages). */
  restartAfterPages?: number
  /** The longest the writes are held for it. */
  holdMaxMs?: number
}

export class Checkpointer {
  private worker: Worker | null = null
  private cancel: CancelTimer | null = null
  private waiting: ((r: CheckpointResult | null) => void) | null = null
  private stopped = false
  /** The last checkpoint's figures (health, tests). */
  last: CheckpointResult | null = null
  /** Times the writes were held for the WAL to start over. */
  holds = 0

  constructor (private readonly opts: CheckpointerOptions) {}

  start (): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(workerSource, { eval: true, workerData: { path: this.opts.path, driver } })
    this.worker = worker
    worker.unref()
    worker.on('message', (m: CheckpointResult | { error: string }) => {
      if ('error' in m) this.opts.log.warn({ err: m.error }, 'WAL checkpoint failed; tried again at the next one')
      else this.last = m
      const done = this.waiting
      this.waiting = null
      done?.('error' in m ? null : m)
    })
    worker.on('error', (err) => { this.fallBack(err) })
    worker.on('exit', (code) => { if (!this.stopped) this.fallBack(new Error(`checkpoint worker exited with ${code}`)) })
    this.opts.db.$client.pragma('wal_autocheckpoint = 0')
    this.schedule()
  }

  /** Runs one checkpoint now; resolves with its figures (null when it failed or the worker is gone). */
  checkpoint (): Promise<CheckpointResult | null> {
    if (this.worker === null || this.waiting !== null) return Promise.resolve(null)
    return new Promise((resolve) => {
      this.waiting = resolve
      this.worker!.postMessage('checkpoint')
    })
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.cancel?.()
    this.cancel = null
    const worker = this.worker
    this.worker = null
    if (worker === null) return
    const exited = new Promise<void>((resolve) => { worker.once('exit', () => { resolve() }) })
    worker.postMessage('stop')
    // A checkpoint in progress finishes first; one stuck on the disk does not hold up the stop.
    const timer = setTimeout(() => { void worker.terminate() }, 5000)
    await exited
    clearTimeout(timer)
    this.waiting?.(null)
  }

  private schedule (): void {
    if (this.stopped || this.worker === null) return
    this.cancel = this.opts.clock.setTimeout(() => {
      this.cancel = null
      void this.tick().finally(() => { this.schedule() })
    }, this.opts.everyMs)
  }

  /** A checkpoint; a second one with the writes held when writes kept the WAL from starting over. */
  private async tick (): Promise<void> {
    const first = await this.checkpoint()
    const quiet = this.opts.quiet
    if (first === null || quiet === undefined || first.busy !== 0 || first.walPages < (this.opts.restartAfterPages ?? 1000)) return
    this.holds++
    quiet.hold()
    let cancelDeadline: CancelTimer | null = null
    // A disk that stalls the checkpoint does not hold the writes for longer than this.
    const deadline = new Promise<null>((resolve) => { cancelDeadline = this.opts.clock.setTimeout(() => { resolve(null) }, this.opts.holdMaxMs ?? 100) })
    try {
      await Promise.race([this.checkpoint(), deadline])
    } finally {
      cancelDeadline!()
      quiet.release()
    }
  }

  private fallBack (err: Error): void {
    if (this.worker === null) return
    this.worker = null
    this.cancel?.()
    this.cancel = null
    this.waiting?.(null)
    this.waiting = null
    this.opts.log.error({ err }, 'WAL checkpoint worker failed: the database checkpoints itself on commit again')
    if (this.opts.db.$client.open) this.opts.db.$client.pragma('wal_autocheckpoint = 1000')
  }
}
