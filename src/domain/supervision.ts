// Listening in on a call: the three modes, the keys that switch between them on the supervisor's
// phone, and the snoop directions each mode asks of Asterisk on the operator's channel. A snoop's
// directions are the operator channel's: "in" is what the operator says, "out" what the operator
// hears; a whisper "out" reaches the operator only, "both" reaches the operator and the customer.
export const supervisionModes = ['listen', 'whisper', 'barge'] as const
export type SupervisionMode = typeof supervisionModes[number]

export type SnoopDirection = 'none' | 'in' | 'out' | 'both'

/** Keys on the supervisor's phone: 4 listen, 5 whisper to the operator, 6 barge in. */
export const modeKeys: Readonly<Record<string, SupervisionMode>> = { 4: 'listen', 5: 'whisper', 6: 'barge' }

export const snoopDirections: Readonly<Record<SupervisionMode, { spy: SnoopDirection; whisper: SnoopDirection }>> = {
  listen: { spy: 'both', whisper: 'none' },
  whisper: { spy: 'both', whisper: 'out' },
  barge: { spy: 'both', whisper: 'both' }
}

/** The mode a key asks for, or null when the key means nothing or asks for the mode already on. */
export function modeForKey (digit: string, current: SupervisionMode): SupervisionMode | null {
  const mode = Object.hasOwn(modeKeys, digit) ? modeKeys[digit]! : null
  return mode === current ? null : mode
}
