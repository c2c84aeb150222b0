// Every few minutes: expired recordings are removed (src/speech/recording-retention.ts). The job
// only passes the time in.
import type { Logger } from 'pino'

export function scheduleRecordingRetention (removeExpired: (nowMs: number) => Promise<number>, everyMinutes: number, now: () => number, log: Logger): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    removeExpired(now())
      .catch((err: unknown) => { log.error({ err }, 'recording retention failed') })
      .finally(() => { running = false })
  }, everyMinutes * 60_000)
  timer.unref()
  return () => { clearInterval(timer) }
}
