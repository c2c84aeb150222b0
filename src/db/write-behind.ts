// Writes of the call path that never wait on a locked database.
//
// A write is tried at once with no busy wait (busy_timeout 0 for that attempt). When another
// process holds the write lock (SQLITE_BUSY), the write is appended to a journal file next to the
// database (one JSON line per unit, fdatasync'd) and kept in memory; a timer on the injected clock
// retries with doubling delays until the database is free, then applies the whole backlog in one
// transaction, in the order it came, and empties the journal. While anything waits, later writes
// queue behind it, so a call's rows land in order. At start the journal left by a process that died
// meanwhile is replayed before anything else reads the calls.
//
// Every kind of write is registered by name with a function that applies it; the journal stores the
// name and its JSON arguments. Applying must be idempotent (inserts ignore a row already there,
// updates set values), because the process can die between the commit of a backlog and the
// truncation of its journal. Reads need nothing: under WAL a reader is not blocked by a writer.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { Logger } from 'pino'
import type { CancelTimer, Clock } from '../clock.js'
import type { Db } from './open.js'
import { runTransaction } from './prepared.js'

export interface WriteOp { kind: string; args: unknown }

interface Kind {
  apply: (args: never) => unknown
  /** Runs after the write is committed, with what `apply` returned. */
  after?: (args: never, result: never) => void
}

export interface WriteBehindOptions {
  db: Db
  /** Where writes wait while the database is locked; null keeps them in memory only (':memory:'). */
  journalPath: string | null
  clock: Clock
  log: Logger
  /** First retry delay; it doubles up to `retryMaxMs`. */
  retryBaseMs?: number
  retryMaxMs?: number
}

