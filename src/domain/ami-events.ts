/**
 * AMI events: the ones ringlead reads, and the ones a call makes by the dozen that it never reads.
 * While any AMI session is open Asterisk queues every event it makes and wakes each session for it,
 * whatever the session's filter; `disabledevents` in manager.conf stops them before that.
 */

/** The unsolicited events ringlead's AMI session reads (its Filter keeps only these). */
export const AMI_READ_EVENTS = ['DeviceStateChange', 'ContactStatus', 'PeerStatus', 'DialBegin', 'DialEnd', 'Hangup'] as const

/**
 * Events a call makes that ringlead never reads, most of them several times a call (36 VarSet on a
 * bench call): the list docs/pbx.md recommends for manager.conf's `disabledevents`.
 */
export const CALL_EVENTS_NOT_READ = [
  'Newchannel', 'Newstate', 'NewCallerid', 'NewConnectedLine', 'NewAccountCode', 'Newexten', 'VarSet', 'DialState',
  'HangupRequest', 'SoftHangupRequest', 'HangupHandlerRun', 'BridgeCreate', 'BridgeEnter', 'BridgeLeave', 'BridgeDestroy',
  'LocalBridge', 'RTCPSent', 'RTCPReceived', 'MusicOnHoldStart', 'MusicOnHoldStop', 'QueueMemberStatus', 'Cdr', 'CEL'
] as const

/** Of the events a call makes and ringlead never reads, those Asterisk still makes (names are case-sensitive, as in Asterisk). */
export function eventsStillMade (disabled: readonly string[]): string[] {
  const off = new Set(disabled)
  return CALL_EVENTS_NOT_READ.filter((name) => !off.has(name))
}
