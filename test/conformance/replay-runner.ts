// Replays one recorded flow against the simulator: the same requests in the same order, the phones'
// own actions (carrier BYE/CANCEL, DTMF, an operator's BYE) injected where the trace shows them, and
// each step sent only once the events and responses that preceded it in the trace have arrived.
import { WebSocket } from 'ws'
import type { Simulator } from '../../src/sim/simulator.js'
import { type Json, type RecordedRequest, type TraceEntry, NOT_COMPARED, describeEvent, eventBody, namePrefix, pairRequests, subjectsOf } from './replay-trace.js'

export interface SimEvent { seq: number; body: Json }
export interface SimResponse { seq: number; status: number; body: unknown }

/** Where a flow cannot be replayed as recorded, and why. */
export interface ReplayLimits {
  /** Trace parts between two notes that are not replayed (e.g. Local channels the simulator lacks). */
  skipSegments?: Array<{ from: RegExp; to?: RegExp; reason: string }>
  /** Requests ("METHOD /ari/path?query") that are not replayed. */
  unsupported?: Array<{ match: RegExp; reason: string }>
  /** Hooks run at a trace note, after everything before it arrived; they return mismatches. */
  onNote?: Array<{ match: RegExp; run: (replay: Replay) => Promise<string[]> }>
  /** The caller's phone sends DTMF as SIP INFO with this Duration (flow13); unset: RFC 4733 digits. */
  dtmfInfoDurationMs?: number
}

export class Replay {
  readonly idMap = new Map<string, string>()
  private readonly simToRec = new Map<string, string>()
  readonly simEvents: SimEvent[] = []
  /** Recorded event index -> matched position in simEvents. */
  readonly matched = new Map<number, number>()
  private readonly usedSim = new Set<number>()
  readonly responses = new Map<number, SimResponse>()
  readonly mismatches: string[] = []
  readonly skipped: string[] = []
  readonly skippedEntries = new Set<number>()
  private readonly givenUp = new Set<number>()
  readonly pairs: Map<number, RecordedRequest>
  private readonly sockets: WebSocket[] = []
  private readonly otherSockets: WebSocket[] = []
  private readonly pending: Array<Promise<void>> = []
  private wake: Array<() => void> = []
  private seq = 0
  private position = 0

  constructor (
    readonly flow: string,
    readonly entries: readonly TraceEntry[],
    readonly sim: Simulator,
    private readonly limits: ReplayLimits,
    private readonly waitMs: number
  ) {
    this.pairs = pairRequests(entries)
    this.markSkippedSegments()
  }

  /** Recorded events the replay must see from the simulator. */
  isExpected (e: TraceEntry): boolean {
    return e.dir === 'ws' && !this.skippedEntries.has(e.index) && !NOT_COMPARED.has(eventBody(e).type)
  }

  async run (): Promise<void> {
    for (const e of this.entries) {
      this.position = e.index
      if (this.skippedEntries.has(e.index)) continue
      if (e.dir === 'note') await this.onNote(e)
      else if (e.dir === 'ws') await this.onRecordedEvent(e)
      else if (e.dir === 'req') await this.onRequest(e)
    }
    this.position = this.entries.length
    await this.sync(this.entries.length)
    await Promise.all(this.pending)
    for (const ws of [...this.sockets, ...this.otherSockets]) ws.terminate()
  }

  /** "step 12 (t=3506 ms, POST /bridges/...)": where in the trace something happened. */
  where (e: TraceEntry): string {
    const what = e.dir === 'ws' ? describeEvent(eventBody(e)) : e.dir === 'note' ? `note "${e.text ?? ''}"` : `${e.method ?? ''} ${e.path ?? ''}`
    return `${this.flow} step ${e.index} (t=${e.t} ms, ${what})`
  }

  mapId (recorded: string): string { return this.idMap.get(recorded) ?? recorded }

  // ---- the steps ------------------------------------------------------------------------------------

  private async onNote (e: TraceEntry): Promise<void> {
    const text = e.text ?? ''
    const connect = /^ws connect \S+\?(\S+)$/.exec(text)
    if (connect) {
      await this.sync(e.index)
      const query = new URLSearchParams(connect[1])
      query.delete('api_key')
      await this.openSocket(query.toString(), true)
      return
    }
    if (/^ws close/.test(text)) {
      await this.sync(e.index)
      for (const ws of this.sockets.splice(0)) ws.close()
      return
    }
    for (const hook of this.limits.onNote ?? []) {
      if (!hook.match.test(text)) continue
      await this.sync(e.index)
      for (const m of await hook.run(this)) this.mismatches.push(`${this.where(e)}: ${m}`)
    }
  }

