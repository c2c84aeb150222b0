// sipp processes playing the carrier and the operators' phones, with the scenarios in sipp/.
import { spawn } from 'node:child_process'
import { openSync, closeSync, readFileSync, existsSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabSettings, SipAddress } from './lab-settings.js'

const scenarioDir = join(dirname(fileURLToPath(import.meta.url)), 'sipp')

/** How an operator's phone behaves when Asterisk rings it. */
export type PhoneBehaviour =
  | { kind: 'answer'; afterMs?: number; calls?: number }
  | { kind: 'answer_then_hang_up'; talkMs: number }
  | { kind: 'busy' }
  | { kind: 'no_answer' }
  /** Answers after `afterMs`, presses `digit` (SIP INFO) a second later, waits for BYE. */
  | { kind: 'answer_and_press'; digit: string; afterMs?: number }

/** What the caller does. */
export type CallerBehaviour =
  | { kind: 'talk'; talkMs: number }
  | { kind: 'abandon'; ringMs: number }
  | { kind: 'wait_for_refusal' }
  | { kind: 'wait_for_bye' }
  /** Presses `digit` (SIP INFO) 1.5 s after the answer, stays `stayMs` more, hangs up. */
  | { kind: 'press'; digit: string; stayMs: number }
  /** Talks for `talkMs`, sending `audioFile` (raw 8 kHz µ-law, looped) as RTP, then hangs up. */
  | { kind: 'talk_audio'; talkMs: number; audioFile: string }

export interface SippExit { code: number | null; signal: NodeJS.Signals | null; atMs: number }

export interface SippRun {
  name: string
  /** Settles when the process exits: code 0 means every call went as the scenario says. */
  exited: Promise<SippExit>
  stop (): Promise<void>
  /** sipp's error log and the last SIP messages it saw, for failure messages. */
  diagnostics (): string
}

const phoneScenario: Record<PhoneBehaviour['kind'], string> = {
  answer: 'phone-answer.xml',
  answer_then_hang_up: 'phone-answer-then-hang-up.xml',
  busy: 'phone-busy.xml',
  no_answer: 'phone-no-answer.xml',
  answer_and_press: 'phone-answer-key.xml'
}

const callerScenario: Record<CallerBehaviour['kind'], string> = {
  talk: 'carrier-call.xml',
  abandon: 'carrier-abandon.xml',
  wait_for_refusal: 'carrier-unanswered.xml',
  wait_for_bye: 'carrier-held.xml',
  press: 'carrier-key.xml',
  talk_audio: 'carrier-call.xml'
}

/**
 * carrier-call.xml that also sends audio: sipp reads rtp_stream's file name when it loads the
 * scenario (no [key] there), so the scenario is written per file, beside the logs.
 */
function scenarioWithAudio (logDir: string, name: string, audioFile: string): string {
  const xml = readFileSync(join(scenarioDir, 'carrier-call.xml'), 'utf8')
    .replace('<pause/>', `<nop><action><exec rtp_stream="${audioFile},-1,0"/></action></nop>\n  <pause/>`)
  const path = join(logDir, `${name}-scenario.xml`)
  writeFileSync(path, xml)
  return path
}

/** sipp's own RTP port, away from Asterisk's range and from the other sipp processes. */
const mediaPortFor = (sipPort: number): number => 20000 + (sipPort % 1000) * 10

function tail (path: string, chars: number): string {
  if (!existsSync(path)) return ''
  const text = readFileSync(path, 'utf8')
  return text.length > chars ? `…${text.slice(-chars)}` : text
}

function run (settings: LabSettings, logDir: string, name: string, args: string[]): SippRun {
  const base = join(logDir, name)
  const out = openSync(`${base}.out`, 'w')
  const child = spawn(settings.sipp, [
    ...args,
    '-nostdin',
    '-trace_msg', '-message_file', `${base}.msg`,
    '-trace_err', '-error_file', `${base}.err`
  ], { stdio: ['ignore', out, out] })
  closeSync(out)
  const exited = new Promise<SippExit>((resolve) => {
    child.once('error', () => { resolve({ code: -1, signal: null, atMs: Date.now() }) })
    child.once('exit', (code, signal) => { resolve({ code, signal, atMs: Date.now() }) })
  })
  return {
    name,
    exited,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    diagnostics () {
      return [`sipp ${name} (${base}.*)`, tail(`${base}.err`, 1500), tail(`${base}.out`, 600), tail(`${base}.msg`, 2500)].filter(Boolean).join('\n')
    }
  }
}

