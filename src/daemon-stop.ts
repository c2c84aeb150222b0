// The clean stop, in the order that keeps every outcome: take nothing new, let live calls and the
// transcriptions in hand finish within the grace period (then hang up and write what is left, and hand
// unfinished transcriptions back to the queue), then close the links and the database.
import type { Logger } from 'pino'
import { systemClock, withDeadline } from './clock.js'
import { stopBudget } from './domain/stop-budget.js'

export interface StoppableParts {
  log: Logger
  /** Timers, schedules and feeds that only need to stop; called first. */
  quiet: () => Promise<void>
  /** Stops HTTP and FastAGI from accepting. */
  closeListeners: () => Promise<void>
  drainCalls: (callsMs: number, hangUpMs: number) => Promise<void>
  stopTranscription: (graceMs: number) => Promise<void>
  drainEscalations: () => Promise<void>
  /** Asterisk links, webhooks, the simulator, the database. */
  closeRest: () => Promise<void>
}

export async function stopInOrder (parts: StoppableParts, graceMs: number, callsAreSynthetic = false): Promise<void> {
  const budget = stopBudget(graceMs, callsAreSynthetic)
  const startedMs = systemClock.now()
  const step = async (name: string, ms: number, work: () => Promise<void>): Promise<void> => {
    const done = await withDeadline(systemClock, Math.max(0, ms), work().then(() => true), () => false)
    if (!done) parts.log.warn({ step: name, ms }, 'shutdown step ran out of time; going on')
  }
  parts.log.info({ graceMs, ...budget }, 'stopping: no new calls')
  const calls = parts.drainCalls(budget.callsMs, budget.hangUpMs)
  const speech = parts.stopTranscription(budget.speechMs)
  await parts.quiet()
  await Promise.all([step('listeners', budget.callsMs, parts.closeListeners), calls, speech])
  await step('escalations', budget.speechMs - (systemClock.now() - startedMs), parts.drainEscalations)
  await parts.closeRest()
  parts.log.info({ tookMs: systemClock.now() - startedMs }, 'stopped')
}