/** SQLITE_BUSY and its extended codes, SQLITE_LOCKED: someone else holds the lock. */
export function isBusy (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** Each connection's own busy timeout, as opened (openDb sets it once). */
const busyTimeouts = new WeakMap<Db['$client'], number>()

/** Read once per connection: every pragma is a statement compiled anew. */
function busyTimeoutOf (sqlite: Db['$client']): number {
  let ms = busyTimeouts.get(sqlite)
  if (ms === undefined) busyTimeouts.set(sqlite, ms = Number(sqlite.pragma('busy_timeout', { simple: true })))
  return ms
}

/**
 * Sets the connection's busy timeout. Compiled each time: SQLite applies this pragma when the
 * statement is compiled, so a prepared one would not; `exec` compiles and runs it in native code,
 * without the statement object and result rows of `pragma()` (0.6 µs against 3.3 µs, twice per write).
 */
function setBusyTimeout (sqlite: Db['$client'], ms: number): void {
  sqlite.exec(`PRAGMA busy_timeout = ${ms}`)
}

/**
 * Runs `fn` with no busy wait on the connection (a background writer that must not stall the event
 * loop while another process holds the lock); SQLITE_BUSY reaches the caller at once.
 */
export function withoutWaiting<T> (db: Db, fn: () => T): T {
  const sqlite = db.$client
  const busyTimeoutMs = busyTimeoutOf(sqlite)
  setBusyTimeout(sqlite, 0)
  try { return fn() } finally { setBusyTimeout(sqlite, busyTimeoutMs) }
}

export class WriteBehind {
  private readonly kinds = new Map<string, Kind>()
  private readonly backlog: WriteOp[][] = []
  private readonly sqlite: Db['$client']
  private readonly busyTimeoutMs: number
  private fd: number | null = null
  private unit: WriteOp[] | null = null
  private cancelRetry: CancelTimer | null = null
  private failures = 0
  private readonly waiters: Array<() => void> = []
  private stopped = false
  /** Writes of this turn of the event loop given to `later`, landing together after it. */
  private soon: WriteOp[][] = []
  private soonScheduled = false
  /** While set, the writes given to `later` wait for `releaseLater` (or any other write, which lands them first). */
  private laterHeld = false

  constructor (private readonly opts: WriteBehindOptions) {
    this.sqlite = opts.db.$client
    this.busyTimeoutMs = busyTimeoutOf(this.sqlite)
  }

  /** Names a kind of write and how to apply it (and what to do once it is committed). */
  register<A, R> (kind: string, apply: (args: A) => R, after?: (args: A, result: R) => void): void {
    this.kinds.set(kind, { apply: apply as Kind['apply'], after: after as Kind['after'] })
  }

  /** Writes waiting for the database. */
  get pending (): number { return this.backlog.reduce((n, u) => n + u.length, 0) }

  /**
   * Applies the write now when nothing waits and the database is free, else keeps it for later.
   * Returns whether it is in the database now.
   */
  submit (op: WriteOp): boolean {
    if (this.unit !== null) {
      this.unit.push(op)
      return false
    }
    // The writes given to `later` land first: in this write's transaction (one commit, not two).
    if (this.soon.length > 0 && this.backlog.length === 0 && !this.sqlite.inTransaction) {
      const units = [...this.soon, [op]]
      try {
        this.attempt(units, false)
        this.soon = []
        return true
      } catch (err) {
        if (isBusy(err)) {
          this.soon = []
          for (const ops of units) this.keep(ops)
          return false
        }
        // Nothing landed: as apart, each `later` write on its own, then this one (its error to the caller).
      }
    }
    this.flushSoon()
    return this.submitUnit([op])
  }

  /**
   * A write that need not be in the database before this turn of the event loop ends: every such
   * write of the turn lands in one transaction right after it (one commit instead of one each).
   * Order with every other write is kept: any other write, and `flushed`, lands these first.
   */
  later (op: WriteOp): void {
    if (this.unit !== null) {
      this.unit.push(op)
      return
    }
    // Inside someone's transaction it lands (or not) with theirs, as `submit` does.
    if (this.sqlite.inTransaction) {
      this.flushSoon()
      this.applyDirect([op])
      return
    }
    this.soon.push([op])
    if (this.soonScheduled || this.laterHeld) return
    this.soonScheduled = true
    setImmediate(() => { if (this.sqlite.open && !this.laterHeld) this.flushSoon() })
  }

  /**
   * Holds the writes given to `later` until `releaseLater`: no commit of the call path lands while
   * the checkpointer copies the last frames of the WAL, so the next one starts it over (see
   * checkpointer.ts). Any other write, `flushed` and `stop` still land them first, in order.
   */
  holdLater (): void { this.laterHeld = true }

  releaseLater (): void {
    this.laterHeld = false
    this.soonScheduled = false
    if (this.sqlite.open) this.flushSoon()
  }

  /** Lands the writes given to `later` now. */
  flushSoon (): void {
    this.soonScheduled = false
    if (this.soon.length === 0) return
    const units = this.soon
    this.soon = []
    if (this.sqlite.inTransaction) {
      for (const ops of units) this.applyDirect(ops)
      return
    }
    if (this.backlog.length === 0) {
      try {
        this.attempt(units, false)
        return
      } catch (err) {
        if (!isBusy(err)) {
          // One write the database refuses must not take the others with it: each on its own.
          this.attempt(units, true)
          return
        }
      }
    }
    for (const ops of units) this.keep(ops)
  }

  /** Writes made inside `fn` land together or not at all (one transaction, one journal line). */
  together<T> (fn: () => T): T {
    if (this.unit !== null || this.sqlite.inTransaction) return fn()
    this.flushSoon()
    this.unit = []
    let result: T
    try {
      result = fn()
    } catch (err) {
      this.unit = null
      throw err
    }
    const ops = this.unit
    this.unit = null
    if (ops.length > 0) this.submitUnit(ops)
    return result
  }

  /** Resolves once nothing waits for the database. */
  flushed (): Promise<void> {
    this.flushSoon()
    if (this.backlog.length === 0) return Promise.resolve()
    return new Promise((resolve) => { this.waiters.push(resolve) })
  }

  /**
   * At start, before anything reads the calls: the writes a previous process journaled and did not
   * land are applied (or wait for the database like any other). Returns how many units were found.
   */
  replay (): number {
    const path = this.opts.journalPath
    if (path === null || !existsSync(path)) return 0
    const units: WriteOp[][] = []
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue
      try {
        units.push(JSON.parse(line) as WriteOp[])
      } catch {
        // Only the last line can be torn (the process died while appending it): that write never returned.
        this.opts.log.warn({ line: line.slice(0, 200) }, 'torn line in the write journal skipped')
      }
    }
    if (units.length === 0) return 0
    this.opts.log.warn({ units: units.length }, 'replaying writes journaled while the database was locked')
    this.backlog.push(...units)
    this.drain()
    return units.length
  }

  /** Stops retrying; what still waits stays in the journal for the next start. */
  stop (): void {
    this.flushSoon()
    this.stopped = true
    this.cancelRetry?.()
    this.cancelRetry = null
    if (this.backlog.length > 0) this.drain()
    if (this.backlog.length > 0) this.opts.log.warn({ pending: this.pending }, 'database still locked at stop: writes left in the journal for the next start')
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private submitUnit (ops: WriteOp[]): boolean {
    // Inside someone's transaction (or while a backlog is applied) the lock is theirs: write with them.
    if (this.sqlite.inTransaction) {
      this.applyDirect(ops)
      return true
    }
    if (this.backlog.length === 0) {
      try {
        this.attempt([ops], false)
        return true
      } catch (err) {
        if (!isBusy(err)) throw err
      }
    }
    this.keep(ops)
    return false
  }

  /**
   * One try at `units` with no busy wait; throws SQLITE_BUSY when someone holds the lock. Other
   * errors reach the writer, or with `isolate` (a backlog) drop only the unit the database refuses.
   */
  private attempt (units: WriteOp[][], isolate: boolean): void {
    let done: Array<() => void> = []
    setBusyTimeout(this.sqlite, 0)
    try {
      done = runTransaction(this.sqlite, () => units.flatMap((ops) => isolate ? this.applyIsolated(ops) : this.applyOps(ops)), 'immediate')
    } finally {
      setBusyTimeout(this.sqlite, this.busyTimeoutMs)
    }
    for (const f of done) f()
  }

  private applyDirect (ops: WriteOp[]): void {
    for (const f of this.applyOps(ops)) f()
  }

  /** Applies one unit; a unit that fails for another reason than the lock is logged and dropped, not retried for ever. */
  private applyIsolated (ops: WriteOp[]): Array<() => void> {
    try {
      return runTransaction(this.sqlite, () => this.applyOps(ops))
    } catch (err) {
      if (isBusy(err)) throw err
      this.opts.log.error({ err, ops: JSON.stringify(ops).slice(0, 2000) }, 'journaled write rejected by the database: dropped')
      return []
    }
  }

  private applyOps (ops: WriteOp[]): Array<() => void> {
    const after: Array<() => void> = []
    for (const op of ops) {
      const kind = this.kinds.get(op.kind)
      if (kind === undefined) throw new Error(`no write of kind ${op.kind} is registered`)
      const result = kind.apply(op.args as never)
      if (kind.after) after.push(() => { kind.after!(op.args as never, result as never) })
    }
    return after
  }

  private keep (ops: WriteOp[]): void {
    if (this.backlog.length === 0) this.opts.log.warn({ kind: ops[0]?.kind }, 'database locked: writes kept in the journal until it is free')
    this.backlog.push(ops)
    this.journal(ops)
    this.scheduleRetry()
  }

  private journal (ops: WriteOp[]): void {
    const path = this.opts.journalPath
    if (path === null) return
    this.fd ??= openSync(path, 'a')
    writeSync(this.fd, `${JSON.stringify(ops)}\n`)
    // The write survives a killed process once written; fdatasync makes it survive the machine too.
    fdatasyncSync(this.fd)
  }

  private scheduleRetry (): void {
    if (this.cancelRetry !== null || this.stopped) return
    const base = this.opts.retryBaseMs ?? 50
    const delayMs = Math.min(this.opts.retryMaxMs ?? 2000, base * 2 ** this.failures)
    this.cancelRetry = this.opts.clock.setTimeout(() => {
      this.cancelRetry = null
      this.drain()
    }, delayMs)
  }

  private drain (): void {
    if (this.backlog.length === 0) return
    try {
      this.attempt(this.backlog, true)
    } catch (err) {
      if (!isBusy(err)) throw err
      this.failures++
      this.scheduleRetry()
      return
    }
    const landed = this.pending
    this.backlog.length = 0
    this.failures = 0
    this.truncateJournal()
    this.opts.log.info({ writes: landed }, 'database free again: journaled writes landed')
    for (const resolve of this.waiters.splice(0)) resolve()
  }

  private truncateJournal (): void {
    const path = this.opts.journalPath
    if (path === null) return
    if (this.fd !== null) ftruncateSync(this.fd, 0)
    else if (existsSync(path)) closeSync(openSync(path, 'w'))
  }
}
