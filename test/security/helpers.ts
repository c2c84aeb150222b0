// The security suite's world: the real app with every optional part (leads, dialplan, speech,
// click-to-call), a seeded database with two operators' customers, leads and calls, and every kind
// of credential: none, API tokens and console sessions for each role. Also a small seeded PRNG so
// fuzzing is the same on every run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { clickToCall } from '../../src/calls/click-to-call.js'
import { loadConfig, type Config } from '../../src/config.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { createCategory, createOperator, createTrackingNumber, type CatalogContext } from '../../src/catalog/catalog-service.js'
import type { QaMetrics } from '../../src/domain/qa.js'
import type { Role } from '../../src/domain/roles.js'
import { CustomersRepo } from '../../src/db/customers-repo.js'
import { LeadsRepo } from '../../src/db/leads-repo.js'
import { MenuService } from '../../src/catalog/menu-service.js'
import { SpeechService } from '../../src/speech/speech-service.js'
import { callAttempts, calls, goldenCalls, recordings, transcriptionJobs, transcripts, transcriptSegments } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { createToken } from '../../src/accounts/token-service.js'
import { createUser } from '../../src/accounts/user-service.js'
import { buildApp } from '../../src/http/app.js'
import { LeadService } from '../../src/leads/lead-service.js'
import { DialplanRenderer } from '../../src/pbx/dialplan-render.js'
import { DialplanService, type AsteriskCli } from '../../src/pbx/dialplan-service.js'
import { putPool } from '../../src/pbx/tracking-pools.js'
import { browser, logIn } from '../console/helpers.js'
import { leadSettings } from '../http/leads-helpers.js'
import { adminSecret, testBase, t0 } from '../http/helpers.js'

export { t0 }

/** mulberry32: a small PRNG, the same numbers for the same seed on every machine. */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export const telegramSecret = 'tg-secret_security_0123456789'
export const password = 'Tundra-orange-4412-quill'

/** Who calls: nobody, or a role through an API token or a console session. */
export interface Credential {
  name: string
  role: Role | null
  kind: 'none' | 'token' | 'session'
  /** Headers that carry it (a session's cookie and CSRF token included). */
  headers: Record<string, string>
}

/** What belongs to Ben (the other operator) and must never reach Ana's operator credentials. */
export interface BenSecrets { leadId: string; customerId: string; callId: string; phone: string; name: string; note: string; transcript: string }

export interface SecurityWorld {
  app: FastifyInstance
  config: Config
  catalog: CatalogContext
  clock: { ms: number }
  anaId: string
  benId: string
  ana: { leadId: string; customerId: string; callId: string; recordingId: string; noteId: string; phone: string }
  ben: BenSecrets & { recordingId: string; noteId: string }
  versionId: string
  jobId: string
  credentials: Credential[]
  /** Fresh rows for routes that use them up (delete, revoke, merge). */
  spare: {
    operator (): string
    category (): string
    trackingNumber (): string
    token (): string
    user (): Promise<string>
    customerOf (operatorId: string): string
    menu (): string
    ruleSet (): string
    /** A new open lead owned by this operator. */
    leadOf (operatorId: string): string
    /** A new answered call of this operator, marked for the golden fund. */
    goldenCallOf (operatorId: string): string
    /** A failed transcription job. */
    failedJob (): string
  }
  inject (cred: Credential, opts: InjectOptions): Promise<LightMyRequestResponse>
  close (): Promise<void>
}

/** A fake Asterisk CLI over AMI: reloads whatever include file is there and shows it back. */
function fakeAsterisk (includeFile: string): AsteriskCli {
  return {
    connected: true,
    async command (cli) {
      if (cli === 'dialplan reload') return ['Dialplan reloaded.']
      return readFileSync(includeFile, 'utf8').split('\n')
    }
  }
}