  /** Events the far end caused are made to happen in the simulator; the rest come by themselves. */
  private async onRecordedEvent (e: TraceEntry): Promise<void> {
    const body = eventBody(e)
    const channel = (body.channel ?? body.peer) as Json | undefined
    const recId = typeof channel?.id === 'string' ? channel.id : undefined
    if (recId !== undefined && !this.idMap.has(recId) && String(channel?.name ?? '').startsWith('PJSIP/carrier-')) {
      await this.sync(e.index)
      this.placeInbound(recId)
      return
    }
    const remoteHangup = body.type === 'ChannelHangupRequest' && (body.cause === undefined || body.cause === 127)
    if (recId !== undefined && remoteHangup) {
      await this.sync(e.index)
      this.sim.hangup(this.mapId(recId))
    } else if (recId !== undefined && body.type === 'ChannelDtmfReceived') {
      await this.sync(e.index)
      this.sim.sendDtmf(this.mapId(recId), String(body.digit), this.limits.dtmfInfoDurationMs)
    } else if (body.type === 'ApplicationReplaced') {
      // Another client opened a WebSocket for the same app (flow6's ws_bad_auth check).
      await this.sync(e.index)
      await this.openSocket('app=ringlead&subscribeAll=true', false)
    }
  }

  private placeInbound (recId: string): void {
    const start = this.entries.find((x) => x.dir === 'ws' && eventBody(x).type === 'StasisStart' && (eventBody(x).channel as Json).id === recId)
    const ch = (start ? eventBody(start).channel : undefined) as { caller: { name: string; number: string }; dialplan: { exten: string } } | undefined
    if (!ch) throw new Error(`${this.flow}: inbound channel ${recId} never reaches Stasis in the trace`)
    const call = this.sim.placeCall({ from: ch.caller.number, callerName: ch.caller.name, did: ch.dialplan.exten })
    this.bind(recId, call.channelId)
  }

