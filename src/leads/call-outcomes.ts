// A call's outcome goes out once and durably: on call.ended, one transaction writes the call.ended
// webhook, the lead the call makes (a callback lead for a caller nobody answered), the transcription
// job, and the call's `outcome_published_at`. A call whose mark is missing after a crash is published
// by crash recovery; the mark makes that idempotent. The write goes through the WriteBehind, so a
// locked database delays it without holding up the call, and lands right after the turn that ended
// the call: the set-ups waiting in the same turn (the same WebSocket read) send their originates
// first, and calls ending in one turn share one commit. A crash before it lands loses nothing: the
// mark is missing, so crash recovery publishes the call.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { CallsRepo } from '../db/calls-repo.js'
import { isBusy } from '../db/write-behind.js'
import type { CallEnded } from '../domain/call-events.js'
import type { Outbox } from '../notify/outbox.js'
import type { CallLeads } from './call-leads.js'
import type { LeadService } from './lead-service.js'

export interface CallOutcomesDeps {
  calls: CallsRepo
  leads: LeadService
  callLeads: CallLeads
  outbox: Outbox
  log: Logger
  now: () => number
  /** More durable consequences of an ended call, written in the same transaction (transcription jobs). */
  alsoWith?: Array<(e: CallEnded) => void>
}

interface Published { leadId: string | null; skipped: boolean }

export class CallOutcomes {
  constructor (private readonly deps: CallOutcomesDeps) {
    deps.calls.writes.register('calls.outcome', (e: CallEnded) => this.write(e), (e: CallEnded, r: Published) => {
      if (!r.skipped) deps.callLeads.made(e.callId, r.leadId)
    })
  }

  subscribe (bus: Bus): void {
    bus.on('call.ended', (e) => { this.publish(e) })
  }

  publish (e: CallEnded): void {
    try {
      this.deps.calls.writes.later({ kind: 'calls.outcome', args: e })
    } catch (err) {
      this.deps.log.error({ err, callId: e.callId }, 'call outcome not written')
    }
  }

  /** Inside the write's transaction. */
  private write (e: CallEnded): Published {
    const d = this.deps
    if (!d.calls.claimOutcome(e.callId, d.now())) return { leadId: null, skipped: true }
    d.outbox.enqueue('call.ended', { ...e })
    let leadId: string | null = null
    try {
      if (e.continued !== true) leadId = d.leads.fromCall(e)?.leadId ?? null
    } catch (err) {
      if (isBusy(err)) throw err
      // The call and its webhook are written; a lead that failed is logged with the call so nothing is silent.
      d.log.error({ err, callId: e.callId }, 'lead from call failed')
    }
    for (const also of d.alsoWith ?? []) also(e)
    return { leadId, skipped: false }
  }
}
