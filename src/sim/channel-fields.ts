// Pure helpers on channels: caller ids as Asterisk parses them, dialplan variables, AMI's channel
// fields, tones and ring times.
import { AMI_STATE_NUMBER } from './asterisk-text.js'
import type { CallerId, SimChannel } from './model.js'

export type AmiFields = Array<[string, string]>

export const DEFAULT_RING_SECONDS = 30

export function parseCallerId (raw: string | undefined): CallerId {
  if (!raw) return { name: '', number: '' }
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(raw)
  if (m) return { name: (m[1] ?? '').trim(), number: (m[2] ?? '').trim() }
  return { name: '', number: raw.trim() }
}

/** Originate timeout: Asterisk reads it with atoi, so garbage means 0, and 0 or -1 mean "ring until timer B". */
export function ringSeconds (raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_RING_SECONDS
  const n = Number.parseInt(raw, 10)
  return Number.isFinite(n) && n > 0 ? n : 0
}

export function operatorTone (resource: string): number {
  let h = 0
  for (const c of resource) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return 700 + (h % 8) * 50
}

export function readVariable (ch: SimChannel, name: string): string | undefined {
  switch (name) {
    case 'CALLERID(all)': return ch.caller.name ? `"${ch.caller.name}" <${ch.caller.number}>` : `<${ch.caller.number}>`
    case 'CALLERID(name)': return ch.caller.name
    case 'CALLERID(num)': case 'CALLERID(number)': return ch.caller.number
    case 'UNIQUEID': return ch.id
    case 'CHANNEL(name)': case 'CHANNEL': return ch.name
    case 'EXTEN': return ch.dialplan.exten
    default: return ch.variables.get(name)
  }
}

const unknownIfEmpty = (s: string) => (s === '' ? '<unknown>' : s)

export function amiChannelFields (ch: SimChannel): AmiFields {
  return [
    ['Channel', ch.name],
    ['ChannelState', String(AMI_STATE_NUMBER[ch.state] ?? 0)],
    ['ChannelStateDesc', ch.state],
    ['CallerIDNum', unknownIfEmpty(ch.caller.number)],
    ['CallerIDName', unknownIfEmpty(ch.caller.name)],
    ['ConnectedLineNum', unknownIfEmpty(ch.connected.number)],
    ['ConnectedLineName', unknownIfEmpty(ch.connected.name)],
    ['Language', 'en'],
    ['AccountCode', ''],
    ['Context', ch.dialplan.context],
    ['Exten', ch.dialplan.exten],
    ['Priority', String(ch.dialplan.priority)],
    ['Uniqueid', ch.id],
    ['Linkedid', ch.linkedId ?? ch.id]
  ]
}

export function prefixed (prefix: string, fields: AmiFields): AmiFields {
  return fields.map(([k, v]) => [`${prefix}${k}`, v])
}

