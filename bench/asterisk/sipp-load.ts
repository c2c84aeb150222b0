// sipp as the carrier (a UAC placing calls at a set rate) and as the 100 operator phones (one UAS
// every operator's contact points at), and the set-up delay read from their logs: the carrier logs
// "IN <caller> <s> <us>" just before each INVITE leaves, the phones log "OUT <caller> <s> <us>" as
// each INVITE arrives. The caller's number is unique per call and is what Asterisk passes on as the
// operator leg's caller id, so IN and OUT of one call share it. Both run on this machine's clock.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchSettings } from './settings.js'

const scenarioDir = join(dirname(fileURLToPath(import.meta.url)), 'sipp')

export interface SippProcess { child: ChildProcess; exited: Promise<number | null>; stop (): Promise<void> }

function spawnSipp (settings: BenchSettings, args: string[], out: string): SippProcess {
  const child = spawn(settings.sipp, [...args, '-nostdin'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (c: Buffer) => { err += c.toString() })
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (e) => { writeFileSync(out, `${e.message}\n${err}`); resolve(-1) })
    child.once('exit', (code) => { if (err !== '') writeFileSync(out, err); resolve(code) })
  })
  return {
    child,
    exited,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

/** Whether something holds the UDP port (Linux /proc/net/udp). */
function udpPortTaken (port: number): boolean {
  if (!existsSync('/proc/net/udp')) return true
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1).some((l) => l.trim().split(/\s+/)[1]?.endsWith(hex) === true)
}

/** The operators' phones: ring `ringMs`, answer, echo the audio back, wait for the BYE. */
export async function startPhones (settings: BenchSettings, dir: string): Promise<SippProcess> {
  const p = spawnSipp(settings, [
    '-sf', join(scenarioDir, 'phones.xml'),
    '-i', settings.phones.host, '-p', String(settings.phones.port), '-mp', '6200', '-rtp_echo',
    '-d', String(settings.ringMs), '-l', '5000',
    '-trace_logs', '-log_file', join(dir, 'phones.log'),
    '-trace_err', '-error_file', join(dir, 'phones.err')
  ], join(dir, 'phones.stderr'))
  const deadline = Date.now() + 5000
  while (!udpPortTaken(settings.phones.port)) {
    if (Date.now() > deadline || p.child.exitCode !== null) {
      await p.stop()
      throw new Error(`sipp phones did not listen on ${settings.phones.host}:${settings.phones.port}; see ${dir}/phones.*`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return p
}

/** Unique caller numbers for one run: +7 9SS RR NNNNN (SS = series, RR = run, N = call). */
export function callerNumbers (run: number, calls: number, series = '03'): string[] {
  return Array.from({ length: calls }, (_, i) => `+79${series}${String(run % 100).padStart(2, '0')}${String(i + 1).padStart(5, '0')}`)
}

/** Places `calls` calls at `rate` per second to `did`; resolves when sipp exits. */
export function runCarrier (settings: BenchSettings, dir: string, did: string, rate: number, numbers: string[]): SippProcess {
  writeFileSync(join(dir, 'callers.csv'), `SEQUENTIAL\n${numbers.map((n) => `${n};`).join('\n')}\n`)
  let scenario = readFileSync(join(scenarioDir, 'carrier.xml'), 'utf8')
  scenario = settings.pcap === ''
    ? scenario.replace(/<!--MEDIA[\s\S]*?MEDIA-->/, '')
    : scenario.replace(/<!--MEDIA ([\s\S]*?) MEDIA-->/, '$1').replaceAll('PCAP_AUDIO', settings.pcap)
  writeFileSync(join(dir, 'carrier.xml'), scenario)
  return spawnSipp(settings, [
    `${settings.sip.host}:${settings.sip.port}`,
    '-sf', join(dir, 'carrier.xml'), '-inf', join(dir, 'callers.csv'),
    '-i', settings.carrier.host, '-p', String(settings.carrier.port), '-mp', '6100',
    '-s', did, '-d', String(settings.talkMs),
    '-r', String(rate), '-rp', '1000', '-m', String(numbers.length), '-l', '5000',
    '-recv_timeout', '15000', '-timeout', `${Math.ceil(numbers.length / rate) + 60}s`, '-timeout_error',
    '-trace_logs', '-log_file', join(dir, 'carrier.log'),
    '-trace_err', '-error_file', join(dir, 'carrier.err'),
    '-trace_stat', '-stf', join(dir, 'carrier.csv')
  ], join(dir, 'carrier.stderr'))
}

export interface SetupFigures {
  placed: number
  /** Calls whose operator got the INVITE and whose caller hung up normally (BYE answered). */
  succeeded: number
  /** INVITE-in → first INVITE-out per call, ms. */
  delaysMs: number[]
}

function readLines (path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []
}

/** sipp's numbers print as floats ("1796243089.000000 25937.000000"). */
const epochUs = (s: string, us: string): number => Math.round(Number(s)) * 1e6 + Math.round(Number(us))

export function setupFigures (dir: string, numbers: string[]): SetupFigures {
  const sent = new Map<string, number>()
  const ok = new Set<string>()
  for (const line of readLines(join(dir, 'carrier.log'))) {
    const f = line.trim().split(/\s+/)
    if (f[0] === 'IN' && f.length >= 4) sent.set(f[1]!, epochUs(f[2]!, f[3]!))
    else if (f[0] === 'OK' && f[1] !== undefined) ok.add(f[1])
  }
  const arrived = new Map<string, number>()
  for (const line of readLines(join(dir, 'phones.log'))) {
    const f = line.trim().split(/\s+/)
    if (f[0] !== 'OUT' || f.length < 4) continue
    // Asterisk may put the number in the From as sent, or without its "+".
    const caller = f[1]!.startsWith('+') ? f[1]! : `+${f[1]!}`
    if (!arrived.has(caller)) arrived.set(caller, epochUs(f[2]!, f[3]!))
  }
  const delaysMs: number[] = []
  let succeeded = 0
  for (const n of numbers) {
    const a = sent.get(n)
    const b = arrived.get(n)
    if (a === undefined || b === undefined) continue
    delaysMs.push((b - a) / 1000)
    if (ok.has(n)) succeeded++
  }
  return { placed: numbers.length, succeeded, delaysMs }
}
