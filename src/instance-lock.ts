// One daemon per database: a lock file next to it names the running daemon (pid, URL, the embedded
// simulator's AMI port), so a second start says who holds it, `ringlead restore` refuses while a
// daemon runs, and the CLI finds the demo's simulated AMI.
import { randomBytes } from 'node:crypto'
import { mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, closeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { RingleadError } from './errors.js'

export interface RunningDaemon {
  pid: number
  startedAt: number
  /** The HTTP API once listening. */
  url: string | null
  /** The built-in simulator's AMI port (demo only), for `ringlead dialplan apply`. */
  simAmiPort: number | null
}

interface LockFile extends RunningDaemon { token: string }

export class AlreadyRunning extends RingleadError {
  constructor (readonly running: RunningDaemon, readonly lockPath: string, dbPath: string) {
    super('ALREADY_RUNNING', `ringlead is already running on ${dbPath} (pid ${running.pid}${running.url ? `, ${running.url}` : ''}). ` +
      'Stop it first, or give this one its own RINGLEAD_DB_PATH and ports (RINGLEAD_HTTP_PORT, RINGLEAD_AGI_PORT). ' +
      `If no ringlead runs, delete ${lockPath}.`)
  }
}

export const lockPathOf = (dbPath: string): string => `${resolve(dbPath)}.lock`

const isAlive = (pid: number): boolean => {
  // Our own pid in the file is a previous run's (a container restarts as pid 1 every time).
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // alive, owned by another user
  }
}

function readLock (path: string): LockFile | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    return JSON.parse(text) as LockFile
  } catch (err) {
    if (err instanceof SyntaxError) return null // half-written by a killed process: nobody holds it
    throw err
  }
}

/** The daemon holding `dbPath`, or null when none runs (a lock left by a killed one does not count). */
export function runningDaemon (dbPath: string): RunningDaemon | null {
  if (dbPath === ':memory:') return null
  const lock = readLock(lockPathOf(dbPath))
  if (lock === null || !isAlive(lock.pid)) return null
  return { pid: lock.pid, startedAt: lock.startedAt, url: lock.url, simAmiPort: lock.simAmiPort }
}

export interface InstanceLock {
  /** Adds what became known after the start (URL, simulator port). */
  update (info: Partial<Pick<RunningDaemon, 'url' | 'simAmiPort'>>): void
  release (): void
}

export function takeInstanceLock (dbPath: string, now: number): InstanceLock {
  if (dbPath === ':memory:') return { update () {}, release () {} }
  const path = lockPathOf(dbPath)
  mkdirSync(dirname(path), { recursive: true })
  let state: LockFile = { pid: process.pid, startedAt: now, url: null, simAmiPort: null, token: randomBytes(8).toString('hex') }
  const write = (): void => {
    // Whole or not at all: a reader never sees half a file.
    const tmp = `${path}.${state.token}`
    writeFileSync(tmp, JSON.stringify(state))
    renameSync(tmp, path)
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      try { writeFileSync(fd, JSON.stringify(state)) } finally { closeSync(fd) }
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const held = readLock(path)
      if (held !== null && isAlive(held.pid)) throw new AlreadyRunning(held, path, dbPath)
      if (attempt > 0) throw new AlreadyRunning(held ?? { pid: 0, startedAt: 0, url: null, simAmiPort: null }, path, dbPath)
      rmSync(path, { force: true }) // left by a daemon that was killed
    }
  }
  return {
    update (info) {
      state = { ...state, ...info }
      write()
    },
    release () {
      if (readLock(path)?.token === state.token) rmSync(path, { force: true })
    }
  }
}
