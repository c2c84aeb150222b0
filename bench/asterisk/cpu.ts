// CPU time of a process (all its threads) and of the whole machine, from /proc, in milliseconds.
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'

/** Linux's USER_HZ: 100 on every mainstream architecture. */
const TICK_MS = 10

/** utime + stime of the process, or null when it cannot be read. */
export function processCpuMs (pid: number | null): number | null {
  if (pid === null) return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return null // gone, or no /proc
  }
}

/** Busy and total CPU time of all cores since boot. */
export function machineCpuMs (): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0)
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0)
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS }
  } catch {
    return null
  }
}

/**
 * Time the process's threads spent ready to run but waiting for a core (the second field of
 * schedstat, ns), in ms: the main thread's alone for a Node process (its event loop), every
 * thread's for Asterisk. Null when it cannot be read (no schedstat, or gone).
 */
export function cpuWaitMs (pid: number | null, mainThreadOnly: boolean): number | null {
  if (pid === null) return null
  try {
    const tids = mainThreadOnly ? [String(pid)] : readdirSync(`/proc/${pid}/task`)
    let ns = 0
    let read = 0
    for (const tid of tids) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1])
        read++
      } catch { /* a thread that ended meanwhile */ }
    }
    return read > 0 && Number.isFinite(ns) ? ns / 1e6 : null
  } catch {
    return null
  }
}

export interface CpuWindow { stop (): { ms: Array<number | null>; waitMs: Array<number | null>; machineBusyPct: number | null; load1: number } }

/**
 * Starts counting for the given processes; stop() gives each one's CPU ms, its wait for a core
 * (see cpuWaitMs: `waitOf` says, process by process, whether every thread or the main thread alone
 * is counted; without it no wait is read) and the machine's busy share.
 */
export function cpuWindow (pids: Array<number | null>, waitOf?: Array<'all threads' | 'main thread'>): CpuWindow {
  const waits = (): Array<number | null> => pids.map((pid, i) => (waitOf?.[i] === undefined ? null : cpuWaitMs(pid, waitOf[i] === 'main thread')))
  const before = pids.map(processCpuMs)
  const w0 = waits()
  const m0 = machineCpuMs()
  const delta = (a: Array<number | null>, b: Array<number | null>): Array<number | null> => a.map((x, i) => (x === null || b[i] === null ? null : x - b[i]!))
  return {
    stop () {
      const after = pids.map(processCpuMs)
      const w1 = waits()
      const m1 = machineCpuMs()
      const machineBusyPct = m0 === null || m1 === null || m1.total === m0.total ? null : 100 * (m1.busy - m0.busy) / (m1.total - m0.total)
      return { ms: delta(after, before), waitMs: delta(w1, w0), machineBusyPct, load1: loadavg()[0]! }
    }
  }
}
