// The failures hang-up and clean-up commands expect: the channel or bridge is already gone (404, or
// 409/422 "not in Stasis application"; over AMI, StopMixMonitor's "No such channel"). Anything else
// is logged and counted.
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
  return ignoreUnless(isChannelGone, log, where, ids)
}

/**
 * StopMixMonitor's answers when the monitor has already ended with its channel: "No such channel"
 * once it hung up, "Could not stop monitoring channel" while it is hanging up (the audiohook is
 * detached first).
 */
export function isMonitorGone (err: unknown): boolean {
  return isMonitoredChannelGone(err) || (err instanceof AsteriskCommandFailed && /could not stop/i.test(err.asteriskMessage))
}

/** MixMonitor's and StopMixMonitor's answer when the channel has hung up. */
export function isMonitoredChannelGone (err: unknown): boolean {
  return err instanceof AsteriskCommandFailed && /no such channel/i.test(err.asteriskMessage)
}

/** `ignoreChannelGone` for StopMixMonitor. */
export function ignoreMonitorGone (log: Logger, where: string, ids: Record<string, unknown> = {}): (err: unknown) => false {
  return ignoreUnless(isMonitorGone, log, where, ids)
}

function ignoreUnless (expected: (err: unknown) => boolean, log: Logger, where: string, ids: Record<string, unknown>): (err: unknown) => false {
  return (err) => {
    if (!expected(err)) noteUnexpected(log, where, err, ids)
    return false
  }
}
