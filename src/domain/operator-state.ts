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
  /** The device state was reported while ringlead's own legs to this phone were up. */
  deviceStateDuringOwnLegs?: boolean
}

const busyDeviceStates = new Set<DeviceState>(['INUSE', 'BUSY', 'ONHOLD', 'RINGINUSE', 'RINGING'])

/**
 * The device state that still says something, by the order things happened: a busy or ringing
 * state reported while ringlead's own legs to the phone were up is the echo of those legs, and
 * says nothing once they have all ended (a later report replaces it). Without this a phone freed
 * by ringlead's own hang-up would count as talking until Asterisk's next device state arrives.
 */
export function freshDeviceState (s: OperatorSignals): DeviceState | undefined {
  const state = s.deviceState
  if (state === undefined || !busyDeviceStates.has(state)) return state
  if (s.ringingLegs > 0 || s.talkingLegs > 0) return state
  return s.deviceStateDuringOwnLegs === true ? undefined : state
}

export interface AvailabilityDecision { state: Availability; reason: string }

export function decideAvailability (s: OperatorSignals, nowMs: number, wrapUpMs: number): AvailabilityDecision {
  const device = freshDeviceState(s)
  if (s.paused) return { state: 'paused', reason: 'paused' }
  if (s.registered === false) return { state: 'unregistered', reason: 'phone not registered' }
  if (device === 'UNAVAILABLE' || device === 'INVALID') return { state: 'unregistered', reason: `phone ${device.toLowerCase()}` }
  if (s.talkingLegs > 0) return { state: 'talking', reason: 'on a call' }
  if (s.inDisposition) return { state: 'wrap_up', reason: 'recording the call outcome' }
  if (device === 'INUSE' || device === 'BUSY' || device === 'ONHOLD' || device === 'RINGINUSE') {
    return { state: 'talking', reason: `on a call (phone ${device.toLowerCase()})` }
  }
  if (s.ringingLegs > 0) return { state: 'ringing', reason: 'ringing' }
  if (device === 'RINGING') return { state: 'ringing', reason: 'ringing (phone)' }
  if (s.lastCallEndedMs !== null && nowMs - s.lastCallEndedMs < wrapUpMs) {
    return { state: 'wrap_up', reason: `in wrap-up for ${Math.ceil((wrapUpMs - (nowMs - s.lastCallEndedMs)) / 1000)} s more` }
  }
  return { state: 'available', reason: 'free' }
}
