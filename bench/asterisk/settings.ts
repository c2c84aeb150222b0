// The real-Asterisk bench's settings, all from RINGLEAD_BENCH_ASTERISK_* variables (defaults match
// bench/asterisk/asterisk-config). Without RINGLEAD_BENCH_ASTERISK_ARI_URL the bench is skipped.
import { readdirSync, readFileSync } from 'node:fs'

export interface HostPort { host: string; port: number }

export interface BenchSettings {
  ari: { url: string; user: string; password: string }
  ami: { host: string; port: number; user: string; secret: string }
  sip: HostPort
  carrier: HostPort
  phones: HostPort
  /** Endpoints of the operators (PJSIP/2001 …), the same for all three contenders. */
  operators: string[]
  dids: { ringlead: string; floor: string; queue: string }
  asteriskPid: number | null
  rates: number[]
  durationS: number
  /** At least this many calls a run, however low the rate: a p99 of 100 calls is their second slowest. */
  minCalls: number
  /**
   * Unmeasured calls before each run, at `warmUpRate`: a production daemon has handled thousands, and
   * V8 needs thousands before ringlead's call path runs as it will for the rest of the day (with ten,
   * TurboFan was still compiling 30 s into a run at 40 calls/s; after 300, ringlead still needed
   * about 11 % more CPU a call than after 3,000 against the machine's pace, the floor 5 %;
   * docs/benchmarks.md, seventeenth pass).
   */
  warmUpCalls: number
  warmUpRate: number
  rounds: number
  contenders: Contender[]
  ringMs: number
  talkMs: number
  /** A-law audio the carrier plays once answered (sipp play_pcap_audio); '' = no media. */
  pcap: string
  recordingRates: number[]
  recordingModes: string[]
  /** How the floor records in the three-way comparison (floor-app.ts FLOOR_RECORDING): none by default. */
  floorRecording: string
  /** How ringlead records (its RINGLEAD_RECORDINGS_METHOD): mixmonitor by default, none to compare with the floor's none. */
  ringleadRecording: string
  /** Asterisk's stored-recordings directory on this machine ('' when not shared): ringlead's RINGLEAD_RECORDINGS_SPOOL_DIR. */
  spoolDir: string
  sipp: string
  /** Where sipp logs and ringlead's database go; kept after the run. */
  workDir: string
  /** ringlead settings laid over the bench's own (DAEMON_ENV), to weigh one part of the product. */
  daemonEnv: Record<string, string>
}

export type Contender = 'ringlead' | 'floor' | 'queue'

const PREFIX = 'RINGLEAD_BENCH_ASTERISK_'

function hostPort (text: string, name: string): HostPort {
  const m = /^([^:]+):(\d+)$/.exec(text)
  if (!m) throw new Error(`${PREFIX}${name} must be host:port, got "${text}"`)
  return { host: m[1]!, port: Number(m[2]) }
}

function numbers (text: string, name: string): number[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number)
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`${PREFIX}${name} must be positive numbers separated by commas, got "${text}"`)
  return list
}

/** "2001-2100" or "2001,2002": PJSIP endpoints. */
function operatorList (text: string): string[] {
  const out: string[] = []
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part)
    if (range) for (let n = Number(range[1]); n <= Number(range[2]); n++) out.push(`PJSIP/${n}`)
    else out.push(part.includes('/') ? part : `PJSIP/${part}`)
  }
  return out
}

/** The one process named "asterisk", when there is exactly one. */
function findAsterisk (): number | null {
  let found: number[] = []
  try {
    found = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'asterisk' } catch { return false }
    }).map(Number)
  } catch { return null } // no /proc: no CPU figures
  return found.length === 1 ? found[0]! : null
}

