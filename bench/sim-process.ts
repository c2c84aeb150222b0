// Bench-only child process: the Asterisk simulator on loopback, driven over IPC by the bench.
// It places inbound calls and times each call's setup inside this process with performance.now():
// from the moment the simulator puts the inbound channel's StasisStart on the WebSocket to the
// moment the operator originate (POST /ari/channels) for that call arrives at its HTTP server.
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startSimulator, type PhoneBehaviour, type SimCall } from '../src/sim/simulator.js'
import type { WireEntry } from '../src/sim/wire-log.js'

export type SimCommand =
  | { cmd: 'addEndpoints'; resources: string[]; behaviour: PhoneBehaviour }
  | { cmd: 'setBehaviour'; resources: string[]; behaviour: PhoneBehaviour }
  /** Open loop: `ratePerSecond` new calls for `durationMs`, then wait up to `drainMs` for setups. */
  | { cmd: 'load'; ratePerSecond: number; durationMs: number; drainMs: number; dids: string[]; callerHangupAfterMs: number }
  /**
   * Closed loop: `concurrency` callers, each calling again `thinkMs` (uniform 0..thinkMs) after its
   * call ends; first calls spread over `staggerMs` so arrivals do not come in waves.
   */
  | { cmd: 'closed'; concurrency: number; durationMs: number; staggerMs: number; thinkMs: number; dids: string[]; callerHangupAfterMs: number }
  /** `size` calls placed in the same tick, `rounds` times, each round after the previous one ended. */
  | { cmd: 'burst'; size: number; rounds: number; dids: string[]; callerHangupAfterMs: number }
  /** Calls that stay up: placed at `ratePerSecond`, answered by operators that never hang up. */
  | { cmd: 'hold'; count: number; ratePerSecond: number; dids: string[]; callerHangupAfterMs: number }
  | { cmd: 'hangupAll'; timeoutMs: number }
  /** ARI transport faults: reset every HTTP connection and event WebSocket every `resetEveryMs` (null stops); replies with the resets so far. */
  | { cmd: 'ariFaults'; resetEveryMs: number | null }
  | { cmd: 'stats' }
  | { cmd: 'close' }

export interface SetupReport {
  placed: number
  /** StasisStart → originate arrival, ms, one per call that got an originate. */
  setupMs: number[]
  /** Setups whose originate arrived before the offering window closed. */
  setupsInWindow: number
  windowMs: number
  /** Calls that never got an originate (within the drain time). */
  noOriginate: number
  /** ARI answers with status >= 400, by operation and status. */
  ariErrors: Record<string, number>
  /** Calls that ended on the sim side while the command ran. */
  ended: number
  /** Calls Asterisk declined at once because no WebSocket held the Stasis app (they never reached ringlead). */
  declined: number
  cpuUserMs: number
  cpuSystemMs: number
}

export interface SimStats { channels: number; bridges: number; rssMb: number; heapUsedMb: number }

export type SimReply =
  | { kind: 'ready'; ariUrl: string; amiPort: number; spoolDir: string }
  | { kind: 'done'; seq: number; result: unknown }
  | { kind: 'failed'; seq: number; error: string }

interface Pending { token: string; t0: number | null; t1: number | null }

const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-sim-'))
const calls = new Map<string, Pending>()
const byNumber = new Map<string, string>()
let ariErrors: Record<string, number> = {}
let declined = 0
let seq = 0

/** The originate request's arrival time, taken when the HTTP server emits 'request'. */
const serverEmit = http.Server.prototype.emit
;(http.Server.prototype as unknown as { emit: (event: string | symbol, ...args: unknown[]) => boolean }).emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'request') noteRequest(args[0] as http.IncomingMessage)
  return (serverEmit as (event: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args)
}

