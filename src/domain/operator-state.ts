// Pure: what an operator can do right now, from Asterisk's view, ringlead's own calls and the pause flag.

export type Availability = 'available' | 'paused' | 'talking' | 'ringing' | 'wrap_up' | 'unregistered'

/** Asterisk device states as AMI and ARI name them. */
export type DeviceState = 'UNKNOWN' | 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD'

export interface OperatorSignals {
  paused: boolean
  /** From AMI DeviceStateChange; undefined until Asterisk told us. */
  deviceState?: DeviceState
  /** From AMI ContactStatus; undefined when unknown (static contacts never report). */
  registered?: boolean
  /** ringlead's own legs to this operator. */
  ringingLegs: number
  talkingLegs: number
  lastCallEndedMs: number | null
  /** Still on the line after a call, keying in its outcome. */
  inDisposition?: boolean
}

export interface AvailabilityDecision { state: Availability; reason: string }

export function decideAvailability (s: OperatorSignals, nowMs: number, wrapUpMs: number): AvailabilityDecision {
  if (s.paused) return { state: 'paused', reason: 'paused' }
  if (s.registered === false) return { state: 'unregistered', reason: 'phone not registered' }
  if (s.deviceState === 'UNAVAILABLE' || s.deviceState === 'INVALID') return { state: 'unregistered', reason: `phone ${s.deviceState.toLowerCase()}` }
  if (s.talkingLegs > 0) return { state: 'talking', reason: 'on a call' }
  if (s.inDisposition) return { state: 'wrap_up', reason: 'recording the call outcome' }
  if (s.deviceState === 'INUSE' || s.deviceState === 'BUSY' || s.deviceState === 'ONHOLD' || s.deviceState === 'RINGINUSE') {
    return { state: 'talking', reason: `on a call (phone ${s.deviceState.toLowerCase()})` }
  }
  if (s.ringingLegs > 0) return { state: 'ringing', reason: 'ringing' }
  if (s.deviceState === 'RINGING') return { state: 'ringing', reason: 'ringing (phone)' }
  if (s.lastCallEndedMs !== null && nowMs - s.lastCallEndedMs < wrapUpMs) {
    return { state: 'wrap_up', reason: `in wrap-up for ${Math.ceil((wrapUpMs - (nowMs - s.lastCallEndedMs)) / 1000)} s more` }
  }
  return { state: 'available', reason: 'free' }
}
