// Linux's SCHED_IDLE for a transcription worker: its threads run only on a core nothing else wants,
// below even nice 19 (which still takes a share of a core a call's events wait for). Node has no
// call for it; util-linux's chrt sets it. Threads made later (whisper.cpp's) inherit it.
import { execFileSync } from 'node:child_process'

/** Puts every thread of this process under SCHED_IDLE; returns why not, or null when done. */
export function runOnlyWhenIdle (pid: number = process.pid): string | null {
  if (process.platform !== 'linux') return `SCHED_IDLE is Linux's (this is ${process.platform})`
  try {
    execFileSync('chrt', ['--idle', '--all-tasks', '--pid', '0', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 2000 })
    return null
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer; message: string }
    return e.code === 'ENOENT' ? 'chrt (util-linux) not found' : (e.stderr?.toString().trim() || e.message)
  }
}
