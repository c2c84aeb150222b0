// The daemon's database: the connection, the call path's write-behind with its journal next to the
// file, and the checkpoints that run off the event loop (checkpointer.ts).
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { Checkpointer } from './checkpointer.js'
import { openDb, type Db } from './open.js'
import { WriteBehind } from './write-behind.js'

export interface DaemonDb {
  db: Db
  writes: WriteBehind
  /** Null for ':memory:' or with checkpoints left to SQLite (`checkpointEveryMs` 0). */
  checkpoints: Checkpointer | null
  /** Last: what waits for a locked database stays in the journal; then the connection closes. */
  close: () => Promise<void>
}

export function openDaemonDb (settings: { path: string; busyTimeoutMs: number; checkpointEveryMs: number }, clock: Clock, log: Logger): DaemonDb {
  const db = openDb(settings.path, settings.busyTimeoutMs)
  const inMemory = settings.path === ':memory:'
  const writes = new WriteBehind({ db, clock, log: log.child({ part: 'db-writes' }), journalPath: inMemory ? null : `${resolve(settings.path)}-writes.jsonl` })
  const checkpoints = inMemory || settings.checkpointEveryMs === 0
    ? null
    : new Checkpointer({ db, path: resolve(settings.path), clock, log: log.child({ part: 'db-checkpoints' }), everyMs: settings.checkpointEveryMs, quiet: { hold: () => { writes.holdLater() }, release: () => { writes.releaseLater() } } })
  checkpoints?.start()
  return {
    db, writes, checkpoints,
    async close () {
      writes.stop()
      await checkpoints?.stop()
      db.$client.close()
    }
  }
}
