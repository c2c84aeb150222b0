// `ringlead backup FILE` and `ringlead restore FILE`: a consistent copy of the database made with
// SQLite's online backup API while the daemon runs (it keeps writing meanwhile), with a manifest of
// the recordings it refers to (the audio itself is copied by the admin's file backup: rsync, tar).
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, copyFileSync, rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { RingleadError } from './errors.js'
import { runningDaemon, takeInstanceLock } from './instance-lock.js'

export interface BackupManifest {
  format: 1
  createdAt: string
  database: { file: string; bytes: number; sha256: string; calls: number; migrations: number }
  /** Recording files (relative to the recordings folder) when the backup was made. */
  recordings: { dir: string; files: Array<{ path: string; bytes: number }> }
}

export class BackupFailed extends RingleadError {
  constructor (message: string, cause?: unknown) { super('BACKUP_FAILED', message, { cause }) }
}

export const manifestPathOf = (backupFile: string): string => `${backupFile}.manifest.json`

function listFiles (dir: string, root = dir): Array<{ path: string; bytes: number }> {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name)
    if (e.isDirectory()) return listFiles(full, root)
    return e.isFile() ? [{ path: relative(root, full), bytes: statSync(full).size }] : []
  }).sort((a, b) => a.path.localeCompare(b.path))
}

async function sha256Of (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** What a database file holds, checked: integrity, calls, applied migrations. */
function inspect (path: string): { calls: number; migrations: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const check = db.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new BackupFailed(`${path} fails SQLite's integrity check: ${String(check)}`)
    const has = (table: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined
    if (!has('__drizzle_migrations')) throw new BackupFailed(`${path} is not a ringlead database (no migrations table)`)
    const count = (table: string): number => has(table) ? (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n : 0
    return { calls: count('calls'), migrations: count('__drizzle_migrations') }
  } finally {
    db.close()
  }
}

export async function backupDatabase (o: { dbPath: string; recordingsDir: string; target: string; nowMs: number }): Promise<BackupManifest> {
  const target = resolve(o.target)
  if (!existsSync(o.dbPath)) throw new BackupFailed(`no database at ${o.dbPath} (RINGLEAD_DB_PATH)`)
  if (existsSync(target)) throw new BackupFailed(`${target} exists; give a new file name`)
  mkdirSync(dirname(target), { recursive: true })
  const source = new Database(o.dbPath, { readonly: true, fileMustExist: true })
  const partial = `${target}.partial`
  try {
    // All pages in one step: one read transaction, so the copy is one moment of the database even
    // while the daemon writes (SQLite restarts a step a writer cut into).
    await source.backup(partial, { progress: () => 0x7fffffff })
  } catch (err) {
    rmSync(partial, { force: true })
    throw new BackupFailed(`backup of ${o.dbPath} failed: ${(err as Error).message}`, err)
  } finally {
    source.close()
  }
  renameSync(partial, target)
  const { calls, migrations } = inspect(target)
  const manifest: BackupManifest = {
    format: 1,
    createdAt: new Date(o.nowMs).toISOString(),
    database: { file: target, bytes: statSync(target).size, sha256: await sha256Of(target), calls, migrations },
    recordings: { dir: resolve(o.recordingsDir), files: listFiles(resolve(o.recordingsDir)) }
  }
  writeFileSync(manifestPathOf(target), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

export interface RestoreResult {
  calls: number
  /** Where the database that was there went (null: there was none). */
  previous: string | null
  /** Recordings the manifest lists that the recordings folder lacks (restore them from the file backup). */
  missingRecordings: string[]
}

/** Puts a backup in the database's place. Refuses while a daemon runs on it, and holds its lock meanwhile. */
export async function restoreDatabase (o: { dbPath: string; recordingsDir: string; source: string; nowMs: number }): Promise<RestoreResult> {
  const source = resolve(o.source)
  const dbPath = resolve(o.dbPath)
  const running = runningDaemon(dbPath)
  if (running !== null) throw new BackupFailed(`ringlead is running on ${dbPath} (pid ${running.pid}): stop it first, then restore`)
  if (!existsSync(source)) throw new BackupFailed(`no backup at ${source}`)
  const manifestPath = manifestPathOf(source)
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest : null
  if (manifest !== null && manifest.database.sha256 !== await sha256Of(source)) throw new BackupFailed(`${source} does not match its manifest (sha256 differs): not restored`)
  const { calls } = inspect(source)
  const lock = takeInstanceLock(dbPath, o.nowMs) // no daemon starts halfway through
  try {
    const stamp = new Date(o.nowMs).toISOString().replace(/[:.]/g, '-')
    let previous: string | null = null
    // The old database with its WAL and the call-path journal move aside together, never mixed with the backup.
    for (const suffix of ['', '-wal', '-shm', '-writes.jsonl']) {
      if (!existsSync(dbPath + suffix)) continue
      const aside = `${dbPath}.before-restore-${stamp}${suffix}`
      renameSync(dbPath + suffix, aside)
      if (suffix === '') previous = aside
    }
    const incoming = `${dbPath}.restoring`
    copyFileSync(source, incoming)
    renameSync(incoming, dbPath)
    const present = new Set(listFiles(resolve(o.recordingsDir)).map((f) => f.path))
    return { calls, previous, missingRecordings: (manifest?.recordings.files ?? []).map((f) => f.path).filter((p) => !present.has(p)) }
  } finally {
    lock.release()
  }
}
