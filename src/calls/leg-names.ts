// The channels ringlead adds to a party's channel are named after it: the recording snoop (the ARI
// way of recording), and the live-alerts snoop with its external media leg. Whoever owns the party's
// channel owns them, so the squaring with Asterisk after a reconnect leaves them with their call.
// A call's conversation bridge is named after the call, so a restarted process can adopt it.

const recordingSnoop = '-snoop'
const liveSnoop = '-live'
const liveMedia = '-rtp'

export const recordingSnoopOf = (channelId: string): string => channelId + recordingSnoop
export const liveSnoopOf = (channelId: string): string => channelId + liveSnoop
export const liveMediaOf = (channelId: string): string => channelId + liveMedia

/** The party's channel a leg was made for; the channel itself when it is no such leg. */
export function partyChannelOf (channelId: string): string {
  for (const suffix of [recordingSnoop, liveSnoop, liveMedia]) if (channelId.endsWith(suffix)) return channelId.slice(0, -suffix.length)
  return channelId
}

/** The party's channel a recording snoop listens to; null for any other channel. */
export function recordedPartyOf (channelId: string): string | null {
  return channelId.endsWith(recordingSnoop) ? channelId.slice(0, -recordingSnoop.length) : null
}

const ours = 'rl-'
const callBridge = `${ours}br-`

export const callBridgeOf = (callId: string): string => callBridge + callId

/** The call a conversation bridge belongs to; null for any other bridge. */
export function callOfBridge (bridgeId: string): string | null {
  return bridgeId.startsWith(callBridge) ? bridgeId.slice(callBridge.length) : null
}

/** A bridge or channel ringlead named (any process of it, before a restart too). */
export const isOurs = (id: string): boolean => id.startsWith(ours)
