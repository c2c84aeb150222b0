// Idle cost: the daemon as users start it (`npm start`: built-in simulator, demo operators), with the
// synthetic traffic off, measured over a window from /proc/<pid>/stat once the start's own work is
// done. Target: under 1 % of one core.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { printFigures } from './stats.js'

const root = resolve(import.meta.dirname, '..')
const ticksPerSecond = 100 // USER_HZ on Linux

/** CPU seconds the process has used (all its threads; its children are not included). */
function cpuSeconds (pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

export async function benchIdle (o: { operators?: number; settleSeconds?: number; windowSeconds?: number } = {}): Promise<Record<string, string>> {
  const operators = o.operators ?? 500
  const settleSeconds = o.settleSeconds ?? 20
  const windowSeconds = o.windowSeconds ?? Number(process.env.RINGLEAD_BENCH_IDLE_SECONDS ?? 60)
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-idle-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      RINGLEAD_DB_PATH: join(dir, 'ringlead.db'), RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
      RINGLEAD_DIALPLAN_INCLUDE_FILE: join(dir, 'extensions-ringlead.conf'), RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0',
      RINGLEAD_SIM_OPERATORS: String(operators), RINGLEAD_SIM_CALLS_PER_MINUTE: '0', RINGLEAD_LOG_LEVEL: 'warn'
    }
  })
  try {
    await new Promise<void>((ready, fail) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); if (out.includes('ringlead is running')) ready() })
      child.once('exit', (code) => { fail(new Error(`the daemon exited with ${code} before it was running`)) })
    })
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000))
    const pid = child.pid!
    const cpu0 = cpuSeconds(pid)
    const t0 = performance.now()
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000))
    const cpu1 = cpuSeconds(pid)
    const wallS = (performance.now() - t0) / 1000
    const pct = (100 * (cpu1 - cpu0)) / wallS
    return {
      'setup': `npm start with the built-in simulator, ${operators} operators, RINGLEAD_SIM_CALLS_PER_MINUTE=0, measured ${settleSeconds} s after "running"`,
      'window s': wallS.toFixed(0),
      'daemon CPU s in the window': (cpu1 - cpu0).toFixed(2),
      'daemon CPU % of one core (target < 1)': pct.toFixed(2),
      'daemon rss MB': rssMb(pid).toFixed(0)
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => { if (child.exitCode !== null) resolve(null); else child.once('exit', resolve) })
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('idle daemon: CPU with no calls', await benchIdle())
