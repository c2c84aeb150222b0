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
  /** Attribution of a pool number's visit: utm_campaign and every utm field; null without a visit. */
  campaign?: string | null
  utm?: Record<string, string> | null
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
