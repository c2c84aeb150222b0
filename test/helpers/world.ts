// A simulator plus an in-process daemon on loopback, for end-to-end call tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig, type Config, type DeepPartial } from '../../src/config.js'
import { promptLengths, startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon.js'
import { createCategory, createOperator, createTrackingNumber, pauseOperator } from '../../src/catalog/catalog-service.js'
import { randomId } from '../../src/ids.js'
import type { CallEnded } from '../../src/domain/call-events.js'
import { nextCallEnded } from './call-ended.js'
import { startSimulator, type PhoneBehaviour, type Simulator } from '../../src/sim/simulator.js'

export const secondsMs = 50

export interface World {
  sim: Simulator
  daemon: Daemon
  dir: string
  addOperator (resource: string, o?: { behaviour?: PhoneBehaviour; registered?: boolean; skills?: Record<string, number>; isManager?: boolean; name?: string; inSim?: boolean; mobile?: string }): string
  addCategory (categoryId: string): void
  addNumber (did: string, o: { source?: string; categoryId?: string }): void
  pause (operatorId: string): void
  /**
   * The party on `channelId` (the call's own channel: the caller, or the operator of an outbound
   * call) hangs up `talkMs` after every track of the call is recording; with `otherSide` the party
   * bridged to them does. The conversation is timed from when it really runs, never from the
   * call's start, which a busy machine may not reach in a fixed time. A call that ends before it
   * is recorded (nobody answered) is left as it ended.
   */
  hangUpWhenRecorded (channelId: string, o?: { talkMs?: number; otherSide?: boolean }): Promise<void>
  /** Resolves with the next call.ended whose call matches, once its end's writes are handed over (call-ended.ts). */
  ended (match?: (e: CallEnded) => boolean): Promise<CallEnded>
  /** The call a caller's channel started (an inbound call is known by its caller's channel). */
  callOf (channelId: string): Promise<string>
  /**
   * Resolves once Asterisk records every track of the call (caller and operator; with ARI also the mixed one): the
   * parties talk, and a hang-up from now on ends an answered, recorded call however busy the machine is.
   */
  talking (callId: string): Promise<void>
  /** The caller id a phone was first dialled with, read from Asterisk's events (a short ring is not missed). */
  dialledWith (resource: string): Promise<{ name: string; number: string }>
  /** The far end of a phone's current call hangs up: BYE from the phone of `resource` (e.g. '101'). */
  hangUpPhone (resource: string): void
  token: string
  close (): Promise<void>
}

export const testLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

/**
 * `simSetup`: real ms per protocol second in the simulator (ring timeouts, prompt lengths), or that and
 * prompt lengths (protocol seconds) that replace or add to the project's, e.g. a prompt that never ends.
 */
export async function startWorld (overrides: DeepPartial<Config> = {}, options: Partial<DaemonOptions> = {}, simSetup: number | { secondsMs?: number; sounds?: Record<string, number>; sharedSpool?: boolean; amiDisabledEvents?: readonly string[] } = {}): Promise<World> {
  const simOptions = typeof simSetup === 'number' ? { secondsMs: simSetup } : simSetup
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-test-'))
  const spoolDir = join(dir, 'spool', 'recording')
  const sim = await startSimulator({ recordingsDir: spoolDir, secondsMs: simOptions.secondsMs ?? secondsMs, log: testLog.child({ part: 'sim' }), sounds: { ...promptLengths(), ...simOptions.sounds }, ...(simOptions.amiDisabledEvents ? { amiDisabledEvents: simOptions.amiDisabledEvents } : {}) })
  const config = loadConfig({}, {
    ...overrides,
    db: { path: ':memory:', ...overrides.db },
    ari: { url: sim.ariUrl, ...overrides.ari },
    ami: { host: '127.0.0.1', port: sim.amiPort, ...overrides.ami },
    // sharedSpool: ringlead on the simulator's disk, taking recordings from its spool.
    recordings: { dir: join(dir, 'recordings'), ...(simOptions.sharedSpool === true ? { spoolDir } : {}), ...overrides.recordings },
    routing: { ringTimeoutSeconds: 4, ...overrides.routing },
    calls: { wrapUpSeconds: 0, attemptGuardMs: 3000, ...overrides.calls },
    http: { adminToken: 'test-admin-token-0123456789abcdef', ...overrides.http },
    leads: { dispositionPrompt: false, ...overrides.leads },
    // Tests of the call core expect a missed call when nobody is free; the queue's tests turn it on.
    queue: { enabled: false, pollMs: 50, ...overrides.queue },
    agi: { port: 0, ...overrides.agi }
  })
  const daemon = await startDaemon(config, { log: testLog, listen: false, waitForAsterisk: true, recordingSettleMs: 3000, escalationSchedule: false, ...options })
  const ctx = { db: daemon.db, bus: daemon.bus, now: Date.now, newId: randomId }
  const world: World = {
    sim, daemon, dir, token: 'test-admin-token-0123456789abcdef',
    addOperator (resource, o = {}) {
      if (o.inSim !== false) sim.addEndpoint(resource, { registered: o.registered ?? true, behaviour: o.behaviour ?? { kind: 'answer', afterMs: 10 } })
      const op = createOperator(ctx, {
        name: o.name ?? `Operator ${resource}`, endpoint: `PJSIP/${resource}`, isManager: o.isManager ?? false, skills: o.skills ?? {}, mobile: o.mobile ?? null
      }, `op_${resource}`)
      return op.operatorId
    },
    addCategory (categoryId) { createCategory(ctx, { categoryId, name: categoryId }) },
    addNumber (did, o) { createTrackingNumber(ctx, { did, source: o.source ?? null, categoryId: o.categoryId ?? null }) },
    pause (operatorId) { pauseOperator(ctx, operatorId, 'lunch') },
    async hangUpWhenRecorded (channelId, o = {}) {
      let over = false
      await until('the call is recorded', () => {
        const call = daemon.repo.lastCallOfChannel(channelId)
        if (call === undefined) return false
        // A call that ended unanswered has nobody left to hang up.
        if (call.endedAt !== null) return (over = true)
        // MixMonitor on the caller's channel (the default), or the three ARI recordings.
        if (sim.mixMonitoring(channelId)) return true
        const recording = new Set(sim.wire.responses().filter((r) => r.nickname === 'record' && r.status === 201).map((r) => (r.body as { name?: string }).name))
        return ['mixed', 'caller', 'operator'].every((kind) => recording.has(`${call.callId}-${kind}`))
      }, 60_000)
      if (over) return
      await new Promise((resolve) => setTimeout(resolve, o.talkMs ?? 100))
      const other = sim.bridges().find((b) => b.channelIds.includes(channelId))?.channelIds.find((id) => id !== channelId)
      if (o.otherSide === true && other === undefined) throw new Error(`nobody bridged to ${channelId}`)
      sim.hangup(o.otherSide === true ? other! : channelId)
    },
    ended: (match) => nextCallEnded(daemon, match),
    async callOf (channelId) {
      await until(`a call from channel ${channelId}`, () => daemon.repo.lastCallOfChannel(channelId) !== undefined)
      return daemon.repo.lastCallOfChannel(channelId)!.callId
    },
    async talking (callId) {
      // MixMonitor (the default) writes the two parties; ARI records the bridge too.
      const kinds = daemon.config.recordings.method === 'ari' ? ['mixed', 'caller', 'operator'] : ['caller', 'operator']
      const names = kinds.map((kind) => `${callId}-${kind}`)
      const missing = (): string[] => {
        // MixMonitor (AMI) has no ARI event, and its rows are written before the action is sent:
        // the call is recorded once a channel of its bridge is monitored in the simulator.
        const channelId = daemon.repo.call(callId)?.channelId
        const bridge = channelId == null ? undefined : sim.bridges().find((b) => b.channelIds.includes(channelId))
        if (bridge?.channelIds.some((id) => sim.mixMonitoring(id)) === true) return []
        const started = new Set(sim.wire.events().filter((e) => e.body.type === 'RecordingStarted')
          .map((e) => (e.body.recording as { name: string }).name))
        return names.filter((name) => !started.has(name))
      }
      await until(`call ${callId} talking and recorded`, () => {
        if (missing().length === 0) return true
        const row = daemon.repo.call(callId)
        if (row?.endedAt != null) throw new Error(`call ${callId} ended (${row.status}: ${row.endReason ?? ''}) before ${missing().join(', ')} started`)
        return false
      })
    },
    async dialledWith (resource) {
      const peer = (): { caller: { name: string; number: string } } | undefined => sim.wire.events()
        .map((e) => e.body.type === 'Dial' ? e.body.peer as { name: string; caller: { name: string; number: string } } : undefined)
        .find((p) => p?.name.startsWith(`PJSIP/${resource}-`))
      await until(`phone ${resource} dialled`, () => peer() !== undefined)
      return peer()!.caller
    },
    hangUpPhone (resource) {
      const leg = sim.channels().find((c) => c.endpoint === resource && c.origin === 'originated')
      if (!leg) throw new Error(`phone ${resource} has no call to hang up`)
      sim.hangup(leg.channelId)
    },
    async close () {
      // The test is over: callers still on the line hang up, so the daemon's stop sees the calls end
      // instead of waiting out its grace period (30 s) for them.
      for (const channel of sim.channels()) sim.hangup(channel.channelId)
      await daemon.stop()
      await sim.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return world
}

/**
 * Waits for a state. The deadline only stops a hung test with a clear message; it is long, because
 * on a loaded machine a state may take many seconds to come, and a test must not fail for that.
 */
export async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
