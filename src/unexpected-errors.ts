// Errors a hang-up or clean-up path did not expect: each is logged and counted, and the counts are
// exported as ringlead_unexpected_errors_total{where} in /metrics. The path goes on either way.
import type { Logger } from 'pino'

/** Per place, since the process started (one process may run several daemons in tests). */
const counts = new Map<string, number>()

export function noteUnexpected (log: Logger, where: string, err: unknown, ids: Record<string, unknown> = {}): void {
  counts.set(where, (counts.get(where) ?? 0) + 1)
  log.warn({ ...ids, where, err }, 'unexpected error on a clean-up path')
}

export function unexpectedErrorCounts (): ReadonlyMap<string, number> { return counts }
