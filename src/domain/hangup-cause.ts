// Pure: what a Q.850 hang-up cause (as Asterisk reports it) means for a ring attempt.

export type AttemptResult = 'answered' | 'no_answer' | 'busy' | 'unreachable' | 'congestion' | 'failed' | 'cancelled'

export function attemptResultOfCause (cause: number | null, dialStatus = ''): AttemptResult {
  switch (dialStatus) {
    case 'BUSY': return 'busy'
    case 'NOANSWER': return 'no_answer'
    case 'CHANUNAVAIL': return 'unreachable'
    case 'CONGESTION': return 'congestion'
    default:
  }
  switch (cause) {
    case 17: // user busy
    case 21: // call rejected: the operator declined on the phone
      return 'busy'
    case 19: // no answer while alerting (originate timeout)
    case 16: // normal clearing before answer
    case 0:
    case null:
      return 'no_answer'
    case 18: // no user responding: the phone never answered the INVITE
    case 20: // subscriber absent: not registered
    case 1: // unallocated number
    case 3: // no route to destination
    case 27: // destination out of order
      return 'unreachable'
    case 34: case 38: case 41: case 42: case 44: case 47:
      return 'congestion'
    default:
      return 'failed'
  }
}
