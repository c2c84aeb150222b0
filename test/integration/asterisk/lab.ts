// ringlead's daemon in-process against a real Asterisk, with sipp as carrier and phones.
// Operators, categories and tracking numbers are made through the HTTP API, as an admin would.
import type { SpeechEngine } from '../../../src/speech/engine.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig, type Config, type DeepPartial } from '../../../src/config.js'
import { startDaemon, type Daemon } from '../../../src/daemon.js'
import type { CallEnded } from '../../../src/domain/call-events.js'
import { nextCallEnded } from '../../helpers/call-ended.js'
import type { LabSettings } from './lab-settings.js'
import { placeCall, startPhone, startPhoneAt, type PhoneBehaviour, type PlacedCall, type SippRun } from './sipp.js'

export const adminToken = 'it-admin-token-0123456789abcdef'

const testLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

export interface AriChannel { id: string; name: string; state: string }
export interface AriBridge { id: string; channels: string[] }

export interface Lab {
  settings: LabSettings
  daemon: Daemon
  /** Scratch directory: the recordings ringlead copied, sipp logs. */
  dir: string
  /** An operator on PJSIP/<endpoint>; with a behaviour, a sipp phone answers for it. */
  addOperator (endpoint: string, o?: { behaviour?: PhoneBehaviour; skills?: Record<string, number>; isManager?: boolean; name?: string }): Promise<string>
  addCategory (categoryId: string): Promise<void>
  addNumber (did: string, o: { source?: string; categoryId?: string }): Promise<void>
  pause (operatorId: string): Promise<void>
  /** Any admin API request; throws on a status of 300 or more. */
  api (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<any>
  /** A customer's phone the daemon dials through the carrier trunk (PJSIP/<number>@carrier): sipp at the carrier's address. */
  customerPhone (behaviour: PhoneBehaviour): Promise<SippRun>
  /** Starts the carrier's call; its sipp process ends when the call does. */
  call (c: PlacedCall): SippRun
  /** The next call.ended that matches, once what the call's end writes has been handed to the database. */
  ended (match?: (e: CallEnded) => boolean): Promise<CallEnded>
  /** GET /api/calls/:id as the admin. */
  story (callId: string): Promise<any>
  phone (endpoint: string): SippRun | undefined
  /** What Asterisk itself reports, over ARI REST. */
  channels (): Promise<AriChannel[]>
  bridges (): Promise<AriBridge[]>
  /** The recording file as Asterisk serves it (GET /recordings/stored/{name}/file). */
  storedRecording (name: string): Promise<Buffer>
  /** Everything sipp said, for a failing assertion's message. */
  diagnostics (): string
  close (keepLogs: boolean): Promise<void>
}

function basicAuth (settings: LabSettings): string {
  return `Basic ${Buffer.from(`${settings.ari.user}:${settings.ari.password}`).toString('base64')}`
}

export async function ariRequest<T> (settings: LabSettings, method: 'GET' | 'DELETE', path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${settings.ari.url}/ari${path}`, { method, headers: { authorization: basicAuth(settings) } })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
}

/** Fails fast, with the reason, when Asterisk is not where the settings say. */
export async function checkAsterisk (settings: LabSettings): Promise<string> {
  let res: { status: number; body: { system?: { version?: string } } }
  try {
    res = await ariRequest(settings, 'GET', '/asterisk/info')
  } catch (err) {
    throw new Error(`Asterisk ARI not reachable at ${settings.ari.url}: ${(err as Error).message}`)
  }
  if (res.status !== 200) throw new Error(`GET ${settings.ari.url}/ari/asterisk/info answered ${res.status}: ${JSON.stringify(res.body)}`)
  const endpoints = await ariRequest<Array<{ technology: string; resource: string }>>(settings, 'GET', '/endpoints/PJSIP')
  const known = new Set(endpoints.body.map((e) => e.resource))
  const missing = [...settings.phones.keys(), settings.awayEndpoint].filter((r) => !known.has(r))
  if (missing.length > 0) throw new Error(`Asterisk has no PJSIP endpoint ${missing.join(', ')}: load test/integration/asterisk/asterisk-config/pjsip.conf`)
  return res.body.system?.version ?? 'unknown version'
}

/** Hangs up channels a previous test left behind (a dedicated test Asterisk is assumed). */
export async function clearAsterisk (settings: LabSettings): Promise<string[]> {
  const { body } = await ariRequest<AriChannel[]>(settings, 'GET', '/channels')
  for (const c of body) await ariRequest(settings, 'DELETE', `/channels/${encodeURIComponent(c.id)}`)
  const bridges = await ariRequest<AriBridge[]>(settings, 'GET', '/bridges')
  for (const b of bridges.body) await ariRequest(settings, 'DELETE', `/bridges/${encodeURIComponent(b.id)}`)
  return [...body.map((c) => c.name), ...bridges.body.map((b) => `bridge ${b.id}`)]
}

/** `now`: the daemon's clock (the SLA ladder's deadlines are tens of minutes away). */
export async function startLab (settings: LabSettings, overrides: DeepPartial<Config> = {}, opts: { now?: () => number; liveEngine?: SpeechEngine } = {}): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-it-'))
  const config = loadConfig({}, {
    ...overrides,
    db: { path: ':memory:' },
    ari: { url: settings.ari.url, user: settings.ari.user, password: settings.ari.password, app: 'ringlead' },
    ami: { ...settings.ami },
    recordings: { dir: join(dir, 'recordings'), ...overrides.recordings },
    routing: { ringTimeoutSeconds: 4, ...overrides.routing },
    calls: { wrapUpSeconds: 0, attemptGuardMs: 3000, ...overrides.calls },
    // The after-call disposition menu keeps the operator's leg up after the caller hangs up; these
    // call-flow tests expect Asterisk to hang both up.
    leads: { dispositionPrompt: false, ...overrides.leads },
    http: { adminToken },
    agi: { port: 0 }
  })
  const daemon = await startDaemon(config, { log: testLog, listen: false, waitForAsterisk: true, recordingSettleMs: 5000, ...(opts.now ? { now: opts.now, escalationSchedule: false } : {}), ...(opts.liveEngine ? { liveEngine: opts.liveEngine } : {}) })
  const phones = new Map<string, SippRun>()
  const calls: SippRun[] = []

  const api: Lab['api'] = async (method, url, payload) => {
    const res = await daemon.app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(payload ? { payload } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.body === '' ? null : res.json()
  }

  const lab: Lab = {
    settings, daemon, dir,
    async addOperator (endpoint, o = {}) {
      if (o.behaviour) phones.set(endpoint, await startPhone(settings, dir, endpoint, o.behaviour))
      const created = await api('POST', '/api/operators', {
        name: o.name ?? `Operator ${endpoint}`, endpoint: `PJSIP/${endpoint}`, isManager: o.isManager ?? false, skills: o.skills ?? {}
      })
      return created.operatorId as string
    },
    async addCategory (categoryId) { await api('POST', '/api/categories', { categoryId, name: categoryId }) },
    async addNumber (did, o) { await api('POST', '/api/tracking-numbers', { did, source: o.source ?? null, categoryId: o.categoryId ?? null }) },
    async pause (operatorId) { await api('POST', `/api/operators/${operatorId}/pause`, { reason: 'lunch' }) },
    api,
    async customerPhone (behaviour) {
      const phone = await startPhoneAt(settings, dir, 'customer', settings.carrier, behaviour)
      phones.set('customer', phone)
      return phone
    },
    call (c) {
      const run = placeCall(settings, dir, c, calls.length + 1)
      calls.push(run)
      return run
    },
    ended: (match) => nextCallEnded(daemon, match),
    story: (callId) => api('GET', `/api/calls/${callId}`),
    phone: (endpoint) => phones.get(endpoint),
    channels: async () => (await ariRequest<AriChannel[]>(settings, 'GET', '/channels')).body,
    bridges: async () => (await ariRequest<AriBridge[]>(settings, 'GET', '/bridges')).body,
    async storedRecording (name) {
      const res = await fetch(`${settings.ari.url}/ari/recordings/stored/${encodeURIComponent(name)}/file`, { headers: { authorization: basicAuth(settings) } })
      if (res.status !== 200) throw new Error(`GET /ari/recordings/stored/${name}/file: ${res.status} ${await res.text()}`)
      return Buffer.from(await res.arrayBuffer())
    },
    diagnostics: () => [...calls, ...phones.values()].map((r) => r.diagnostics()).join('\n\n'),
    async close (keepLogs) {
      await daemon.stop()
      await Promise.all([...calls, ...phones.values()].map((r) => r.stop()))
      if (!keepLogs) rmSync(dir, { recursive: true, force: true })
    }
  }
  return lab
}

export async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Rejects after `ms` with the message: a call.ended that never comes fails the test, not the run. */
export function within<T> (ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no ${what} within ${ms} ms`)) }, ms) })
  ])
}