export function benchSettings (env: NodeJS.ProcessEnv = process.env): BenchSettings | null {
  const get = (name: string, fallback: string): string => env[`${PREFIX}${name}`] ?? fallback
  const url = env[`${PREFIX}ARI_URL`]
  if (url === undefined || url === '') return null
  const contenders = get('CONTENDERS', 'ringlead,floor,queue').split(',').map((s) => s.trim()).filter(Boolean)
  for (const c of contenders) if (!['ringlead', 'floor', 'queue'].includes(c)) throw new Error(`${PREFIX}CONTENDERS: unknown contender "${c}" (ringlead, floor, queue)`)
  const pidText = get('PID', '')
  const modes = get('RECORDING_MODES', 'none,ringlead,snoop,mixmonitor,mixmonitor-rt').split(',').map((s) => s.trim()).filter(Boolean)
  return {
    ari: { url: url.replace(/\/+$/, ''), user: get('ARI_USER', 'bench'), password: get('ARI_PASSWORD', 'bench') },
    ami: { host: get('AMI_HOST', '127.0.0.1'), port: Number(get('AMI_PORT', '5039')), user: get('AMI_USER', 'bench'), secret: get('AMI_SECRET', 'bench') },
    sip: hostPort(get('SIP', '127.0.0.1:5080'), 'SIP'),
    carrier: hostPort(get('CARRIER', '127.0.0.1:5081'), 'CARRIER'),
    phones: hostPort(get('PHONES', '127.0.0.1:5082'), 'PHONES'),
    operators: operatorList(get('OPERATORS', '2001-2100')),
    dids: { ringlead: get('DID_RINGLEAD', '74950000001'), floor: get('DID_FLOOR', '74950000002'), queue: get('DID_QUEUE', '74950000003') },
    asteriskPid: pidText === '' ? findAsterisk() : Number(pidText),
    rates: numbers(get('RATES', '5,20,40,80'), 'RATES'),
    durationS: Number(get('DURATION_S', '20')),
    minCalls: Number(get('MIN_CALLS', '300')),
    warmUpCalls: Number(get('WARM_UP_CALLS', '3000')),
    warmUpRate: Number(get('WARM_UP_RATE', '40')),
    rounds: Number(get('ROUNDS', '1')),
    contenders: contenders as Contender[],
    ringMs: Number(get('RING_MS', '100')),
    talkMs: Number(get('TALK_MS', '800')),
    pcap: get('PCAP', '/usr/share/sip-tester/g711a.pcap'),
    recordingRates: get('RECORDING_RATES', '20,40') === 'off' ? [] : numbers(get('RECORDING_RATES', '20,40'), 'RECORDING_RATES'),
    recordingModes: modes,
    floorRecording: get('FLOOR_RECORDING', 'none'),
    ringleadRecording: ringleadRecording(get('DAEMON_RECORDING', 'mixmonitor')),
    spoolDir: get('SPOOL_DIR', ''),
    sipp: get('SIPP', 'sipp'),
    workDir: get('WORK_DIR', ''),
    daemonEnv: daemonEnv(get('DAEMON_ENV', ''))
  }
}

/**
 * DAEMON_ENV: ringlead settings laid over the daemon's own for the runs, to weigh a part of the
 * product ("RINGLEAD_WEBHOOKS_URLS=" runs it without webhooks). Space-separated NAME=value pairs;
 * a value cannot hold a space.
 */
export function daemonEnv (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text.split(' ').filter(Boolean)) {
    const m = /^(RINGLEAD_[A-Z0-9_]+)=(.*)$/.exec(pair)
    if (m === null) throw new Error(`${PREFIX}DAEMON_ENV: "${pair}" is not RINGLEAD_NAME=value`)
    out[m[1]!] = m[2]!
  }
  return out
}

function ringleadRecording (value: string): string {
  if (!['mixmonitor', 'ari', 'none'].includes(value)) throw new Error(`${PREFIX}DAEMON_RECORDING: "${value}" is not one of mixmonitor, ari, none`)
  return value
}

/** Calls placed in one run at `rate`: `durationS` seconds of them, and never fewer than `minCalls`. */
export function callsPerRun (s: Pick<BenchSettings, 'durationS' | 'minCalls'>, rate: number): number {
  return Math.max(1, Math.round(rate * s.durationS), s.minCalls)
}
