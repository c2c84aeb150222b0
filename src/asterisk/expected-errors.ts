// The one failure hang-up and clean-up commands expect: the channel or bridge is already gone
// (404, or 409/422 "not in Stasis application"). Anything else is logged and counted.
import type { Logger } from 'pino'
import { noteUnexpected } from '../unexpected-errors.js'
import { AsteriskCommandFailed } from './errors.js'

export function isChannelGone (err: unknown): boolean {
  return err instanceof AsteriskCommandFailed && err.isGone
}

/**
 * For `.catch` on a clean-up command: resolves false either way, but an error other than "gone"
 * is logged (with `ids`, e.g. the call id) and counted under `where`.
 */
export function ignoreChannelGone (log: Logger, where: string, ids: Record<string, unknown> = {}): (err: unknown) => false {
  return (err) => {
    if (!isChannelGone(err)) noteUnexpected(log, where, err, ids)
    return false
  }
}
