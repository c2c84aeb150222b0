// Snoop channels as Asterisk 22 makes them (POST /channels/{id}/snoop): the checks in Asterisk's
// order with its messages (res/ari/resource_channels.c), and who hears whom once snoops with spy
// and whisper directions sit in bridges. Directions are the spied channel's: "in" is what its party
// says, "out" what its party hears; a whisper "out" is heard by the spied party, "in" by its peers.
import { ariFail } from './ari-error.js'
import type { SimBridge, SimChannel } from './model.js'

export type SnoopDirection = 'none' | 'in' | 'out' | 'both'
const directions: readonly string[] = ['none', 'in', 'out', 'both']

export interface SnoopParams { spy?: string | undefined; whisper?: string | undefined; app?: string | undefined }

/** Checks the parameters as Asterisk does, before it looks for the channel. */
export function checkSnoop (p: SnoopParams): { spy: SnoopDirection; whisper: SnoopDirection; app: string } {
  const spy = p.spy === undefined || p.spy === '' ? 'none' : p.spy
  if (!directions.includes(spy)) throw ariFail(400, 'Invalid direction specified for spy')
  const whisper = p.whisper === undefined || p.whisper === '' ? 'none' : p.whisper
  if (!directions.includes(whisper)) throw ariFail(400, 'Invalid direction specified for whisper')
  if (spy === 'none' && whisper === 'none') throw ariFail(400, 'Direction must be specified for at least spy or whisper')
  if (!p.app) throw ariFail(400, 'Application name is required')
  return { spy: spy as SnoopDirection, whisper: whisper as SnoopDirection, app: p.app }
}

export interface HearingHost {
  getChannel (channelId: string): SimChannel | undefined
  getBridge (bridgeId: string): SimBridge | undefined
}

const hasIn = (d: SnoopDirection | undefined): boolean => d === 'in' || d === 'both'
const hasOut = (d: SnoopDirection | undefined): boolean => d === 'out' || d === 'both'

/** The other channels in a channel's bridge. */
function peers (host: HearingHost, ch: SimChannel): SimChannel[] {
  if (ch.bridgeId === undefined) return []
  const ids = host.getBridge(ch.bridgeId)?.channels ?? []
  return ids.filter((id) => id !== ch.id).flatMap((id) => { const c = host.getChannel(id); return c === undefined ? [] : [c] })
}

/** Whose voices a snoop brings into its bridge (what it spies). */
function spiedVoices (host: HearingHost, snoop: SimChannel): string[] {
  const spied = snoop.snoopOf === undefined ? undefined : host.getChannel(snoop.snoopOf)
  if (spied === undefined) return []
  const out: string[] = []
  if (hasIn(snoop.spy)) out.push(spied.id)
  if (hasOut(snoop.spy)) out.push(...directVoices(host, spied))
  return out
}

/** The parties (not snoops) a channel hears through its own bridge, without whispers. */
function directVoices (host: HearingHost, ch: SimChannel): string[] {
  return peers(host, ch).flatMap((p) => (p.snoopOf === undefined ? [p.id] : spiedVoices(host, p)))
}

/** The parties whose voices a snoop whispers: the real parties in the snoop's own bridge. */
function whisperedVoices (host: HearingHost, snoop: SimChannel): string[] {
  return peers(host, snoop).filter((p) => p.snoopOf === undefined).map((p) => p.id)
}

/**
 * The parties (channel ids, never snoops) whose voices reach `channelId`: its bridge peers, what
 * snoops in its bridge spy, what is whispered to it ("out" on its own snoops) and what is whispered
 * into what its peers say ("in" on their snoops).
 */
export function heardBy (host: HearingHost, channelId: string): string[] {
  const ch = host.getChannel(channelId)
  if (ch === undefined) return []
  const voices = new Set(directVoices(host, ch))
  const whisperOf = (target: SimChannel, wanted: (d: SnoopDirection | undefined) => boolean): void => {
    for (const id of target.snoops) {
      const s = host.getChannel(id)
      if (s !== undefined && wanted(s.whisper)) for (const v of whisperedVoices(host, s)) voices.add(v)
    }
  }
  whisperOf(ch, hasOut)
  for (const p of peers(host, ch)) if (p.snoopOf === undefined) whisperOf(p, hasIn)
  voices.delete(ch.id)
  return [...voices].sort()
}