/** Whether some socket holds the UDP port (Linux: /proc/net/udp), without touching it. */
function udpPortTaken (port: number): boolean | null {
  if (!existsSync('/proc/net/udp')) return null
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)
    .some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex) === true)
}

/** Resolves once sipp is listening on the phone's port (or, without /proc, after a pause). */
async function listening (where: SipAddress, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const taken = udpPortTaken(where.port)
    if (taken === null) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      return true
    }
    if (taken) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return false
}

/** A sipp UAS where the endpoint's static contact points, behaving as told. */
export async function startPhone (settings: LabSettings, logDir: string, endpoint: string, behaviour: PhoneBehaviour): Promise<SippRun> {
  const where = settings.phones.get(endpoint)
  if (!where) throw new Error(`no phone address for endpoint ${endpoint} in RINGLEAD_IT_PHONES`)
  return await startPhoneAt(settings, logDir, `phone-${endpoint}`, where, behaviour)
}

/** A sipp UAS listening at `where` (an operator's contact, or the carrier's for a dialled customer). */
export async function startPhoneAt (settings: LabSettings, logDir: string, name: string, where: SipAddress, behaviour: PhoneBehaviour): Promise<SippRun> {
  const calls = behaviour.kind === 'answer' ? behaviour.calls ?? 1 : 1
  const pauseMs = behaviour.kind === 'answer' || behaviour.kind === 'answer_and_press'
    ? behaviour.afterMs ?? 1000
    : behaviour.kind === 'answer_then_hang_up' ? behaviour.talkMs : 0
  const phone = run(settings, logDir, name, [
    '-sf', join(scenarioDir, phoneScenario[behaviour.kind]),
    '-i', where.host, '-p', String(where.port), '-mp', String(mediaPortFor(where.port)), '-rtp_echo',
    '-m', String(calls), '-d', String(pauseMs),
    ...(behaviour.kind === 'answer_and_press' ? ['-key', 'digit', behaviour.digit] : [])
  ])
  const early = await Promise.race([listening(where, 5000), phone.exited.then(() => 'exited' as const)])
  if (early !== true) {
    await phone.stop()
    throw new Error(`sipp ${name} did not listen on ${where.host}:${where.port}\n${phone.diagnostics()}`)
  }
  return phone
}

export interface PlacedCall {
  from: string
  callerName?: string
  did: string
  caller: CallerBehaviour
  /** The carrier's SIP port for this call (default: RINGLEAD_IT_CARRIER's): two calls at once need two. */
  carrierPort?: number
}

/**
 * The scenario's path; with audio configured, a copy whose commented media block (the pcap played
 * once answered) is switched on, so the calls carry RTP as a real carrier's do.
 */
function withMedia (settings: LabSettings, logDir: string, scenario: string, seq: number): string {
  const path = join(scenarioDir, scenario)
  const text = readFileSync(path, 'utf8')
  if (settings.pcap === '' || !text.includes('<!--MEDIA')) return path
  const copy = join(logDir, `carrier-${seq}-${scenario}`)
  writeFileSync(copy, text.replace(/<!--MEDIA ([\s\S]*?) MEDIA-->/, '$1').replaceAll('PCAP_AUDIO', settings.pcap))
  return copy
}

/** A sipp UAC playing the carrier: one call to the DID, from the number, behaving as told. */
export function placeCall (settings: LabSettings, logDir: string, call: PlacedCall, seq: number): SippRun {
  const c = call.caller
  const pauseMs = c.kind === 'talk' || c.kind === 'talk_audio' ? c.talkMs : c.kind === 'abandon' ? c.ringMs : c.kind === 'press' ? c.stayMs : 0
  const port = call.carrierPort ?? settings.carrier.port
  const scenario = c.kind === 'talk_audio' ? scenarioWithAudio(logDir, `carrier-${seq}`, c.audioFile) : withMedia(settings, logDir, callerScenario[call.caller.kind], seq)
  return run(settings, logDir, `carrier-${seq}`, [
    `${settings.sip.host}:${settings.sip.port}`,
    '-sf', scenario,
    '-i', settings.carrier.host, '-p', String(port), '-mp', String(mediaPortFor(port)),
    '-s', call.did,
    '-key', 'caller', call.from,
    '-key', 'caller_name', call.callerName ?? 'Caller',
    '-m', '1', '-d', String(pauseMs),
    ...(c.kind === 'press' ? ['-key', 'digit', c.digit] : []),
    '-timeout', '120s', '-timeout_error'
  ])
}
