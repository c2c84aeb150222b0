// Turns every ended call into a lead (call.ended → LeadService.fromCall) and lets the phone menu
// that follows a call find that call's lead. In the daemon the lead is made by CallOutcomes, in the
// same transaction as the call.ended webhook, and reported here with `made`.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { CallEnded } from '../domain/call-events.js'
import type { LeadService } from './lead-service.js'

/** How long a call's lead stays findable: only the phone menu right after the call asks. */
const keepMs = 10 * 60_000

export class CallLeads {
  /** callId → its lead, in the order calls ended (so the oldest are pruned from the front). */
  private readonly byCall = new Map<string, { leadId: string | null; atMs: number }>()
  private readonly waiting = new Map<string, Array<(leadId: string | null) => void>>()

  constructor (private readonly leads: LeadService, private readonly log: Logger, private readonly now: () => number) {}

  subscribe (bus: Bus): void {
    // Off the emitting call's path: a call session's set-up never waits for lead bookkeeping.
    bus.on('call.ended', (e) => { setImmediate(() => { this.take(e) }) })
  }

  private take (e: CallEnded): void {
    let leadId: string | null = null
    try {
      leadId = this.leads.fromCall(e)?.leadId ?? null
    } catch (err) {
      // The call is written; a lead that failed is logged with the call so nothing is silent.
      this.log.error({ err, callId: e.callId }, 'lead from call failed')
    }
    this.made(e.callId, leadId)
  }

  /** The lead made from a call (null: none): whoever waits for it hears now. */
  made (callId: string, leadId: string | null): void {
    const atMs = this.now()
    for (const [callId, entry] of this.byCall) {
      if (atMs - entry.atMs < keepMs) break
      this.byCall.delete(callId)
    }
    this.byCall.set(callId, { leadId, atMs })
    for (const resolve of this.waiting.get(callId) ?? []) resolve(leadId)
    this.waiting.delete(callId)
  }

  /** The lead made from a call, waiting for call.ended if it has not come yet. */
  leadOf (callId: string, timeoutMs: number): Promise<string | null> {
    const known = this.byCall.get(callId)
    if (known) return Promise.resolve(known.leadId)
    return new Promise((resolve) => {
      const timer = setTimeout(() => { resolve(null) }, timeoutMs)
      const list = this.waiting.get(callId) ?? []
      list.push((leadId) => { clearTimeout(timer); resolve(leadId) })
      this.waiting.set(callId, list)
    })
  }
}
