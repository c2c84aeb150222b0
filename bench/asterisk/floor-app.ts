// The floor: a minimal ARI app that does only what connecting a caller needs. StasisStart of a
// caller → originate to the free operator idle longest → on the operator's answer, answer the caller
// and bridge both; either side hanging up ends the call and frees the operator. Callers with no free
// operator wait in a FIFO. Plain ws + fetch, no ORM, no logs per call: what ringlead adds beyond this
// is what ringlead costs.
//
// FLOOR_RECORDING picks how a call is recorded once bridged (to compare what Asterisk charges):
//   none          no recording
//   ringlead      ringlead's way today: bridge recording (mixed) + per party a snoop channel (spy in)
//                 recorded over ARI: 3 recordings, 2 extra channels
//   snoop         per party a snoop (spy in) recorded over ARI, no mixed: 2 recordings, 2 channels
//   mixmonitor    AMI MixMonitor on the caller: mixed file + r() caller + t() operator, one audiohook
//   mixmonitor-rt AMI MixMonitor with r() and t() only: per-party files, no mixed
//
// Run by bench/asterisk/run.ts as a child process; configured by environment:
// FLOOR_ARI_URL, FLOOR_ARI_USER, FLOOR_ARI_PASSWORD, FLOOR_APP (floor), FLOOR_ENDPOINTS
// (PJSIP/2001,…), FLOOR_RECORDING, FLOOR_AMI_HOST/PORT/USER/SECRET (mixmonitor modes).
// Prints `floor ready` once subscribed; on SIGTERM prints one `floor summary {json}` line and exits.
import { Agent, setGlobalDispatcher } from 'undici'
import WebSocket from 'ws'
import { AmiClient } from './ami-client.js'

const env = process.env
const ariUrl = env.FLOOR_ARI_URL ?? 'http://127.0.0.1:8090'
const app = env.FLOOR_APP ?? 'floor'
const auth = `Basic ${Buffer.from(`${env.FLOOR_ARI_USER ?? 'bench'}:${env.FLOOR_ARI_PASSWORD ?? 'bench'}`).toString('base64')}`
const recording = env.FLOOR_RECORDING ?? 'none'
const modes = ['none', 'ringlead', 'snoop', 'mixmonitor', 'mixmonitor-rt']
if (!modes.includes(recording)) throw new Error(`FLOOR_RECORDING must be one of ${modes.join(', ')}`)
const endpoints = (env.FLOOR_ENDPOINTS ?? '').split(',').filter(Boolean)
if (endpoints.length === 0) throw new Error('FLOOR_ENDPOINTS is empty')

// Enough keep-alive sockets that no command waits behind another.
setGlobalDispatcher(new Agent({ connections: 64, keepAliveTimeout: 4000, pipelining: 1 }))

interface Call {
  callerId: string; number: string
  operator?: string; opChannel?: string; bridgeId?: string
  answered: boolean; over: boolean
}

const free: string[] = [...endpoints]
const waiting: Call[] = []
const calls = new Map<string, Call>()
const byOpChannel = new Map<string, Call>()
const recordSetupMs: number[] = []
/** The first few reasons a recording did not start. */
const recordProblems: string[] = []
const counters = { calls: 0, connected: 0, originateErrors: 0, recordErrors: 0, snoopStarts: 0 }
let seq = 0

async function ari (method: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
  const qs = new URLSearchParams(query).toString()
  const res = await fetch(`${ariUrl}/ari/${path}${qs ? `?${qs}` : ''}`, { method, headers: { authorization: auth } })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}
const quiet = (p: Promise<unknown>): void => { p.catch(() => undefined) }

let ami: AmiClient | null = null

function dial (call: Call): void {
  const operator = free.shift()
  if (operator === undefined) { waiting.push(call); return }
  const opChannel = `floor-op-${process.pid}-${++seq}`
  call.operator = operator
  call.opChannel = opChannel
  byOpChannel.set(opChannel, call)
  ari('POST', 'channels', {
    endpoint: operator, app, appArgs: `dialed,${call.callerId}`, callerId: call.number, timeout: '15', channelId: opChannel
  }).catch(() => {
    counters.originateErrors++
    byOpChannel.delete(opChannel)
    release(operator)
    call.operator = undefined
    call.opChannel = undefined
    if (!call.over) dial(call)
  })
}

function release (operator: string): void {
  const next = waiting.shift()
  free.push(operator)
  if (next !== undefined && !next.over) dial(next)
}

async function connect (call: Call): Promise<void> {
  const bridgeId = `floor-br-${call.callerId}`
  call.bridgeId = bridgeId
  await Promise.all([ari('POST', `channels/${call.callerId}/answer`), ari('POST', 'bridges', { type: 'mixing', bridgeId })])
  await ari('POST', `bridges/${bridgeId}/addChannel`, { channel: `${call.callerId},${call.opChannel!}` })
  counters.connected++
  if (recording === 'none') return
  const started = performance.now()
  try {
    await record(call, bridgeId)
    recordSetupMs.push(performance.now() - started)
  } catch (err) {
    counters.recordErrors++
    if (recordProblems.length < 5) recordProblems.push((err as Error).message.slice(0, 200))
  }
}

