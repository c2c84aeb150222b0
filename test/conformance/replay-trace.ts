// Reading a recorded ARI trace (ari.jsonl of ../shared/asterisk/traces) and describing its events
// in the terms the replay compares: which objects an event concerns and what a client reads from it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export type Json = Record<string, unknown>

export interface TraceEntry {
  index: number
  t: number
  dir: 'ws' | 'req' | 'res' | 'note'
  method?: string
  path?: string
  status?: number
  body?: unknown
  text?: string
}

/** A request of the trace with the response Asterisk gave it (paired by method and path, in order). */
export interface RecordedRequest { req: TraceEntry; res: TraceEntry | undefined }

export function loadTrace (flowDir: string): TraceEntry[] {
  return readFileSync(join(flowDir, 'ari.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((line, index) => ({ ...(JSON.parse(line) as Omit<TraceEntry, 'index'>), index }))
}

export function pairRequests (entries: readonly TraceEntry[]): Map<number, RecordedRequest> {
  const pairs = new Map<number, RecordedRequest>()
  const open: RecordedRequest[] = []
  for (const e of entries) {
    if (e.dir === 'req') {
      const pair: RecordedRequest = { req: e, res: undefined }
      pairs.set(e.index, pair)
      open.push(pair)
    } else if (e.dir === 'res') {
      const pair = open.find((p) => p.req.method === e.method && p.req.path === e.path)
      if (pair) { pair.res = e; open.splice(open.indexOf(pair), 1) }
    }
  }
  return pairs
}

/**
 * Events no client of ours reads and whose count and timing vary between real runs (the trace of one
 * bridged call carries ~35 ChannelVarset; ChannelConnectedLine came 1 to 3 times per bridged call in
 * flows 1, 2, 11 and 14-17), or that only subscribeAll sockets see about dialplan internals.
 */
export const NOT_COMPARED = new Set(['ChannelVarset', 'ChannelConnectedLine', 'ChannelCallerId', 'ChannelDialplan', 'DeviceStateChanged'])

export function eventBody (e: TraceEntry): Json & { type: string } {
  return e.body as Json & { type: string }
}

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** Ids an event concerns, each with its role: the channel sequences include playbacks and recordings aimed at them. */
export function subjectsOf (body: Json): Array<{ role: 'channel' | 'bridge' | 'playback' | 'recording' | 'app'; id: string }> {
  const out: Array<{ role: 'channel' | 'bridge' | 'playback' | 'recording' | 'app'; id: string }> = []
  const ch = str(obj(body.channel)?.id) ?? str(obj(body.peer)?.id)
  if (ch !== undefined) out.push({ role: 'channel', id: ch })
  const bridge = str(obj(body.bridge)?.id)
  if (bridge !== undefined) out.push({ role: 'bridge', id: bridge })
  for (const key of ['playback', 'recording'] as const) {
    const o = obj(body[key])
    if (!o) continue
    out.push({ role: key, id: String(key === 'playback' ? o.id : o.name) })
    const target = str(o.target_uri) ?? ''
    const m = /^(channel|bridge):(.+)$/.exec(target)
    if (m) out.push({ role: m[1] as 'channel' | 'bridge', id: m[2]! })
  }
  if (body.type === 'ApplicationReplaced') out.push({ role: 'app', id: 'app' })
  return out
}

/** The channel name without Asterisk's running suffix: "PJSIP/101-0000000a" -> "PJSIP/101". */
export function namePrefix (name: string): string { return name.replace(/-[0-9a-f]{8}$/, '') }

/** What a client reads from an event, as one comparable line (ids left out: sequences are per object). */
export function describeEvent (body: Json): string {
  const type = String(body.type)
  const ch = obj(body.channel) ?? obj(body.peer)
  const parts: string[] = [type]
  const field = (name: string, v: unknown) => { if (v !== undefined) parts.push(`${name}=${JSON.stringify(v)}`) }
  switch (type) {
    case 'Dial': field('dialstatus', body.dialstatus); break
    case 'ChannelStateChange': field('state', ch?.state); break
    case 'StasisStart': field('args', body.args); field('state', ch?.state); break
    case 'ChannelHangupRequest': field('cause', body.cause); field('tech_cause', body.tech_cause); field('soft', body.soft); break
    case 'ChannelDestroyed': field('cause', body.cause); field('cause_txt', body.cause_txt); field('tech_cause', body.tech_cause); break
    case 'ChannelDtmfReceived': field('digit', body.digit); field('duration_ms', body.duration_ms); break
    case 'ChannelEnteredBridge': case 'ChannelLeftBridge': case 'BridgeDestroyed': case 'BridgeCreated': {
      const b = obj(body.bridge)
      field('channels', Array.isArray(b?.channels) ? b.channels.length : undefined)
      if (type === 'ChannelEnteredBridge' || type === 'ChannelLeftBridge') field('channel', namePrefix(String(ch?.name ?? '')))
      break
    }
    case 'PlaybackStarted': case 'PlaybackContinuing': case 'PlaybackFinished': {
      const p = obj(body.playback)
      field('media', p?.media_uri); field('state', p?.state)
      break
    }
    case 'RecordingStarted': case 'RecordingFinished': case 'RecordingFailed': {
      const r = obj(body.recording)
      field('name', r?.name); field('state', r?.state)
      // Durations only coarsely: the replay does not wait as long as the phones of the trace talked.
      if (r?.duration !== undefined) parts.push(`duration=${Number.isInteger(r.duration) ? 'integer' : JSON.stringify(r.duration)}`)
      break
    }
    default: break
  }
  return parts.join(' ')
}

/**
 * Orders that vary between real runs, put into one canonical order: ChannelStateChange Ringing and
 * Dial RINGING come either way round (flow1 vs flow3c, FINDINGS "ORIGINATE").
 */
export function canonical (seq: readonly string[]): string[] {
  const out = [...seq]
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i] === 'Dial dialstatus="RINGING"' && out[i + 1] === 'ChannelStateChange state="Ringing"') {
      out[i] = out[i + 1]!
      out[i + 1] = 'Dial dialstatus="RINGING"'
    }
  }
  return out
}
