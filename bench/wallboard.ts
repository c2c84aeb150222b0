// Wallboard latency: from an Asterisk event (the simulator's StasisStart for a new call) to the
// "operator ringing" message read by each of 100 SSE clients in a child process. Daemon and
// simulator run here; calls go one at a time so each ringing message belongs to one call.
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { promptLengths, startDaemon } from '../src/daemon.js'
import { createOperator, createTrackingNumber } from '../src/catalog/catalog-service.js'
import { randomId } from '../src/ids.js'
import { createSession, createUser } from '../src/accounts/user-service.js'
import { startSimulator } from '../src/sim/simulator.js'
import { percentiles, printFigures } from './stats.js'

export async function benchWallboard (clients = 100, calls = 200): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-wallboard-'))
  const log = pino({ level: 'silent' })
  const sim = await startSimulator({ recordingsDir: join(dir, 'spool', 'recording'), log, sounds: promptLengths() })
  const config = loadConfig({}, {
    db: { path: join(dir, 'bench.db') }, ari: { url: sim.ariUrl }, ami: { host: '127.0.0.1', port: sim.amiPort },
    recordings: { dir: join(dir, 'recordings') }, http: { port: 0 }, agi: { enabled: false },
    calls: { wrapUpSeconds: 0 }, leads: { dispositionPrompt: false }, queue: { enabled: false }, console: { secureCookies: false }
  })
  const daemon = await startDaemon(config, { log, waitForAsterisk: true, recordingSettleMs: 100, escalationSchedule: false })
  const ctx = { db: daemon.db, bus: daemon.bus, now: Date.now, newId: randomId }
  sim.addEndpoint('501', { registered: true, behaviour: { kind: 'answer', afterMs: 30, hangupAfterMs: 30 } })
  createOperator(ctx, { name: 'Bench operator', endpoint: 'PJSIP/501', isManager: false, skills: {}, mobile: null }, 'op_501')
  createTrackingNumber(ctx, { did: '74950000777', source: 'bench', categoryId: null })
  const user = await createUser(daemon.db, { username: 'bench', role: 'supervisor', password: 'bench-password-0123' }, Date.now())
  const cookie = `rl_session=${createSession(daemon.db, user.userId, Date.now(), 3_600_000)}`

  const child = fork(new URL('./wallboard-clients.ts', import.meta.url).pathname, [`${daemon.url!}/console/live`, cookie, String(clients)], { execArgv: ['--import', 'tsx'] })
  let received: number[][] = []
  let reported: () => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; error?: string; times?: number[][] }) => {
      if (m.error !== undefined) reject(new Error(m.error))
      else if (m.ready === true) resolve()
      else if (m.times !== undefined) { received = m.times; reported() }
    })
  })
  try {
    await ready
    const clock = (): number => performance.timeOrigin + performance.now()
    const sent: number[] = []
    const boardChanged: number[] = []
    let lastState = ''
    daemon.bus.on('operator.state', (e) => {
      if (e.state === 'ringing' && lastState !== 'ringing') boardChanged.push(clock())
      lastState = e.state
    })
    for (let i = 0; i < calls; i++) {
      const ended = new Promise<void>((resolve) => { daemon.bus.once('call.ended', () => resolve()) })
      sent.push(clock())
      sim.placeCall({ from: `+7903${String(1000000 + i)}`, did: '74950000777', hangupAfterMs: 200 })
      await ended
      // The operator is free again before the next call, so each ringing message is this call's.
      while (daemon.board.view('op_501')?.state !== 'available') await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await new Promise((resolve) => setTimeout(resolve, 500)) // the last call's messages are in flight
    await new Promise<void>((resolve) => { reported = resolve; child.send({ report: true }) })
    const samples: number[] = []
    const fanOut: number[] = []
    for (const r of received) {
      r.forEach((t, k) => {
        if (sent[k] !== undefined) samples.push(t - sent[k]!)
        if (boardChanged[k] !== undefined) fanOut.push(t - boardChanged[k]!)
      })
    }
    const p = percentiles(samples)
    const f = percentiles(fanOut)
    const short = received.filter((r) => r.length !== calls).length
    return {
      'SSE clients / calls': `${clients} / ${calls}`,
      'messages measured': String(p.n),
      'clients that missed a message': String(short),
      'StasisStart → SSE message p50 ms': p.p50.toFixed(2),
      'StasisStart → SSE message p99 ms': p.p99.toFixed(2),
      'StasisStart → SSE message max ms': p.max.toFixed(2),
      'of which board change → SSE message (feed, 100 sockets, client read) p50 / p99 ms': `${f.p50.toFixed(2)} / ${f.p99.toFixed(2)}`,
      'target': 'p99 ≤ 50 ms with 100 open consoles'
    }
  } finally {
    child.kill()
    await daemon.stop()
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('wallboard: Asterisk event → SSE message, 100 consoles', await benchWallboard())
