// The in-process event bus: calls publish, leads, speech and the console subscribe.
import { EventEmitter } from 'node:events'
import type { CallEnded, CallOffered, CallStarted, OperatorStateChanged, QueueChanged } from './domain/call-events.js'
import type { QaFinding } from './domain/qa.js'

/**
 * A severe script finding (profanity, rudeness): the supervisor hears at once. `live`: found while
 * the call still goes on (its score comes with the full transcript: null until then).
 */
export interface QaAlert { callId: string; score: number | null; findings: QaFinding[]; atMs: number; live?: boolean }

/** What lead events carry: the lead as it is after the change, and what changed. */
export interface LeadChanged {
  leadId: string
  lead: Record<string, unknown>
  change: { kind: string; from?: string | null; to?: string | null; reason?: string | null; actor: string }
  atMs: number
}

export interface BusEvents {
  'call.started': [CallStarted]
  'call.ended': [CallEnded]
  'call.offered': [CallOffered]
  /**
   * An inbound call's first operator ring left for Asterisk: `routingMs` from its StasisStart frame's
   * arrival on the WebSocket to the originate request handed to its socket (monotonic clock).
   */
  'call.routed': [{ callId: string; routingMs: number }]
  'operator.state': [OperatorStateChanged]
  /** A caller started or stopped waiting for a free operator: the whole line. */
  'queue.changed': [QueueChanged]
  /** An operator is rung for a waiting caller (null: no longer). */
  'queue.ringing': [{ callId: string; operatorId: string | null }]
  'lead.created': [LeadChanged]
  'lead.updated': [LeadChanged]
  'lead.status_changed': [LeadChanged]
  'lead.escalated': [LeadChanged]
  'disposition.recorded': [LeadChanged]
  'call.qa_alert': [QaAlert]
  /** The customer swore or was angry on a call (findings of kind `customer`; the operator's score is untouched). */
  'call.customer_alert': [QaAlert]
  /** Operators, skills, categories or tracking numbers changed in the database. */
  'catalog.changed': [{ what: 'operators' | 'categories' | 'tracking_numbers' | 'menus' }]
}

export class Bus extends EventEmitter<BusEvents> {
  constructor () {
    super({ captureRejections: true })
    this.setMaxListeners(100)
  }
}
