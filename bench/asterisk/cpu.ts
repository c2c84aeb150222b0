// CPU time of a process (all its threads) and of the whole machine, from /proc, in milliseconds.
import { readFileSync } from 'node:fs'
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

export interface CpuWindow { stop (): { ms: Array<number | null>; machineBusyPct: number | null; load1: number } }

/** Starts counting for the given processes; stop() gives each one's CPU ms and the machine's busy share. */
export function cpuWindow (pids: Array<number | null>): CpuWindow {
  const before = pids.map(processCpuMs)
  const m0 = machineCpuMs()
  return {
    stop () {
      const after = pids.map(processCpuMs)
      const m1 = machineCpuMs()
      const ms = after.map((a, i) => (a === null || before[i] === null ? null : a - before[i]!))
      const machineBusyPct = m0 === null || m1 === null || m1.total === m0.total ? null : 100 * (m1.busy - m0.busy) / (m1.total - m0.total)
      return { ms, machineBusyPct, load1: loadavg()[0]! }
    }
  }
}
