// Turns every ended call into a lead (call.ended → LeadService.fromCall) and lets the phone menu
// that follows a call find that call's lead.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { CallEnded } from '../domain/call-events.js'
import type { LeadService } from './lead-service.js'

export class CallLeads {
  private readonly byCall = new Map<string, string | null>()
  private readonly waiting = new Map<string, Array<(leadId: string | null) => void>>()

  constructor (private readonly leads: LeadService, private readonly log: Logger) {}

  subscribe (bus: Bus): void {
    // Off the emitting call's path: a call session's set-up never waits for lead bookkeeping.
    bus.on('call.ended', (e) => { setImmediate(() => { this.take(e) }) })
  }

  private take (e: CallEnded): void {
    {
      let leadId: string | null = null
      try {
        leadId = this.leads.fromCall(e)?.leadId ?? null
      } catch (err) {
        // The call is written; a lead that failed is logged with the call so nothing is silent.
        this.log.error({ err, callId: e.callId }, 'lead from call failed')
      }
      this.byCall.set(e.callId, leadId)
      for (const resolve of this.waiting.get(e.callId) ?? []) resolve(leadId)
      this.waiting.delete(e.callId)
      // Only the phone menu right after the call asks; keep the map small.
      setTimeout(() => { this.byCall.delete(e.callId) }, 10 * 60_000).unref()
    }
  }

  /** The lead made from a call, waiting for call.ended if it has not come yet. */
  leadOf (callId: string, timeoutMs: number): Promise<string | null> {
    if (this.byCall.has(callId)) return Promise.resolve(this.byCall.get(callId) ?? null)
    return new Promise((resolve) => {
      const timer = setTimeout(() => { resolve(null) }, timeoutMs)
      const list = this.waiting.get(callId) ?? []
      list.push((leadId) => { clearTimeout(timer); resolve(leadId) })
      this.waiting.set(callId, list)
    })
  }
}
