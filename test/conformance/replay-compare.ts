// Comparing a replay with its trace: per channel and bridge the sequence of events a client reads,
// every HTTP status and body, and which responses had to wait for which events.
import type { Replay } from './replay-runner.js'
import { type Json, NOT_COMPARED, canonical, describeEvent, eventBody, namePrefix, subjectsOf } from './replay-trace.js'

/** Requests whose body is compared by status only, with the reason. */
export type StatusOnly = Array<{ match: RegExp; reason: string }>

export function compareReplay (replay: Replay, statusOnly: StatusOnly = []): string[] {
  return [...compareSequences(replay), ...compareResponses(replay, statusOnly), ...compareWaits(replay)]
}

/** Per recorded channel and bridge: the recorded event lines against the simulator's, in canonical order. */
function compareSequences (replay: Replay): string[] {
  const recorded = new Map<string, string[]>()
  const simulated = new Map<string, string[]>()
  const push = (m: Map<string, string[]>, key: string, line: string) => { m.set(key, [...(m.get(key) ?? []), line]) }
  for (const e of replay.entries) {
    if (!replay.isExpected(e)) continue
    for (const s of subjectsOf(eventBody(e))) if (s.role === 'channel' || s.role === 'bridge' || s.role === 'app') push(recorded, `${s.role} ${s.id}`, describeEvent(eventBody(e)))
  }
  const strangers = new Set<string>()
  for (const ev of replay.simEvents) {
    if (NOT_COMPARED.has(String(ev.body.type))) continue
    for (const s of subjectsOf(ev.body)) {
      if (s.role !== 'channel' && s.role !== 'bridge' && s.role !== 'app') continue
      const rec = s.role === 'app' ? 'app' : replay.recordedIdOf(s.id)
      if (rec === undefined) { strangers.add(`${s.role} ${s.id}: ${describeEvent(ev.body)}`); continue }
      push(simulated, `${s.role} ${rec}`, describeEvent(ev.body))
    }
  }
  const out: string[] = []
  for (const [key, want] of recorded) {
    const got = simulated.get(key) ?? []
    const a = canonical(want)
    const b = canonical(got)
    if (JSON.stringify(a) === JSON.stringify(b)) continue
    const at = a.findIndex((line, i) => b[i] !== line)
    const i = at < 0 ? a.length : at
    out.push(`${replay.flow} events of ${key} (simulator id ${replay.mapId(key.split(' ')[1]!)}) differ at #${i}: expected ${a[i] ?? '(nothing more)'}, got ${b[i] ?? '(nothing more)'}\n` +
      `    expected: ${a.join(' | ')}\n    got:      ${b.join(' | ')}`)
  }
  for (const s of strangers) out.push(`${replay.flow}: the simulator sent an event about an object the trace does not have: ${s}`)
  return out
}

function compareResponses (replay: Replay, statusOnly: StatusOnly): string[] {
  const out: string[] = []
  for (const [reqIndex, pair] of replay.pairs) {
    if (replay.skippedEntries.has(reqIndex) || !pair.res) continue
    const got = replay.responses.get(reqIndex)
    if (!got) continue // reported by the replay as missing
    const where = replay.where(pair.req)
    if (got.status !== pair.res.status) {
      out.push(`${where}: expected HTTP ${pair.res.status} ${JSON.stringify(pair.res.body)}, got ${got.status} ${JSON.stringify(got.body)}`)
      continue
    }
    const line = `${pair.req.method ?? ''} ${pair.req.path ?? ''}`
    if (statusOnly.some((s) => s.match.test(line))) continue
    const race = KNOWN_RACES.find((r) => r.match.test(line))
    const want = normalize(race ? race.normalize(replay.mapDeep(pair.res.body)) : replay.mapDeep(pair.res.body))
    const have = normalize(race ? race.normalize(got.body) : got.body)
    const diffs = differences(want, have, '')
    if (diffs.length > 0) out.push(`${where}: HTTP ${got.status} body differs: ${diffs.slice(0, 6).join('; ')}`)
  }
  return out
}

