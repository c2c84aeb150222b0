// CPU use while a benchmark runs: the daemon's process and main thread, the simulator's main
// thread and the rest of the machine, read from process.cpuUsage() and /proc.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** CPU ms of one thread (the main thread when tid = pid), from /proc; null where /proc is missing. */
function threadCpuMs (pid: number, tid = pid): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime, 100 ticks per second
  } catch {
    return null
  }
}

/** Machine-wide busy and steal jiffies (all cores), from /proc/stat. */
function machineTicks (): { busy: number; steal: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu
    return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal }
  } catch {
    return null
  }
}

/** CPU use of both processes and of the machine over a window, as % of one core. */
export class CpuWindow {
  private readonly t0 = performance.now()
  private readonly proc0 = process.cpuUsage()
  private readonly main0 = threadCpuMs(process.pid)
  private readonly simMain0: number | null
  private readonly machine0 = machineTicks()
  constructor (private readonly simPid: number) { this.simMain0 = threadCpuMs(simPid) }
  read (): { wallMs: number; daemonPct: number; daemonMainPct: number | null; simMainPct: number | null; machineBusyPct: number | null; stealPct: number | null } {
    const wallMs = performance.now() - this.t0
    const p = process.cpuUsage(this.proc0)
    const main = threadCpuMs(process.pid)
    const simMain = threadCpuMs(this.simPid)
    const m = machineTicks()
    const pct = (cpuMs: number): number => 100 * cpuMs / wallMs
    const ticksPct = (ticks: number): number => 100 * ticks * 10 / wallMs // 100 ticks per second
    return {
      wallMs,
      daemonPct: pct((p.user + p.system) / 1000),
      daemonMainPct: main !== null && this.main0 !== null ? pct(main - this.main0) : null,
      simMainPct: simMain !== null && this.simMain0 !== null ? pct(simMain - this.simMain0) : null,
      machineBusyPct: m && this.machine0 ? ticksPct(m.busy - this.machine0.busy) : null,
      stealPct: m && this.machine0 ? ticksPct(m.steal - this.machine0.steal) : null
    }
  }
}

export const pctText = (n: number | null): string => (n === null ? 'n/a' : n.toFixed(0))
/** "process (main thread)" CPU, % of one core. */
export const cpuText = (total: number, main: number | null): string => `${total.toFixed(0)} (${pctText(main)})`
