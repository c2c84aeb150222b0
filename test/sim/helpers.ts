// Test helpers for the simulator: a started sim, a raw ARI event stream and a small REST client.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { type SimOptions, type Simulator, startSimulator } from '../../src/sim/simulator.js'

export interface TapLike { teardown (fn: () => unknown): void }

export const SECONDS_MS = 20

export async function startSim (t: TapLike, opts: Partial<SimOptions> = {}): Promise<{ sim: Simulator; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-sim-'))
  const sim = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), secondsMs: SECONDS_MS, ...opts })
  t.teardown(async () => {
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { sim, dir }
}

export type AriEvent = Record<string, unknown> & { type: string }

/** An ARI events WebSocket that keeps everything it received, so tests can wait for and inspect sequences. */
export class EventStream {
  readonly events: AriEvent[] = []
  private waiters: Array<() => void> = []
  private constructor (readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.events.push(JSON.parse(String(data)) as AriEvent)
      for (const w of this.waiters) w()
    })
  }

  static async open (sim: Simulator, query = 'app=ringlead'): Promise<EventStream> {
    const ws = new WebSocket(`${sim.ariUrl.replace('http', 'ws')}/ari/events?${query}&api_key=ringlead:ringlead`)
    const stream = new EventStream(ws)
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
    return stream
  }

  /** Resolves with the first event (from index `from`) matching, waiting for it if needed. */
  async waitFor (match: (e: AriEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<AriEvent> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.slice(from).find(match)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`event not received; got ${this.events.slice(from).map((e) => e.type).join(', ')}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
      this.waiters = []
    }
  }

  type (type: string, channelId?: string): Promise<AriEvent> {
    return this.waitFor((e) => e.type === type && (channelId === undefined || channelIdOf(e) === channelId))
  }

  /** Event types (with a short detail) concerning one channel, in arrival order. */
  about (channelId: string): string[] {
    return this.events.filter((e) => channelIdOf(e) === channelId).map(describe)
  }

  close (): void { this.ws.close() }
}

export function channelIdOf (e: AriEvent): string | undefined {
  const ch = (e.channel ?? e.peer) as { id?: string } | undefined
  return ch?.id
}

export function describe (e: AriEvent): string {
  switch (e.type) {
    case 'Dial': return `Dial ${String(e.dialstatus)}`
    case 'ChannelStateChange': return `ChannelStateChange ${String((e.channel as { state: string }).state)}`
    case 'ChannelVarset': return `ChannelVarset ${String(e.variable)}`
    case 'ChannelHangupRequest': return `ChannelHangupRequest${e.cause !== undefined ? ` ${String(e.cause)}` : ''}`
    case 'ChannelDestroyed': return `ChannelDestroyed ${String(e.cause)}`
    default: return e.type
  }
}

export interface AriReply { status: number; body: unknown; headers: Headers }

export async function ari (sim: Simulator, method: string, path: string, body?: unknown, auth = 'ringlead:ringlead'): Promise<AriReply> {
  const res = await fetch(`${sim.ariUrl}/ari${path}`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
  })
  const text = await res.text()
  let parsed: unknown = null
  if (text !== '') { try { parsed = JSON.parse(text) } catch { parsed = text } }
  return { status: res.status, body: parsed, headers: res.headers }
}

export function sleep (ms: number): Promise<void> { return new Promise((resolve) => setTimeout(resolve, ms)) }

export async function until (what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** A carrier call answered, an operator leg (PJSIP/101, which must answer) and an empty mixing bridge. */
export async function callerOperatorAndBridge (sim: Simulator, ev: EventStream): Promise<{ caller: string; operator: string; bridgeId: string }> {
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', op.id)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  return { caller: call.channelId, operator: op.id, bridgeId: bridge.id }
}

/** The same, both legs in the bridge. */
export async function bridgedCall (sim: Simulator, ev: EventStream): Promise<{ caller: string; operator: string; bridgeId: string }> {
  const legs = await callerOperatorAndBridge(sim, ev)
  await ari(sim, 'POST', `/bridges/${legs.bridgeId}/addChannel?channel=${legs.caller},${legs.operator}`)
  return legs
}

/** A logged-in raw AMI session: each action's reply block, by ActionID. */
export async function amiSession (t: { teardown (fn: () => void): void }, sim: Simulator): Promise<{ send: (block: string) => void, reply: (id: string) => Promise<string>, text: () => string }> {
  const socket = connect(sim.amiPort, '127.0.0.1')
  t.teardown(() => socket.destroy())
  let text = ''
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => { text += d })
  socket.write('Action: Login\r\nActionID: login\r\nUsername: ringlead\r\nSecret: ringlead\r\n\r\n')
  const reply = async (id: string): Promise<string> => {
    let found: string | undefined
    // The first block follows the banner line.
    const blocks = (): string[] => text.split('\r\n\r\n').map((b) => b.slice(Math.max(0, b.indexOf('Response:'))))
    await until(`AMI reply ${id}`, () => (found = blocks().find((b) => b.startsWith('Response:') && b.includes(`\r\nActionID: ${id}`))) !== undefined)
    return `${found!}\r\n\r\n`
  }
  await reply('login')
  return { send: (block) => socket.write(block), reply, text: () => text }
}
