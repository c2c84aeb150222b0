// Starts bench/sim-process.ts as a child process and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SetupReport, SimCommand, SimReply, SimStats } from './sim-process.js'

export interface SimChild {
  ariUrl: string
  amiPort: number
  /** The simulator's stored-recordings directory: a spool on this machine's disk. */
  spoolDir: string
  pid: number
  request<T = unknown> (command: SimCommand, timeoutMs?: number): Promise<T>
  load (command: Extract<SimCommand, { cmd: 'load' | 'closed' | 'burst' | 'hold' }>, timeoutMs?: number): Promise<SetupReport>
  stats (): Promise<SimStats>
  close (): Promise<void>
}

const entry = fileURLToPath(new URL('./sim-process.ts', import.meta.url))
// RINGLEAD_BENCH_SIM_NODE_ARGS: extra node flags for the simulator's process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
const extraArgs = (process.env.RINGLEAD_BENCH_SIM_NODE_ARGS ?? '').split(' ').filter(Boolean)

export async function startSimChild (startTimeoutMs = 30_000): Promise<SimChild> {
  const child: ChildProcess = fork(entry, [], { execArgv: ['--import', 'tsx', ...extraArgs], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>()
  let seq = 0
  let exited = false
  const ready = new Promise<{ ariUrl: string; amiPort: number; spoolDir: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`simulator child not ready in ${startTimeoutMs} ms`)) }, startTimeoutMs)
    child.on('message', (m: SimReply) => {
      if (m.kind === 'ready') { clearTimeout(timer); resolve(m); return }
      const w = waiting.get(m.seq)
      if (!w) return
      waiting.delete(m.seq)
      clearTimeout(w.timer)
      if (m.kind === 'done') w.resolve(m.result)
      else w.reject(new Error(`simulator child: ${m.error}`))
    })
    child.once('exit', (code, signal) => {
      exited = true
      clearTimeout(timer)
      const err = new Error(`simulator child exited (code ${code}, signal ${signal})`)
      reject(err)
      for (const w of waiting.values()) { clearTimeout(w.timer); w.reject(err) }
      waiting.clear()
    })
  })
  let info: { ariUrl: string; amiPort: number; spoolDir: string }
  try {
    info = await ready
  } catch (err) {
    if (!exited) child.kill()
    throw err
  }
  const request = <T>(command: SimCommand, timeoutMs = 120_000): Promise<T> => new Promise<T>((resolve, reject) => {
    if (exited) { reject(new Error('simulator child has exited')); return }
    const n = ++seq
    const timer = setTimeout(() => {
      waiting.delete(n)
      reject(new Error(`simulator child: no answer to ${command.cmd} in ${timeoutMs} ms`))
    }, timeoutMs)
    waiting.set(n, { resolve: resolve as (v: unknown) => void, reject, timer })
    child.send({ seq: n, command })
  })
  return {
    ariUrl: info.ariUrl,
    amiPort: info.amiPort,
    spoolDir: info.spoolDir,
    pid: child.pid ?? -1,
    request,
    load: (command, timeoutMs) => request<SetupReport>(command, timeoutMs),
    stats: () => request<SimStats>({ cmd: 'stats' }),
    async close () {
      if (exited) return
      const gone = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
      await request({ cmd: 'close' }, 10_000).catch(() => undefined)
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL') }, 5000)
      await gone
      clearTimeout(timer)
    }
  }
}
