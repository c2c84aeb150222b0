// The write-behind's journal: a file next to the database with one JSON line per unit of writes that
// has not landed yet, read back at the next start. Writes kept for a locked database may wait long:
// their lines are fdatasync'd. Writes waiting for the commit window wait milliseconds: their lines
// are only written, so like SQLite's own commits under synchronous=NORMAL they survive a killed
// process, not a power cut. Once what the file holds has landed it is emptied.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { Logger } from 'pino'

export interface WriteOp { kind: string; args: unknown }

export class WriteJournal {
  private fd: number | null = null
  /** Lines written since the file was last emptied (a commit with nothing journaled costs no syscall). */
  private written = false

  /** `path` null: nothing is kept on disk (':memory:'). */
  constructor (private readonly path: string | null, private readonly log: Logger) {}

  /** Appends one unit; `durable` waits for the disk too (fdatasync). */
  append (ops: WriteOp[], durable: boolean): void {
    if (this.path === null) return
    this.fd ??= openSync(this.path, 'a')
    writeSync(this.fd, `${JSON.stringify(ops)}\n`)
    this.written = true
    if (durable) fdatasyncSync(this.fd)
  }

  /** Everything journaled so far has landed: the file is emptied. */
  clear (): void {
    if (!this.written) return
    this.written = false
    if (this.fd !== null) ftruncateSync(this.fd, 0)
  }

  /** At start: the units a previous process left, in order; the file is emptied once they land (`clearLeft`). */
  left (): WriteOp[][] {
    if (this.path === null || !existsSync(this.path)) return []
    const units: WriteOp[][] = []
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue
      try {
        units.push(JSON.parse(line) as WriteOp[])
      } catch {
        // Only the last line can be torn (the process died while appending it): that write never returned.
        this.log.warn({ line: line.slice(0, 200) }, 'torn line in the write journal skipped')
      }
    }
    return units
  }

  /** The units read by `left` (and all journaled since) have landed. */
  clearLeft (): void {
    this.written = false
    if (this.path === null) return
    if (this.fd !== null) ftruncateSync(this.fd, 0)
    else if (existsSync(this.path)) closeSync(openSync(this.path, 'w'))
  }

  close (): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}
