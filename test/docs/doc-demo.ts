// The demo daemon the documentation's examples run against, and the placeholders they may use
// (docs/testing.md, "What an example may use"), each looked up the first time an example needs it.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminToken, startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process.js'
import { cliFunction } from './cli-server.js'
import { repoRoot } from './doc-blocks.js'

export const telegramSecret = 'doctest-telegram-secret'
export const newPassword = 'Doctest-passphrase: seven quiet lanterns 4182'

export interface DemoDaemon {
  daemon: DaemonProcess
  url: string
  /** The daemon's own RINGLEAD_* settings: the CLI examples work on its database with them. */
  env: Record<string, string>
  scratch: string
}

/** `src/main.ts` on embedded defaults (SQLite, the built-in simulator with demo traffic) in a temporary directory. */
export async function startDemo (): Promise<DemoDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-doctest-'))
  const env = {
    RINGLEAD_DB_PATH: join(dir, 'ringlead.db'),
    RINGLEAD_RECORDINGS_DIR: join(dir, 'recordings'),
    RINGLEAD_DIALPLAN_INCLUDE_FILE: join(dir, 'asterisk', 'extensions-ringlead.conf'),
    RINGLEAD_TELEGRAM_SECRET_TOKEN: telegramSecret,
    // No Whisper model (transcription queues and waits): the examples read the API's answers, and
    // the random-weight model the demo would generate costs seconds of CPU per call.
    RINGLEAD_SPEECH_MODEL_PATH: join(dir, 'models', 'none.bin'),
    // More synthetic callers than the demo's 5 a minute, so an answered call with its recordings
    // (what `$CALL` and `$REC` name) has ended soon after the start.
    RINGLEAD_SIM_CALLS_PER_MINUTE: '20',
    // A short stop: the demo's calls are still talking when the test ends.
    RINGLEAD_STOP_GRACE_SECONDS: '2'
  }
  const daemon = startDaemonProcess(env)
  const url = await daemon.url
  const scratch = mkdtempSync(join(dir, 'scratch-'))
  return { daemon, url, env, scratch }
}

type Json = Record<string, any>
type Key = 'spareToken' | 'dialplanVersion' | 'anyCall' | 'customers' | 'note' | 'answeredCall'

export class Placeholders {
  private readonly cache = new Map<string, Promise<string>>()
  constructor (private readonly url: string, private readonly deadlineMs: number) {}

  async api (method: string, path: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return text === '' ? {} : JSON.parse(text)
  }

