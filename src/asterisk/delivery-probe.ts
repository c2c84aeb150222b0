// Proof that the app's events reach the socket just opened. Asterisk 22 can lose the app's
// registration when the socket it replaces is torn down in the same moment as the new one
// registers: its log says "Replacing Stasis app 'ringlead'", then "Deactivating Stasis app", then
// "Inactive Stasis app 'ringlead' missed message" for every event after it. The new socket stays
// open and nothing reaches it, so calls under way would never end and new ones could not enter the
// app. After each connect one user event is sent to the app; when it does not come back in time the
// socket is given up and opened again, which registers the app anew.
import type { Logger } from 'pino'
import { withDeadline, type Clock } from '../clock.js'
import type { AriRest } from './ari-rest.js'
import { AsteriskCommandFailed } from './errors.js'

export interface DeliveryProbeOptions {
  /** Asks Asterisk to send the app a user event of this name (POST /events/user/{eventName}). */
  send: (eventName: string) => Promise<unknown>
  clock: Clock
  log: Logger
  timeoutMs: number
}

export class DeliveryProbe {
  private sent = 0
  private readonly waiting = new Map<string, () => void>()

  constructor (private readonly opts: DeliveryProbeOptions) {}

  /** True when the event answers a probe: nobody else reads it. */
  answered (event: { type?: unknown; eventname?: unknown }): boolean {
    if (event.type !== 'ChannelUserevent' || typeof event.eventname !== 'string') return false
    const done = this.waiting.get(event.eventname)
    if (done === undefined) return false
    done()
    return true
  }

  /**
   * Whether events reach the app: false when the probe did not come back in time, or Asterisk has
   * no such app. An Asterisk that could not be asked (a deadline, a refused request) proves nothing
   * either way, and the socket is kept: true.
   */
  async check (): Promise<boolean> {
    const name = `ringlead-probe-${++this.sent}`
    const back = new Promise<boolean>((resolve) => { this.waiting.set(name, () => { resolve(true) }) })
    try {
      await this.opts.send(name)
    } catch (err) {
      this.waiting.delete(name)
      const lost = err instanceof AsteriskCommandFailed && err.isNotFound
      this.opts.log[lost ? 'warn' : 'info']({ err: (err as Error).message }, lost ? 'Asterisk does not know the app' : 'ARI event delivery not checked')
      return !lost
    }
    try {
      return await withDeadline(this.opts.clock, this.opts.timeoutMs, back, () => false)
    } finally {
      this.waiting.delete(name)
    }
  }
}

/** Asks Asterisk to send the app a user event (ChannelUserevent) of this name: the probe's request. */
export async function sendUserEvent (rest: AriRest, app: string, eventName: string): Promise<unknown> {
  return await rest.send({
    command: 'send user event', target: eventName, method: 'POST', path: `events/user/${encodeURIComponent(eventName)}`,
    query: { application: app }, repeat: 'any-reset'
  })
}