function noteRequest (req: http.IncomingMessage): void {
  const at = performance.now()
  if (req.method !== 'POST' || !req.url?.startsWith('/ari/channels')) return
  const url = new URL(req.url, 'http://sim')
  if (!/^\/ari\/channels(\/[^/]+)?$/.test(url.pathname)) return
  const callerId = url.searchParams.get('callerId') ?? ''
  const token = /\b(b\d+)\b/.exec(callerId)?.[1] ?? byNumber.get(/<([^>]*)>/.exec(callerId)?.[1] ?? callerId)
  const call = token === undefined ? undefined : calls.get(token)
  if (call && call.t1 === null) call.t1 = at
}

const spoolDir = join(dir, 'spool', 'recording')
const sim = await startSimulator({ recordingsDir: spoolDir })
// No log kept: the bench only needs the StasisStart moments and the error answers.
sim.wire.add = (entry: WireEntry): void => {
  if (entry.kind === 'event') {
    const body = entry.body as { type?: string; args?: string[]; channel?: { caller?: { name?: string } } }
    if (body.type !== 'StasisStart' || body.args?.[0] !== 'inbound') return
    const call = calls.get(body.channel?.caller?.name ?? '')
    if (call && call.t0 === null) call.t0 = performance.now()
  } else if (entry.status >= 400) {
    const key = `${entry.nickname ?? entry.pathTemplate ?? 'unknown'} ${entry.status}`
    ariErrors[key] = (ariErrors[key] ?? 0) + 1
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function placeOne (dids: string[], callerHangupAfterMs: number): SimCall {
  const n = ++seq
  const token = `b${n}`
  const from = `+7916${String(n % 10_000_000).padStart(7, '0')}`
  calls.set(token, { token, t0: null, t1: null })
  byNumber.set(from, token)
  const call = sim.placeCall({ from, callerName: token, did: dids[n % dids.length]!, hangupAfterMs: callerHangupAfterMs })
  void call.ended.then((e) => { if (e.declined) declined++ })
  return call
}

function report (placedTokens: string[], windowEnd: number, windowMs: number, cpu: NodeJS.CpuUsage, ended: number): SetupReport {
  const setupMs: number[] = []
  let inWindow = 0
  let noOriginate = 0
  for (const token of placedTokens) {
    const c = calls.get(token)
    if (!c || c.t0 === null || c.t1 === null) { noOriginate++; continue }
    setupMs.push(c.t1 - c.t0)
    if (c.t1 <= windowEnd) inWindow++
  }
  for (const token of placedTokens) calls.delete(token)
  byNumber.clear()
  const errors = ariErrors
  ariErrors = {}
  const declinedNow = declined
  declined = 0
  return {
    placed: placedTokens.length, setupMs, setupsInWindow: inWindow, windowMs, noOriginate, ariErrors: errors, ended, declined: declinedNow,
    cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000
  }
}

async function waitForSetups (tokens: string[], drainMs: number): Promise<void> {
  const deadline = performance.now() + drainMs
  while (performance.now() < deadline && tokens.some((t) => calls.get(t)?.t1 === null)) await sleep(20)
}

async function load (c: Extract<SimCommand, { cmd: 'load' }>): Promise<SetupReport> {
  ariErrors = {}
  declined = 0
  const tokens: string[] = []
  let ended = 0
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  const total = Math.round(c.ratePerSecond * c.durationMs / 1000)
  while (tokens.length < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) * c.ratePerSecond / 1000) + 1)
    while (tokens.length < due) {
      const call = placeOne(c.dids, c.callerHangupAfterMs)
      tokens.push(`b${seq}`)
      void call.ended.then(() => { ended++ })
    }
    await sleep(2)
  }
  const elapsed = performance.now() - start
  const windowMs = Math.max(c.durationMs, elapsed)
  const cpu = process.cpuUsage(cpu0)
  const windowEnd = start + windowMs
  await waitForSetups(tokens, c.drainMs)
  return report(tokens, windowEnd, windowMs, cpu, ended)
}