  private async onRequest (e: TraceEntry): Promise<void> {
    const pair = this.pairs.get(e.index)!
    const line = `${e.method ?? ''} ${e.path ?? ''}`
    const unsupported = this.limits.unsupported?.find((u) => u.match.test(line))
    if (unsupported) {
      this.skipped.push(`${this.where(e)} not replayed: ${unsupported.reason}`)
      this.skipEntry(pair)
      return
    }
    await this.sync(e.index)
    const url = new URL(`http://x${e.path ?? ''}`)
    const segments = url.pathname.split('/').map((s) => s === '' ? s : encodeURIComponent(this.mapList(decodeURIComponent(s))))
    const query = new URLSearchParams()
    for (const [k, v] of url.searchParams) query.append(k, this.mapList(v))
    const qs = query.toString()
    const auth = pair.res?.status === 401 ? 'ringlead:wrong' : 'ringlead:ringlead'
    const body = e.body === undefined ? undefined : typeof e.body === 'string' ? e.body : JSON.stringify(this.mapDeep(e.body))
    const send = fetch(`${this.sim.ariUrl}${segments.join('/')}${qs ? `?${qs.replace(/\+/g, '%20')}` : ''}`, {
      method: e.method ?? 'GET',
      headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {})
    }).then(async (res) => {
      const text = await res.text()
      let parsed: unknown = null
      if (text !== '') { try { parsed = JSON.parse(text) } catch { parsed = text } }
      this.responses.set(e.index, { seq: this.seq++, status: res.status, body: parsed })
      const recordedId = (pair.res?.body as Json | null | undefined)?.id
      const simId = (parsed as Json | null)?.id
      if (typeof recordedId === 'string' && typeof simId === 'string' && !this.idMap.has(recordedId)) this.bind(recordedId, simId)
      this.poke()
    }, (err: unknown) => {
      this.mismatches.push(`${this.where(e)}: request failed: ${String(err)}`)
      this.givenUp.add(e.index)
      this.poke()
    })
    this.pending.push(send)
  }

  private skipEntry (pair: RecordedRequest): void {
    this.skippedEntries.add(pair.req.index)
    if (pair.res) this.skippedEntries.add(pair.res.index)
  }

  // ---- waiting for the simulator --------------------------------------------------------------------

  /** Waits until every expected event and every response recorded before `upto` has arrived (or reports it missing). */
  async sync (upto: number): Promise<void> {
    const deadline = Date.now() + this.waitMs
    for (;;) {
      this.matchEvents(upto)
      const missing = this.entries.filter((x) => x.index < upto && !this.givenUp.has(x.index) &&
        ((this.isExpected(x) && !this.matched.has(x.index)) ||
         (x.dir === 'res' && !this.skippedEntries.has(x.index) && !this.responded(x))))
      if (missing.length === 0) return
      if (Date.now() > deadline) {
        for (const x of missing) {
          this.givenUp.add(x.index)
          this.mismatches.push(`${this.where(x)}: ${x.dir === 'ws' ? 'the simulator never sent this event' : 'no response from the simulator'}` +
            ` (waited ${this.waitMs} ms before ${this.position < this.entries.length ? this.where(this.entries[this.position]!) : 'the end'})`)
        }
        return
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.wake.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  private responded (res: TraceEntry): boolean {
    for (const [reqIndex, pair] of this.pairs) if (pair.res === res) return this.responses.has(reqIndex) || this.givenUp.has(reqIndex)
    return true
  }

  private poke (): void {
    const w = this.wake
    this.wake = []
    for (const fn of w) fn()
  }

  /** Pairs recorded events (in trace order) with simulator events of the same type about the same objects. */
  private matchEvents (upto: number): void {
    for (const x of this.entries) {
      if (x.index >= upto) break
      if (!this.isExpected(x) || this.matched.has(x.index) || this.givenUp.has(x.index)) continue
      const rec = eventBody(x)
      const at = this.simEvents.findIndex((s, i) => !this.usedSim.has(i) && this.sameEvent(rec, s.body))
      if (at < 0) continue
      this.usedSim.add(at)
      this.matched.set(x.index, at)
      const recSubjects = subjectsOf(rec)
      const simSubjects = subjectsOf(this.simEvents[at]!.body)
      recSubjects.forEach((r, i) => { if (!this.idMap.has(r.id)) this.bind(r.id, simSubjects[i]!.id) })
    }
  }

  private sameEvent (rec: Json, sim: Json): boolean {
    if (rec.type !== sim.type) return false
    const a = subjectsOf(rec)
    const b = subjectsOf(sim)
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) {
      const r = a[i]!
      const s = b[i]!
      if (r.role !== s.role) return false
      const mapped = this.idMap.get(r.id)
      if (mapped !== undefined ? mapped !== s.id : (this.simToRec.has(s.id) && this.simToRec.get(s.id) !== r.id)) return false
    }
    const recCh = (rec.channel ?? rec.peer) as Json | undefined
    const simCh = (sim.channel ?? sim.peer) as Json | undefined
    if (recCh && simCh && namePrefix(this.mapList(String(recCh.name))) !== namePrefix(String(simCh.name))) return false
    if (rec.type === 'StasisStart' && JSON.stringify(rec.args) !== JSON.stringify(sim.args)) return false
    return true
  }

  // ---- ids ---------------------------------------------------------------------------------------------

  private bind (recorded: string, simId: string): void {
    this.idMap.set(recorded, simId)
    this.simToRec.set(simId, recorded)
  }

  recordedIdOf (simId: string): string | undefined { return this.simToRec.get(simId) }

  /** Maps recorded ids in a comma list, or inside names such as "Snoop/<channel>-00000002". */
  mapList (value: string): string {
    return value.split(',').map((token) => {
      const direct = this.idMap.get(token)
      if (direct !== undefined) return direct
      const target = /^(channel|bridge):(.+)$/.exec(token) // a playback's or recording's target_uri
      if (target && this.idMap.has(target[2]!)) return `${target[1]!}:${this.idMap.get(target[2]!)!}`
      return token.replace(/(^|[/:])([0-9]{10}\.[0-9]+)(?=$|[-;])/g, (m, lead: string, id: string) => `${lead}${this.idMap.get(id) ?? id}`)
    }).join(',')
  }

  mapDeep (value: unknown): unknown {
    if (typeof value === 'string') return this.mapList(value)
    if (Array.isArray(value)) return value.map((v) => this.mapDeep(v))
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.mapDeep(v)]))
    return value
  }

  // ---- sockets and segments ---------------------------------------------------------------------------

  /** Opens an ARI WebSocket; only `recorded` ones stand for the trace's socket (the others are just other clients). */
  async openSocket (query: string, recorded: boolean): Promise<void> {
    const ws = new WebSocket(`${this.sim.ariUrl.replace('http', 'ws')}/ari/events?${query}&api_key=ringlead:ringlead`)
    if (recorded) {
      ws.on('message', (data) => {
        this.simEvents.push({ seq: this.seq++, body: JSON.parse(String(data)) as Json })
        this.poke()
      })
      this.sockets.push(ws)
    }
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
    if (!recorded) this.otherSockets.push(ws)
  }

  private markSkippedSegments (): void {
    for (const seg of this.limits.skipSegments ?? []) {
      const start = this.entries.find((e) => e.dir === 'note' && seg.from.test(e.text ?? ''))
      if (!start) continue
      const end = seg.to ? this.entries.find((e) => e.index > start.index && e.dir === 'note' && seg.to!.test(e.text ?? '')) : undefined
      const stop = end?.index ?? this.entries.length
      for (const e of this.entries) if (e.index >= start.index && e.index < stop) this.skippedEntries.add(e.index)
      this.skipped.push(`${this.flow} steps ${start.index}-${stop - 1} ("${start.text ?? ''}") not replayed: ${seg.reason}`)
    }
  }
}
