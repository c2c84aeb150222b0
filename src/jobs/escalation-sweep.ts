// Every few seconds: walk the SLA ladder. The job only passes the time in.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { EscalationRunner } from '../leads/escalation-runner.js'

export function scheduleEscalationSweep (runner: EscalationRunner, everySeconds: number, now: () => number, log: Logger): ScheduledTask {
  return cron.schedule(`*/${everySeconds} * * * * *`, () => {
    try {
      const claimed = runner.tick(now())
      if (claimed > 0) log.debug({ claimed }, 'escalation sweep')
    } catch (err) {
      log.error({ err }, 'escalation sweep failed')
    }
  }, { noOverlap: true, name: 'escalation-sweep' })
}