const snoopWaiters = new Map<string, () => void>()

async function snoopAndRecord (channelId: string, name: string): Promise<void> {
  const snoopId = `${channelId}-snoop`
  const entered = new Promise<void>((resolve) => { snoopWaiters.set(snoopId, resolve) })
  await ari('POST', `channels/${channelId}/snoop`, { spy: 'in', app, appArgs: 'snoop', snoopId })
  await entered
  await ari('POST', `channels/${snoopId}/record`, { name, format: 'wav', ifExists: 'overwrite' })
}

async function record (call: Call, bridgeId: string): Promise<void> {
  const name = `floor-${call.callerId}`
  if (recording === 'ringlead' || recording === 'snoop') {
    await Promise.all([
      ...(recording === 'ringlead' ? [ari('POST', `bridges/${bridgeId}/record`, { name: `${name}-mixed`, format: 'wav', ifExists: 'overwrite' })] : []),
      snoopAndRecord(call.callerId, `${name}-caller`),
      snoopAndRecord(call.opChannel!, `${name}-operator`)
    ])
    return
  }
  const channel = await channelName(call.callerId)
  const file = recording === 'mixmonitor' ? `${name}-mixed.wav` : ''
  await ami!.action('MixMonitor', { Channel: channel, File: file, Options: `r(${name}-caller.wav)t(${name}-operator.wav)` })
}

const names = new Map<string, string>()
async function channelName (channelId: string): Promise<string> {
  return names.get(channelId) ?? ((await ari('GET', `channels/${channelId}`)) as { name: string }).name
}

function end (call: Call): void {
  if (call.over) return
  call.over = true
  calls.delete(call.callerId)
  names.delete(call.callerId)
  const w = waiting.indexOf(call)
  if (w >= 0) waiting.splice(w, 1)
  quiet(ari('DELETE', `channels/${call.callerId}`))
  if (call.opChannel) quiet(ari('DELETE', `channels/${call.opChannel}`))
  if (call.bridgeId) quiet(ari('DELETE', `bridges/${call.bridgeId}`))
}

interface AriEvent { type: string; args?: string[]; channel?: { id: string; name: string; caller?: { number?: string } } }

function onEvent (e: AriEvent): void {
  const ch = e.channel
  if (!ch) return
  if (e.type === 'StasisStart') {
    const kind = e.args?.[0]
    if (kind === 'inbound') {
      const call: Call = { callerId: ch.id, number: ch.caller?.number ?? '', answered: false, over: false }
      calls.set(ch.id, call)
      names.set(ch.id, ch.name)
      counters.calls++
      dial(call)
    } else if (kind === 'dialed') {
      const call = byOpChannel.get(ch.id)
      if (!call || call.over) { quiet(ari('DELETE', `channels/${ch.id}`)); return }
      call.answered = true
      connect(call).catch(() => { end(call) })
    } else if (kind === 'snoop') {
      counters.snoopStarts++
      snoopWaiters.get(ch.id)?.()
      snoopWaiters.delete(ch.id)
    }
    return
  }
  if (e.type !== 'StasisEnd' && e.type !== 'ChannelDestroyed') return
  const caller = calls.get(ch.id)
  if (caller) { end(caller); return }
  const call = byOpChannel.get(ch.id)
  if (!call) return
  byOpChannel.delete(ch.id)
  release(call.operator!)
  if (call.answered || call.over) { end(call); return }
  // The operator's phone failed before answering: the next one.
  call.operator = undefined
  call.opChannel = undefined
  dial(call)
}

if (recording.startsWith('mixmonitor')) {
  ami = new AmiClient({ host: env.FLOOR_AMI_HOST ?? '127.0.0.1', port: Number(env.FLOOR_AMI_PORT ?? 5039), user: env.FLOOR_AMI_USER ?? 'bench', secret: env.FLOOR_AMI_SECRET ?? 'bench' })
  await ami.connect()
}

const wsUrl = `${ariUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}`
const ws = new WebSocket(wsUrl, { headers: { authorization: auth } })
ws.on('message', (data: Buffer) => { onEvent(JSON.parse(data.toString()) as AriEvent) })
ws.once('open', () => { console.log(`floor ready (recording: ${recording}, ${endpoints.length} operators)`) })
ws.once('error', (err) => { console.error(`floor: ARI events: ${err.message}`); process.exit(1) })

process.once('SIGTERM', () => {
  console.log(`floor summary ${JSON.stringify({ ...counters, recordSetupMs, recordProblems })}`)
  ws.close()
  ami?.close()
  process.exit(0)
})