async function closedLoop (c: Extract<SimCommand, { cmd: 'closed' }>): Promise<SetupReport> {
  ariErrors = {}
  const tokens: string[] = []
  let ended = 0
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  const caller = async (_: unknown, i: number): Promise<void> => {
    await sleep(c.staggerMs * i / c.concurrency)
    while (performance.now() - start < c.durationMs) {
      const call = placeOne(c.dids, c.callerHangupAfterMs)
      tokens.push(`b${seq}`)
      await call.ended
      ended++
      await sleep(Math.random() * c.thinkMs)
    }
  }
  await Promise.all(Array.from({ length: c.concurrency }, caller))
  const windowMs = performance.now() - start
  return report(tokens, start + windowMs, windowMs, process.cpuUsage(cpu0), ended)
}

async function burst (c: Extract<SimCommand, { cmd: 'burst' }>): Promise<SetupReport> {
  ariErrors = {}
  const tokens: string[] = []
  let ended = 0
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  for (let round = 0; round < c.rounds; round++) {
    const endings: Array<Promise<unknown>> = []
    for (let i = 0; i < c.size; i++) {
      const call = placeOne(c.dids, c.callerHangupAfterMs)
      tokens.push(`b${seq}`)
      endings.push(call.ended.then(() => { ended++ }))
    }
    await Promise.race([Promise.all(endings), sleep(c.callerHangupAfterMs + 5000)])
  }
  const windowMs = performance.now() - start
  return report(tokens, start + windowMs, windowMs, process.cpuUsage(cpu0), ended)
}

const held: SimCall[] = []

async function hold (c: Extract<SimCommand, { cmd: 'hold' }>): Promise<SetupReport> {
  ariErrors = {}
  const tokens: string[] = []
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  while (tokens.length < c.count) {
    const due = Math.min(c.count, Math.floor((performance.now() - start) * c.ratePerSecond / 1000) + 1)
    while (tokens.length < due) {
      held.push(placeOne(c.dids, c.callerHangupAfterMs))
      tokens.push(`b${seq}`)
    }
    await sleep(5)
  }
  const windowMs = performance.now() - start
  await waitForSetups(tokens, 5000)
  return report(tokens, start + windowMs, windowMs, process.cpuUsage(cpu0), 0)
}

async function hangupAll (timeoutMs: number): Promise<{ hungUp: number }> {
  const calls = held.splice(0)
  for (const call of calls) sim.hangup(call.channelId)
  await Promise.race([Promise.all(calls.map((c) => c.ended)), sleep(timeoutMs)])
  return { hungUp: calls.length }
}

function stats (): SimStats {
  const mem = process.memoryUsage()
  return { channels: sim.channels().length, bridges: sim.bridges().length, rssMb: mem.rss / 2 ** 20, heapUsedMb: mem.heapUsed / 2 ** 20 }
}

async function handle (c: SimCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'addEndpoints':
      for (const r of c.resources) sim.addEndpoint(r, { registered: true, behaviour: c.behaviour })
      return { added: c.resources.length }
    case 'setBehaviour':
      for (const r of c.resources) sim.setBehaviour(r, c.behaviour)
      return { changed: c.resources.length }
    case 'load': return await load(c)
    case 'closed': return await closedLoop(c)
    case 'burst': return await burst(c)
    case 'hold': return await hold(c)
    case 'hangupAll': return await hangupAll(c.timeoutMs)
    case 'stats': return stats()
    case 'ariFaults':
      sim.ariFaults.resetEvery(c.resetEveryMs)
      return { resets: sim.ariFaults.resets }
    case 'close':
      await sim.close()
      rmSync(dir, { recursive: true, force: true })
      setImmediate(() => process.exit(0))
      return { closed: true }
  }
}

const send = (m: SimReply): void => { process.send?.(m) }
process.on('message', (m: { seq: number; command: SimCommand }) => {
  handle(m.command).then(
    (result) => { send({ kind: 'done', seq: m.seq, result }) },
    (err: Error) => { send({ kind: 'failed', seq: m.seq, error: err.stack ?? err.message }) }
  )
})
process.on('disconnect', () => { void sim.close().finally(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0) }) })
send({ kind: 'ready', ariUrl: sim.ariUrl, amiPort: sim.amiPort, spoolDir })
