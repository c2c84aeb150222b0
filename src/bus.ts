// The in-process event bus: calls publish, leads, speech and the console subscribe.
import { EventEmitter } from 'node:events'
import type { CallEnded, CallStarted, OperatorStateChanged } from './domain/call-events.js'

export interface BusEvents {
  'call.started': [CallStarted]
  'call.ended': [CallEnded]
  'operator.state': [OperatorStateChanged]
  /** Operators, skills, categories or tracking numbers changed in the database. */
  'catalog.changed': [{ what: 'operators' | 'categories' | 'tracking_numbers' }]
}

export class Bus extends EventEmitter<BusEvents> {
  constructor () {
    super({ captureRejections: true })
    this.setMaxListeners(100)
  }
}