/** Response fields that came out either way in the traces, depending on which thread won. */
const KNOWN_RACES: Array<{ match: RegExp; normalize: (body: unknown) => unknown }> = [
  // POST /play: 201 "queued" (flows 5, 14, 15), "playing" in flow16 where PlaybackStarted won.
  { match: /^POST \/ari\/channels\/[^/]+\/play/, normalize: (b) => withFields(b, (o) => { if (o.state === 'playing') o.state = 'queued' }) },
  // POST /snoop: the snoop's StasisStart may come before or after the response (flow4 vs flow7), and its dialplan with it.
  { match: /^POST \/ari\/channels\/[^/]+\/snoop/, normalize: (b) => withFields(b, (o) => { o.dialplan = { ...(o.dialplan as Json), app_name: '(racy)', app_data: '(racy)' } }) }
]

function withFields (body: unknown, edit: (o: Json) => void): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  const copy = { ...(body as Json) }
  edit(copy)
  return copy
}

/**
 * A response the trace shows arriving well after an event that came while it was pending (addChannel's
 * 204 after PlaybackFinished, flow14) must come after that event from the simulator too.
 */
function compareWaits (replay: Replay): string[] {
  const out: string[] = []
  for (const [reqIndex, pair] of replay.pairs) {
    const res = pair.res
    const got = replay.responses.get(reqIndex)
    if (!res || !got) continue
    for (const e of replay.entries) {
      if (e.index <= reqIndex || e.index > res.index || e.t < pair.req.t + 50 || !replay.isExpected(e)) continue
      const at = replay.matched.get(e.index)
      if (at === undefined) continue
      if (replay.simEvents[at]!.seq > got.seq) {
        out.push(`${replay.where(pair.req)}: its response came before ${describeEvent(eventBody(e))} (trace step ${e.index}, ${res.t - e.t} ms before the recorded response); Asterisk answered only after it`)
      }
    }
  }
  return out
}

/** Technology classes that hold between runs: native_rtp vs simple_bridge depends on media (flow16 vs 14). */
function technologyClass (tech: string): string {
  return tech === 'native_rtp' || tech === 'simple_bridge' ? 'one-to-one (simple_bridge|native_rtp)' : tech
}

/** Volatile fields out; channel names without their running number; bridge technology as a class. */
function normalize (value: unknown): unknown {
  // Lists come in no stable order: GET /channels (flow1 vs 1b), a bridge's channels (flow14b).
  if (Array.isArray(value)) return value.map(normalize).sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
  if (value === null || typeof value !== 'object') return value
  const out: Json = {}
  for (const [k, v] of Object.entries(value as Json)) {
    if (['creationtime', 'timestamp', 'protocol_id', 'asterisk_id', 'entity_id', 'build', 'config'].includes(k)) continue
    if (k === 'status' && v !== null && typeof v === 'object') continue // asterisk/info start and reload times
    if (k === 'name' && typeof v === 'string') out[k] = namePrefix(v)
    else if (k === 'technology' && typeof v === 'string') out[k] = technologyClass(v)
    else out[k] = normalize(v)
  }
  return out
}

function sortKey (v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return String((v as Json).id ?? (v as Json).name ?? (v as Json).resource ?? JSON.stringify(v))
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function differences (want: unknown, have: unknown, path: string): string[] {
  if (JSON.stringify(want) === JSON.stringify(have)) return []
  if (Array.isArray(want) && Array.isArray(have)) {
    if (want.length !== have.length) return [`${path || 'body'}: expected ${want.length} items ${JSON.stringify(want)}, got ${have.length} ${JSON.stringify(have)}`]
    return want.flatMap((w, i) => differences(w, have[i], `${path}[${i}]`))
  }
  if (want !== null && have !== null && typeof want === 'object' && typeof have === 'object' && !Array.isArray(want) && !Array.isArray(have)) {
    const keys = new Set([...Object.keys(want), ...Object.keys(have)])
    return [...keys].flatMap((k) => differences((want as Json)[k], (have as Json)[k], path ? `${path}.${k}` : k))
  }
  return [`${path || 'body'}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`]
}
