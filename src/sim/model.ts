// The simulated Asterisk's objects and their ARI snapshots.
import { asteriskTimestamp } from './asterisk-text.js'

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up'

/**
 * How a channel came to be, which decides what Asterisk tells the app about it:
 * originated channels stay subscribed until destroyed (ChannelDestroyed is delivered);
 * channels that entered Stasis from the dialplan (inbound, snoop) are unsubscribed at StasisEnd;
 * channels of a call a phone dials itself (direct: the phone's leg and the trunk leg Dial() makes)
 * never meet the app and are seen over AMI only.
 */
export type ChannelOrigin = 'inbound' | 'originated' | 'snoop' | 'direct'

export interface CallerId { name: string; number: string }

export interface DialplanLocation { context: string; exten: string; priority: number; app_name: string; app_data: string }

export interface SimChannel {
  id: string
  name: string
  state: ChannelState
  protocolId: string
  caller: CallerId
  connected: CallerId
  dialplan: DialplanLocation
  createdAt: Date
  origin: ChannelOrigin
  /** PJSIP endpoint resource (operator number or "carrier"); undefined for snoops. */
  endpoint?: string
  dialstring: string
  /** Apps that receive this channel's events. */
  apps: Set<string>
  /** App the channel is in Stasis with, if it is. */
  stasisApp?: string
  bridgeId?: string
  variables: Map<string, string>
  timers: Set<NodeJS.Timeout>
  gone: boolean
  /** Tone the simulated party "speaks" in recordings. */
  toneHz: number
  snoopOf?: string
  spy?: 'none' | 'in' | 'out' | 'both'
  whisper?: 'none' | 'in' | 'out' | 'both'
  snoops: Set<string>
  answeredAtMs?: number
  /** Music on hold playing to the channel (its class). */
  moh?: string
  /** Linkedid of the call the channel belongs to (the first channel's id); its own id when unset. */
  linkedId?: string
  /** Called once when the channel is destroyed. */
  onGone?: (cause: number, declined: boolean) => void
}

export interface SimBridge {
  id: string
  name: string
  type: 'mixing' | 'holding'
  technology: string
  channels: string[]
  createdAt: Date
  apps: Set<string>
}

export function channelSnapshot (ch: SimChannel): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: ch.protocolId,
    caller: { ...ch.caller },
    connected: { ...ch.connected },
    accountcode: '',
    dialplan: { ...ch.dialplan },
    creationtime: asteriskTimestamp(ch.createdAt),
    language: 'en'
  }
}

export function bridgeSnapshot (b: SimBridge, technology = b.technology): Record<string, unknown> {
  return {
    id: b.id,
    technology,
    bridge_type: b.type,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: b.name,
    channels: [...b.channels],
    creationtime: asteriskTimestamp(b.createdAt),
    video_mode: 'talker'
  }
}

/** What tests see through Simulator.channels(). */
export interface SimChannelView {
  channelId: string
  name: string
  state: ChannelState
  origin: ChannelOrigin
  endpoint?: string
  inStasis: boolean
  bridgeId?: string
  caller: CallerId
  toneHz: number
  /** The music-on-hold class playing, when one is. */
  moh?: string
  /** A snoop's spied channel and directions. */
  snoop?: { of: string; spy: string; whisper: string }
}

/** channels repeats channelIds under the ARI property name, for callers used to the Bridge model. */
export interface SimBridgeView { bridgeId: string; name: string; technology: string; channelIds: string[]; channels: string[] }

export function channelView (ch: SimChannel): SimChannelView {
  return {
    channelId: ch.id,
    name: ch.name,
    state: ch.state,
    origin: ch.origin,
    ...(ch.endpoint !== undefined ? { endpoint: ch.endpoint } : {}),
    inStasis: ch.stasisApp !== undefined,
    ...(ch.moh !== undefined ? { moh: ch.moh } : {}),
    ...(ch.bridgeId !== undefined ? { bridgeId: ch.bridgeId } : {}),
    ...(ch.snoopOf !== undefined ? { snoop: { of: ch.snoopOf, spy: ch.spy ?? 'none', whisper: ch.whisper ?? 'none' } } : {}),
    caller: { ...ch.caller },
    toneHz: ch.toneHz
  }
}