  /** Asks again until `find` gives a value: the demo's traffic makes calls and customers as it goes. */
  private async poll (what: string, find: () => Promise<string | undefined>): Promise<string> {
    const until = Date.now() + this.deadlineMs
    for (;;) {
      const found = await find()
      if (found !== undefined) return found
      if (Date.now() > until) throw new Error(`no ${what} in the demo within ${this.deadlineMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }

  private once (key: string, make: () => Promise<string>): Promise<string> {
    let p = this.cache.get(key)
    if (p === undefined) { p = make(); this.cache.set(key, p) }
    return p
  }

  private readonly makers: Record<Key, () => Promise<string>> = {
    spareToken: async () => (await this.api('POST', '/api/tokens', { name: 'doctest-spare', role: 'supervisor' })).tokenId,
    dialplanVersion: async () => (await this.api('POST', '/api/dialplan/apply')).versionId,
    anyCall: () => this.poll('call', async () => (await this.api('GET', '/api/calls?limit=1')).calls[0]?.callId),
    customers: () => this.poll('two customers', async () => {
      const ids = [...new Set((await this.api('GET', '/api/calls?limit=50')).calls.map((c: Json) => c.customerId).filter(Boolean))]
      return ids.length >= 2 ? `${ids[0]} ${ids[1]}` : undefined
    }),
    note: async () => {
      const [customer] = (await this.get('customers')).split(' ')
      return (await this.api('POST', `/api/customers/${customer}/notes`, { text: 'a note for the examples' })).noteId
    },
    answeredCall: () => this.poll('answered call with a stored recording of each party', async () => {
      // Few requests a round (the API may limit a client's rate): inbound calls that have ended.
      const ended = (await this.api('GET', '/api/calls?status=answered&direction=inbound&limit=5')).calls.filter((c: Json) => c.endedAt !== null)
      for (const c of ended) {
        const story = await this.api('GET', `/api/calls/${c.callId}`)
        const rec = story.recordings.find((r: Json) => r.status === 'stored')
        // Its whole conversation plays too (docs/speech.md asks for it).
        if (rec !== undefined && story.conversationUrl != null) return `${c.callId} ${rec.recordingId}`
      }
      return undefined
    })
  }

  private leads = 0

  /** A new lead for every example that names one, so one example's outcome cannot refuse another's move. */
  private async newLead (): Promise<string> {
    const phone = `+7 903 555-${String(4000 + ++this.leads).slice(0, 2)}-${String(4000 + this.leads).slice(2)}`
    return (await this.api('POST', '/api/leads', { name: 'Doc Test', phone, message: 'a lead for the examples' })).lead.leadId
  }

  get (key: Key): Promise<string> {
    return this.once(key, this.makers[key])
  }

  /**
   * Starts looking for what the demo's traffic makes (an answered call with its recordings, two
   * customers) now, while the first examples run, instead of when an example first names it. A
   * failure is kept for the example that asks.
   */
  lookAhead (keys: Key[]): void {
    for (const key of keys) this.get(key).catch(() => {})
  }

  /** The example's text with its placeholders filled, and the variables it may read. */
  async fill (code: string): Promise<{ code: string; env: Record<string, string> }> {
    const env: Record<string, string> = { T: adminToken, RINGLEAD_TELEGRAM_SECRET_TOKEN: telegramSecret, RINGLEAD_NEW_PASSWORD: newPassword }
    const port = new URL(this.url).port
    let out = code.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`).replaceAll('localhost:3000', `127.0.0.1:${port}`)
    out = out.replaceAll('rl_…', adminToken)
    if (out.includes('lead_…')) out = out.replaceAll('lead_…', await this.newLead())
    if (out.includes('tok_…')) out = out.replaceAll('tok_…', await this.get('spareToken'))
    if (out.includes('dpv_…')) out = out.replaceAll('dpv_…', await this.get('dialplanVersion'))
    if (out.includes('call_…')) out = out.replaceAll('call_…', await this.get('anyCall'))
    if (/cus_(…|first|second)/.test(out) || out.includes('note_…')) {
      const [first, second] = (await this.get('customers')).split(' ') as [string, string]
      out = out.replaceAll('cus_…', first).replaceAll('cus_first', first).replaceAll('cus_second', second)
      if (out.includes('note_…')) out = out.replaceAll('note_…', await this.get('note'))
    }
    if (/\$\{?(CALL|REC)\b/.test(out)) {
      const [call, rec] = (await this.get('answeredCall')).split(' ') as [string, string]
      env.CALL = call
      env.REC = rec
    }
    return { code: out, env }
  }
}

const packageScripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

/** What `npm run cli` runs; the CLI examples are answered in-process by the same `runCli` (cli-server.ts). */
export const cliScript = 'node --import tsx src/cli.ts'

/**
 * Shell functions every example runs with. curl fails on an HTTP error. `npm run cli -- ARGS` goes to
 * the test's CLI server; any other `npm run NAME -- ARGS` runs the checkout's script in the checkout as
 * npm does (a `node …` script directly, sparing npm's own start-up).
 */
export function prelude (cli: { url: string; dir: string }): string {
  if (packageScripts.cli !== cliScript) throw new Error(`package.json: scripts.cli is "${packageScripts.cli}", the doc test expects "${cliScript}"`)
  const direct = Object.entries(packageScripts).filter(([name, command]) => name !== 'cli' && /^node /.test(command))
  const cases = direct.map(([name, command]) => `      ${name}) shift 2; [ "$1" = "--" ] && shift; (cd ${JSON.stringify(repoRoot)} && ${command} "$@"); return ;;`)
  return [
    'curl () { command curl --fail-with-body --show-error --max-time 30 "$@"; }',
    cliFunction(cli.url, cli.dir),
    'npm () {',
    '  if [ "$1" = run ]; then',
    '    case "$2" in',
    '      cli) shift 2; [ "$1" = "--" ] && shift; ringlead_cli "$@"; return ;;',
    ...cases,
    '    esac',
    '  fi',
    `  command npm --prefix ${JSON.stringify(repoRoot)} --silent "$@"`,
    '}'
  ].join('\n')
}

export interface RunResult { code: number | null; signal: string | null; output: string; timedOut: boolean; ms: number }

/** One example under bash -e -o pipefail, in its own process group so a deadline can end all of it. */
export function runExample (code: string, opts: { cwd: string; env: Record<string, string>; deadlineMs: number; cli: { url: string; dir: string } }): Promise<RunResult> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', `${prelude(opts.cli)}\n${code}\n`], {
      cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true
    })
    let output = ''
    child.stdout.on('data', (c: Buffer) => { output += c.toString() })
    child.stderr.on('data', (c: Buffer) => { output += c.toString() })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err // ESRCH: it ended meanwhile
      }
    }, opts.deadlineMs)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      resolve({ code: exitCode, signal, output, timedOut, ms: Date.now() - started })
    })
  })
}