export async function securityWorld (): Promise<SecurityWorld> {
  const { db, bus, clock, now, log } = testBase()
  // Ids shaped as the daemon's (prefix_ and 16 hex digits), counted so runs are the same.
  let seq = 0
  const newId = (prefix: string): string => `${prefix}_${(++seq).toString(16).padStart(16, '0')}`
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-security-'))
  const recordingsDir = join(dir, 'recordings')
  mkdirSync(recordingsDir)
  const config = loadConfig({}, {
    http: { adminToken: adminSecret },
    telegram: { secretToken: telegramSecret },
    dialplan: { includeFile: join(dir, 'extensions-ringlead.conf') }
  })
  const catalog: CatalogContext = { db, bus, now, newId }
  const anaId = createOperator(catalog, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_ana').operatorId
  const benId = createOperator(catalog, { name: 'Ben', endpoint: 'PJSIP/102' }, 'op_ben').operatorId
  createCategory(catalog, { categoryId: 'ovens', name: 'Ovens' })
  createTrackingNumber(catalog, { did: '74950000001', source: 'site', categoryId: 'ovens' })
  putPool(catalog, 'ads', { defaultDid: '74950000010', numbers: ['74950000011', '74950000012'] })
  const menus = new MenuService(catalog)
  menus.save('main', { name: 'Main', greeting: [], prompt: [], options: {}, timeoutSeconds: 5, repeats: 2, defaultAction: { kind: 'route' }, afterHours: null }, true)

  const leadsRepo = new LeadsRepo(db)
  const callsRepo = new CallsRepo(db)
  const leads = new LeadService({
    repo: leadsRepo, calls: callsRepo, bus, log, now, newId, settings: leadSettings(config),
    pickOwner: () => ({ operatorId: anaId, reasons: ['Ana takes every new lead here'] })
  })
  const speechRepo = new SpeechRepo(db)
  const dialplan = new DialplanService({
    db, log, now, newId, ami: () => fakeAsterisk(config.dialplan.includeFile),
    renderer: new DialplanRenderer(config.dialplan.templatesDir),
    settings: { dialplan: config.dialplan, app: config.ari.app, agiUrl: 'agi://127.0.0.1:4573' }
  })
  const app = await buildApp({
    db, bus, config, log, now, newId, leads, dialplan, menus,
    speech: new SpeechService({ db, repo: speechRepo, status: () => ({ state: 'waiting for a model', reason: 'none in tests' }), recordingsDir, poke: () => {}, newId }),
    // The call center is Asterisk's side; here it takes the request and names the call.
    outbound: (input) => clickToCall({
      db, repo: callsRepo, leads: leadsRepo, place: () => newId('call'), ready: () => true, now, newId,
      defaultRegion: config.calls.defaultRegion, outboundCallerId: config.leads.outboundCallerId
    }, input),
    // Listening in rings a phone through Asterisk; here it takes the request and names the session.
    listen: (req) => ({ sessionId: newId('sup'), callId: req.callId, userId: req.userId, mode: req.mode, state: 'ringing', endpoint: 'PJSIP/150' })
  }) as unknown as FastifyInstance

  /** A call the operator answered, as the call core writes it. */
  const seedCall = (operatorId: string, callId: string, customer: { customerId: string; phone: string; name: string } | null): string => {
    db.insert(calls).values({
      callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: customer?.phone ?? '+79990009999', callerPhone: customer?.phone ?? null,
      callerName: customer?.name ?? null, customerId: customer?.customerId ?? null, did: '74950000001', source: 'site', categoryId: 'ovens',
      answeredBy: operatorId, startedAt: t0, answeredAt: t0 + 1000, endedAt: t0 + 60_000, talkMs: 59_000
    }).run()
    db.insert(callAttempts).values({ attemptId: `att_${callId}`, callId, stepIndex: 0, stepKind: 'specialists', operatorId, endpoint: 'PJSIP/x', startedAt: t0, result: 'answered', ringMs: 1000 }).run()
    return callId
  }

  // Each operator's customer: a lead, a call they answered with a recording and a transcript, a note.
  const customers = new CustomersRepo(db, now, newId)
  const seedCustomer = (operatorId: string, phone: string, name: string, secret: string) => {
    const lead = leads.intake({ channel: 'api', phone, name, message: `${secret} message`, ownerId: operatorId, ownerReasons: ['seed'] }, 'seed').lead
    const callId = seedCall(operatorId, `call_${operatorId}`, { customerId: lead.customerId!, phone, name })
    const recordingId = `rec_${callId}`
    writeFileSync(join(recordingsDir, `${recordingId}.wav`), Buffer.alloc(64))
    db.insert(recordings).values({ recordingId, callId, kind: 'mixed', name: recordingId, format: 'wav', path: `${recordingId}.wav`, status: 'stored', startedAt: t0, endedAt: t0 + 60_000, bytes: 64 }).run()
    const text = `${secret} transcript`
    db.insert(transcripts).values({ callId, language: 'en', engine: 'test', model: 'test', text, createdAt: t0 }).run()
    db.insert(transcriptSegments).values({ callId, seq: 0, speaker: 'caller', startMs: 0, endMs: 1000, text }).run()
    speechRepo.putQaResult(callId, { ruleSetId: 'default', score: 90, alerts: 0, createdAt: t0, metrics: {} as QaMetrics, findings: [{ ruleId: 'greeting', kind: 'required', severity: 'warning', title: 'Greets the caller', message: 'no greeting', segmentIndex: 0, atMs: 0, speaker: 'caller', text, penalty: 10 }] })
    const note = customers.addNote(lead.customerId!, `${secret} note`, `operator:${operatorId}`)
    return { leadId: lead.leadId, customerId: lead.customerId!, callId, recordingId, noteId: note.noteId, phone, name, note: note.text, transcript: text }
  }
  const ana = seedCustomer(anaId, '+79990000001', 'Anas Customer', 'ana-private')
  const ben = seedCustomer(benId, '+79990000002', 'Bens Secret Customer', 'ben-private')
  db.insert(goldenCalls).values({ callId: ana.callId, note: 'good greeting', markedBy: 'seed', markedAt: t0 }).run()
  const jobId = 'job_failed'
  db.insert(transcriptionJobs).values({ jobId, callId: ben.callId, state: 'failed', language: 'en', attempts: 3, nextAttemptAt: t0, lastError: 'seed', createdAt: t0, updatedAt: t0 }).run()
  const versionId = (await dialplan.apply('seed')).versionId

  // Credentials: API tokens and console sessions for each role (Ana is the operator).
  const tokens: Record<Role, string> = {
    admin: adminSecret,
    supervisor: createToken(db, { name: 'supervisor', role: 'supervisor' }, now()).token,
    operator: createToken(db, { name: 'ana', role: 'operator', operatorId: anaId }, now()).token
  }
  const credentials: Credential[] = [{ name: 'none', role: null, kind: 'none', headers: {} }]
  for (const role of ['operator', 'supervisor', 'admin'] as const) {
    credentials.push({ name: `${role} token`, role, kind: 'token', headers: { authorization: `Bearer ${tokens[role]}` } })
    await createUser(db, { username: role, password, role, operatorId: role === 'operator' ? anaId : null }, now())
    const b = browser(app)
    const login = await logIn(b, role, password)
    if (login.status !== 302) throw new Error(`console login of ${role} failed: ${login.status}`)
    const csrf = await b.csrf()
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    credentials.push({ name: `${role} session`, role, kind: 'session', headers: { cookie, 'x-csrf-token': csrf } })
  }

  let n = 0
  const spare = {
    operator: () => createOperator(catalog, { name: `Spare ${++n}`, endpoint: `PJSIP/9${n}` }).operatorId,
    category: () => createCategory(catalog, { categoryId: `spare-${++n}`, name: `Spare ${n}` }).categoryId,
    trackingNumber: () => createTrackingNumber(catalog, { did: `7496000${String(++n).padStart(4, '0')}`, source: 'spare' }).did,
    token: () => createToken(db, { name: `spare ${++n}`, role: 'operator', operatorId: anaId }, now()).view.tokenId,
    customerOf: (operatorId: string) => leads.intake({ channel: 'api', phone: `+7998${String(++n).padStart(7, '0')}`, ownerId: operatorId, ownerReasons: ['spare'] }, 'seed').lead.customerId!,
    menu: () => { const menuId = `spare-${++n}`; menus.save(menuId, { name: 'Spare', greeting: [], prompt: [], options: {}, timeoutSeconds: 5, repeats: 2, defaultAction: { kind: 'route' }, afterHours: null }, false); return menuId },
    ruleSet: () => { const ruleSetId = `spare-${++n}`; speechRepo.putRuleSet({ ruleSetId, name: 'Spare', categoryId: spare.category(), rules: [], updatedAt: now() }); return ruleSetId },
    leadOf: (operatorId: string) => leads.intake({ channel: 'api', phone: `+7997${String(++n).padStart(7, '0')}`, ownerId: operatorId, ownerReasons: ['spare'] }, 'seed').lead.leadId,
    goldenCallOf: (operatorId: string) => {
      const callId = seedCall(operatorId, `call_spare_${++n}`, null)
      db.insert(goldenCalls).values({ callId, note: 'spare', markedBy: 'seed', markedAt: t0 }).run()
      return callId
    },
    failedJob: () => {
      const jobId = `job_spare_${++n}`
      db.insert(transcriptionJobs).values({ jobId, callId: seedCall(benId, `call_spare_${n}`, null), state: 'failed', language: 'en', attempts: 3, nextAttemptAt: t0, lastError: 'seed', createdAt: t0, updatedAt: t0 }).run()
      return jobId
    }
  }
  const spareAll = { ...spare, user: async () => (await createUser(db, { username: `spare${++n}`, password, role: 'operator', operatorId: anaId }, now())).userId }

  return {
    app, config, catalog, clock, anaId, benId, ana, ben, versionId, jobId, credentials, spare: spareAll,
    inject: async (cred, opts) => await app.inject({ ...opts, headers: { ...cred.headers, ...(opts.headers as Record<string, string> | undefined) } }),
    close: async () => { await app.close(); db.$client.close(); rmSync(dir, { recursive: true, force: true }) }
  }
}
