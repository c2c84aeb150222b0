// The channels ringlead adds to a party's channel are named after it: the recording snoop (the ARI
// way of recording), and the live-alerts snoop with its external media leg. Whoever owns the party's
// channel owns them, so the squaring with Asterisk after a reconnect leaves them with their call.

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
