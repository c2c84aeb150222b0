// Domain events other parts subscribe to. Plain data: ids, numbers, times.

export interface CallEnded {
  callId: string
  direction: 'inbound' | 'outbound'
  status: 'answered' | 'missed' | 'abandoned' | 'interrupted' | 'failed'
  callerPhone: string | null
  callerRaw: string
  customerId: string | null
  did: string
  source: string | null
  categoryId: string | null
  answeredBy: string | null
  /** Operators rung, in order, with their results. */
  attempts: Array<{ operatorId: string; result: string }>
  startedAt: number
  answeredAt: number | null
  endedAt: number
  ringMs: number
  talkMs: number
  hangupBy: 'caller' | 'operator' | 'system' | null
  recordings: Array<{ kind: 'mixed' | 'caller' | 'operator'; name: string }>
  /** Outbound calls: the lead the call was made for, when it was made for one. */
  leadId?: string | null
  /**
   * Outbound calls: the customer's number as dialled. For outbound calls `callerRaw` is the
   * operator's endpoint and `did` the number dialled.
   */
  dialledPhone?: string | null
}

/** An operator's phone starts ringing for a call (the console pops the customer's card). */
export interface CallOffered {
  callId: string
  operatorId: string
  customerId: string | null
  direction: 'inbound' | 'outbound'
}

export interface CallStarted {
  callId: string
  callerPhone: string | null
  did: string
  source: string | null
  categoryId: string | null
  startedAt: number
}

export interface OperatorStateChanged {
  operatorId: string
  state: string
  reason: string
  atMs: number
}
