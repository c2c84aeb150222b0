// The channels ringlead adds to a party's channel are named after it: the recording snoop (the ARI
// way of recording), and the live-alerts snoop with its external media leg. Whoever owns the party's
// channel owns them, so the squaring with Asterisk after a reconnect leaves them with their call.

export const recordingSnoopOf = (channelId: string): string => `${channelId}-snoop`
export const liveSnoopOf = (channelId: string): string => `${channelId}-live`
export const liveMediaOf = (channelId: string): string => `${channelId}-rtp`

const suffixes = ['-snoop', '-live', '-rtp'] as const

/** The party's channel a leg was made for; the channel itself when it is no such leg. */
export function partyChannelOf (channelId: string): string {
  for (const suffix of suffixes) if (channelId.endsWith(suffix)) return channelId.slice(0, -suffix.length)
  return channelId
}

/** The party's channel a recording snoop listens to; null for any other channel. */
export function recordedPartyOf (channelId: string): string | null {
  return channelId.endsWith('-snoop') ? channelId.slice(0, -'-snoop'.length) : null
}
