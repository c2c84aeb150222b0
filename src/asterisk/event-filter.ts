// Events ringlead never reads, turned off at Asterisk on every connect. ChannelVarset alone is about
// 35 of a plain call's 57 events (flow1 trace): each a full channel snapshot Asterisk serialises and
// we parse, for nothing. An Asterisk without event filters (before 13.26 / 16.3) answers 404 and
// sends everything, as before.
import type { Logger } from 'pino'
import type { AriRest } from './ari-rest.js'
import { AsteriskCommandFailed } from './errors.js'

export const UNREAD_EVENTS = ['ChannelVarset', 'ChannelConnectedLine', 'ChannelCallerId', 'ChannelDialplan'] as const

export async function dropUnreadEvents (rest: AriRest, app: string, log: Logger): Promise<void> {
  try {
    await rest.send({
      command: 'filter events of', target: app, method: 'PUT', path: `applications/${encodeURIComponent(app)}/eventFilter`,
      body: { disallowed: UNREAD_EVENTS.map((type) => ({ type })) }, repeat: 'any-reset'
    })
  } catch (err) {
    const level = err instanceof AsteriskCommandFailed && err.isNotFound ? 'info' : 'warn'
    log[level]({ err: (err as Error).message }, 'ARI event filter not set: every event is received')
  }
}
