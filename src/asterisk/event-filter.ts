// Only the events ringlead reads reach it: the Stasis app's filter allows those types and no others,
// set at Asterisk on every connect. ChannelVarset alone is about 35 of a plain call's 57 events
// (flow1 trace), and the bridge events (entered, left, destroyed: 5 of the 18 a call still sent) are
// read by nobody: each a full snapshot Asterisk serialises and we parse, for nothing. An Asterisk
// without event filters (before 13.26 / 16.3) answers 404 and sends everything, as before.
import type { Logger } from 'pino'
import type { AriRest } from './ari-rest.js'
import { AsteriskCommandFailed } from './errors.js'

/**
 * Every event type a handler reads: AriLink's router (ari-link.ts), and the connection's
 * ApplicationReplaced and ChannelUserevent (its delivery probe's answer). A type a new handler
 * reads must be added here, or Asterisk never sends it (test/asterisk/ari-connection.test.ts checks
 * the router against this list).
 */
export const READ_EVENTS = [
  'StasisStart', 'StasisEnd', 'ChannelStateChange', 'Dial', 'ChannelHangupRequest', 'ChannelDestroyed',
  'ChannelDtmfReceived', 'RecordingStarted', 'RecordingFinished', 'RecordingFailed',
  'PlaybackStarted', 'PlaybackFinished', 'ApplicationReplaced', 'ChannelUserevent'
] as const

export async function dropUnreadEvents (rest: AriRest, app: string, log: Logger): Promise<void> {
  try {
    await rest.send({
      command: 'filter events of', target: app, method: 'PUT', path: `applications/${encodeURIComponent(app)}/eventFilter`,
      // Both lists, so a disallowed list an earlier version of ringlead set does not linger.
      body: { allowed: READ_EVENTS.map((type) => ({ type })), disallowed: [] }, repeat: 'any-reset'
    })
  } catch (err) {
    const level = err instanceof AsteriskCommandFailed && err.isNotFound ? 'info' : 'warn'
    log[level]({ err: (err as Error).message }, 'ARI event filter not set: every event is received')
  }
}
