// The daemon as a real process under load, stopped with SIGTERM: operators talking to callers and a
// long transcription in hand. Shared by test/calls/stop.test.ts and bench/stop.ts.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Bus } from '../../src/bus.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { randomId } from '../../src/ids.js'
import { openDb } from '../../src/db/open.js'
import { calls, recordings } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { startSimulator } from '../../src/sim/simulator.js'
import { writeRandomWhisperModel } from '../../src/speech/ggml-model.js'
import { testLog, until } from './world.js'

const token = 'stop-test-admin-token-0123456789abcdef'

export interface StopResult {
  exitCode: number | null
  signal: string | null
  /** From SIGTERM to the process's exit, as the parent saw it. */
  tookMs: number
  sentAtMs: number
  stderr: string
  /** The daemon's log (pino writes to stdout). */
  log: string
  /** The talking calls' rows after the stop. */
  calls: Array<{ status: string; endedAt: number | null; endReason: string | null }>
  /** The transcription that was in hand at SIGTERM. */
  job: { state: string; claimedBy: string | null; attempts: number }
}

let modelPath: Promise<string> | null = null

/** Starts a daemon with `talking` live calls and one transcription running, sends SIGTERM, and reports. */
export async function stopUnderLoad (o: { graceSeconds: number; talking: number }): Promise<StopResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-stop-'))
  modelPath ??= (async () => { const p = join(tmpdir(), `ringlead-stop-model-${process.pid}.bin`); await writeRandomWhisperModel(p); return p })()
  // Real seconds: the simulator's recordings then hold as much audio as the calls lasted.
  const sim = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), secondsMs: 1000, log: testLog })
  try {
    const resources = Array.from({ length: o.talking }, (_, i) => String(101 + i))
    for (const r of resources) sim.addEndpoint(r, { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
    const dbPath = join(dir, 'ringlead.db')
    const recordingsDir = join(dir, 'recordings')
    seed(dbPath, recordingsDir, resources)
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env, RINGLEAD_LOG_LEVEL: process.env.STOP_LOG_LEVEL ?? 'warn', RINGLEAD_HTTP_PORT: '0', RINGLEAD_AGI_PORT: '0', RINGLEAD_HTTP_ADMIN_TOKEN: token,
        RINGLEAD_DB_PATH: dbPath, RINGLEAD_ARI_URL: sim.ariUrl, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(sim.amiPort),
        RINGLEAD_RECORDINGS_DIR: recordingsDir, RINGLEAD_SPEECH_MODEL_PATH: await modelPath, RINGLEAD_SPEECH_POLL_MS: '100',
        RINGLEAD_QUEUE_ENABLED: 'false', RINGLEAD_CALLS_WRAP_UP_SECONDS: '0', RINGLEAD_STOP_GRACE_SECONDS: String(o.graceSeconds)
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => { child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
    try {
      await until('daemon listening', () => /ringlead is running: http/.test(stdout) || child.exitCode !== null, 60_000)
      const url = /ringlead is running: (http:\/\/[^/\s]+)/.exec(stdout)?.[1]
      if (url === undefined) throw new Error(`daemon did not start: ${stderr.slice(-2000)}`)
      const health = async (): Promise<any> => await (await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json()
      await until('connected, transcription in hand', async () => { const h = await health(); return h.ari === 'connected' && h.transcription?.inHand === 1 }, 60_000)
      const callers = Array.from({ length: o.talking }, (_, i) => sim.placeCall({ from: `+7903111${String(2000 + i)}`, did: '74950000000' }).channelId)
      // Each caller's own channel in a two-party bridge: live alerts add bridges of two channels of their
      // own (a snoop and its external media), so counting two-channel bridges would miss the moment
      // when those come up before the last caller is bridged.
      const talking = (): number => callers.filter((id) => sim.bridges().some((b) => b.channelIds.length === 2 && b.channelIds.includes(id))).length
      await until('every caller talking', () => talking() === o.talking, 90_000)
        .catch((err: Error) => {
          // What the daemon said and what the simulator holds, to tell why a call was not bridged.
          const held = sim.channels().map((c) => `${c.channelId} ${c.state}`).join(', ')
          throw new Error(`${err.message}; bridges ${JSON.stringify(sim.bridges())}; channels ${held}; daemon log: ${(stdout + stderr).slice(-4000)}`)
        })
      const sentAt = Date.now()
      child.kill('SIGTERM')
      const { code, signal } = await exited
      const tookMs = Date.now() - sentAt
      const db = openDb(dbPath)
      const rows = db.$client.prepare("SELECT status, ended_at AS endedAt, end_reason AS endReason FROM calls WHERE call_id <> 'call_long' ORDER BY started_at").all() as StopResult['calls']
      const job = new SpeechRepo(db).job('stt_long')!
      db.$client.close()
      return { exitCode: code, signal, tookMs, sentAtMs: sentAt, stderr, log: stdout, calls: rows, job: { state: job.state, claimedBy: job.claimedBy, attempts: job.attempts } }
    } finally {
      if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited }
    }
  } finally {
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Operators for every phone, and a finished call with five minutes of recording queued for transcription. */
function seed (dbPath: string, recordingsDir: string, resources: string[]): void {
  const db = openDb(dbPath)
  const ctx = { db, bus: new Bus(), now: Date.now, newId: randomId }
  for (const r of resources) createOperator(ctx, { name: `Operator ${r}`, endpoint: `PJSIP/${r}` }, `op_${r}`)
  mkdirSync(join(recordingsDir, 'old'), { recursive: true })
  execFileSync('sox', ['-n', '-r', '8000', '-b', '16', '-c', '1', join(recordingsDir, 'old', 'long.wav'), 'synth', '300', 'whitenoise', 'vol', '0.3'])
  const at = Date.now() - 3_600_000
  db.insert(calls).values({ callId: 'call_long', direction: 'inbound', status: 'answered', channelId: 'ch_long', callerRaw: '+79990000000', did: '74950000000', startedAt: at, endedAt: at + 300_000 }).run()
  db.insert(recordings).values({ recordingId: 'rec_long', callId: 'call_long', kind: 'mixed', name: 'call_long-mixed', format: 'wav', path: 'old/long.wav', status: 'stored', startedAt: at, endedAt: at + 300_000 }).run()
  new SpeechRepo(db).enqueue('stt_long', 'call_long', 'en', at)
  db.$client.close()
}
