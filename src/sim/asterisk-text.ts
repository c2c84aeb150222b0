// Wire formats Asterisk 22 uses in ARI/AMI payloads: timestamps, ids, hang-up cause texts.

/** "2026-11-23T09:19:41.392+0000": ISO-like, always UTC, millisecond precision, no colon in the offset. */
export function asteriskTimestamp (date: Date = new Date()): string {
  return date.toISOString().replace('Z', '+0000')
}

/** Q.850 cause texts as ast_cause2str() prints them (the subset a call center meets). */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format (incomplete number)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  127: 'Interworking, unspecified'
}

export function causeText (cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown'
}

/** SIP status Asterisk reports as tech_cause for a Q.850 cause it sent or received (only the ones the traces show). */
export function sipTechCause (cause: number): number | undefined {
  switch (cause) {
    case 17: return 486
    case 18: return 408
    case 19: return 480
    case 21: return 403
    default: return undefined
  }
}

/** DELETE /channels/{id}?reason=... names, as ari/resource_channels.c maps them. */
export const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 19,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26
}

/** The numeric channel state AMI prints next to ChannelStateDesc. */
export const AMI_STATE_NUMBER: Record<string, number> = {
  Down: 0, Rsrved: 1, OffHook: 2, Dialing: 3, Ring: 4, Ringing: 5, Up: 6, Busy: 7
}

/** Channel name suffix: 8 lowercase hex digits of a per-process counter, e.g. PJSIP/101-0000000a. */
export function channelSuffix (n: number): string {
  return n.toString(16).padStart(8, '0')
}
