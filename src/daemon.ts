// Wiring: builds every part from the config, starts them, and stops them in order.
import { join, dirname, resolve } from 'node:path'
import { orderedId as newId } from './ids.js'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { AmiLink } from './asterisk/ami-link.js'
import { AriLink } from './asterisk/ari-link.js'
import { linkStatusView } from './asterisk/link-health.js'
import { Bus } from './bus.js'
import { systemClock, type Clock } from './clock.js'
import { CallCenter } from './calls/call-center.js'
import { CrashRecovery } from './calls/crash-recovery.js'
import { clickToCall } from './calls/click-to-call.js'
import { DirectDials } from './calls/direct-dials.js'
import { EscalationCalls } from './calls/escalation-call.js'
import { OperatorBoard } from './calls/operator-board.js'
import { RecordingStore } from './calls/recording-store.js'
import { AsteriskCopies } from './calls/stored-recording.js'
import { usesSimulator, type Config } from './config.js'
import { CallsRepo } from './db/calls-repo.js'
import { SupervisionService } from './calls/supervision-service.js'
import { openDaemonDb } from './db/daemon-db.js'
import type { Db } from './db/open.js'
import type { WriteBehind } from './db/write-behind.js'
import { buildApp } from './http/app.js'
import type { Simulator } from './sim/simulator.js'
import { stopInOrder } from './daemon-stop.js'
import { listenOrExplain } from './listen-error.js'
import type { ScheduledTask } from 'node-cron'
import { getOperator, listOperators, loadOperatorsWithSkills } from './db/catalog-repo.js'
import { LeadsRepo } from './db/leads-repo.js'
import { MenuService } from './catalog/menu-service.js'
import { CallQueue } from './calls/call-queue.js'
import { isWorkingTime } from './domain/sla-clock.js'
import { scheduleEscalationSweep } from './jobs/escalation-sweep.js'
import { scheduleForgetIdempotencyKeys } from './jobs/forget-idempotency-keys.js'
import { CallLeads } from './leads/call-leads.js'
import { runDispositionPrompt } from './calls/disposition-call.js'
import { CallOutcomes } from './leads/call-outcomes.js'
import { EscalationRunner, type OperatorPhone } from './leads/escalation-runner.js'
import { IntakeService } from './leads/intake-service.js'
import { SpeechService } from './speech/speech-service.js'
import { LeadService } from './leads/lead-service.js'
import { ownerPicker } from './leads/owner-picker.js'
import { leadSettingsFrom } from './leads/settings.js'
import { busEventTypes, Outbox } from './notify/outbox.js'
import { FastAgiServer } from './asterisk/fastagi.js'
import { agiScripts } from '../agi/scripts.js'
import { pauseReasonCodes, pauseReasonsOf } from './config-wallboard.js'
import { DialplanRenderer } from './pbx/dialplan-render.js'
import { DialplanService } from './pbx/dialplan-service.js'
import { SpeechRepo } from './db/speech-repo.js'
import { scheduleRecordingRetention } from './jobs/recording-retention.js'
import { removeExpiredRecordings } from './speech/recording-retention.js'
import { WorkerTranscriber } from './speech/transcriber.js'
import { speechPlan } from './speech/speech-plan.js'
import type { SpeechEngine } from './speech/engine.js'
import type { LiveMonitor } from './speech/live-monitor.js'
import { buildLiveAlerts } from './live-alerts.js'
import { asteriskEndpoints } from './asterisk-endpoints.js'
import { resolveModel } from './speech/model-folder.js'
import { TranscriptionRunner } from './speech/transcription-runner.js'
import type { ConsoleFeed } from './notify/console-feed.js'
import { startWallboard } from './notify/wallboard.js'
import { digestExpressions, scheduleDigests } from './jobs/digests.js'
import { smtpMailer } from './notify/mailer.js'
import { DigestSender } from './reports/digest-sender.js'
import { speechQaScores, type QaScoreSource } from './reports/qa-scores.js'
import { ReportService, reportSettingsFrom } from './reports/report-service.js'

import { promptLengths } from './prompt-lengths.js'
export { promptLengths }

export interface Daemon {
  config: Config
  db: Db
  bus: Bus
  ari: AriLink
  ami: AmiLink | null
  board: OperatorBoard
  center: CallCenter
  queue: CallQueue
  menus: MenuService
  repo: CallsRepo
  /** Call-path writes waiting for a locked database (journaled next to it). */
  writes: WriteBehind
  leads: LeadService
  leadsRepo: LeadsRepo
  escalations: EscalationRunner
  outbox: Outbox
  speechRepo: SpeechRepo
  transcription: TranscriptionRunner
  /** Live alerts during calls; null when off. */
  live: LiveMonitor | null
  app: FastifyInstance
  sim: Simulator | null
  /** The FastAGI server and its port; null when agi.enabled is false. */
  agi: { server: FastAgiServer; port: number } | null
  dialplan: DialplanService
  /** The console's live wallboard feed. */
  feed: ConsoleFeed
  reports: ReportService
  /** E-mail digests; null without an SMTP host. */
  digests: DigestSender | null
  /** Where the HTTP API listens, once listening. */
  url: string | null
  /** The clean stop (README, "Stopping"); `graceMs` defaults to config.stop.graceSeconds. */
  stop: (graceMs?: number) => Promise<void>
}

export interface DaemonOptions {
  log: Logger
  /** The one source of time and timers; the system clock unless a test passes a virtual one. */
  clock?: Clock
  /** Listen on config.http; tests that use app.inject pass false. */
  listen?: boolean
  /** Embedded mode only: seed demo data and run synthetic traffic. */
  demoTraffic?: boolean
  /** Wait for the first ARI connection before resolving. */
  waitForAsterisk?: boolean
  /** How long to wait for Asterisk to finish recordings. */
  recordingSettleMs?: number
  /** Run the escalation sweep on its schedule (tests call tick() themselves). */
  escalationSchedule?: boolean
  /** Worker id of the transcription queue (a restarted daemon is another worker). */
  speechWorker?: string
  /** The demo's generated model, run when the models folder holds none. */
  fallbackModel?: string
  /** Send digests on their schedule (tests call digests.run() themselves). */
  digestSchedule?: boolean
  /** Average QA scores per operator for the reports; none by default. */
  qaScores?: QaScoreSource
  /** The engine of live alerts (tests, the bench); the low-priority whisper process by default. */
  liveEngine?: SpeechEngine
}


export async function startDaemon (config: Config, opts: DaemonOptions): Promise<Daemon> {
  const log = opts.log
  const clock = opts.clock ?? systemClock
  const now = (): number => clock.now()
  const database = openDaemonDb(config.db, clock, log)
  const { db, writes } = database
  const bus = new Bus()
  const leadSettings = leadSettingsFrom(config)
  // Checked before anything starts: a bad tier, recipient or schedule stops the start.
  const reportSettings = reportSettingsFrom(config)
  digestExpressions(config.reports.digestSchedule)
  const outbox = new Outbox({ db, config: config.webhooks, log, now, newId, writes })
  // call.ended is written by CallOutcomes, with the call's lead, in one transaction.
  const stopWebhookFeed = outbox.subscribe(bus, busEventTypes.filter((type) => type !== 'call.ended'))
  const dataDir = config.db.path === ':memory:' ? resolve('data') : dirname(resolve(config.db.path))

  const asterisk = await asteriskEndpoints(config, dataDir, log)
  const { sim, ami, spoolDir } = asterisk
  const ariUrl = asterisk.ariUrl

  const repo = new CallsRepo(db, writes)
  const recordingsDir = resolve(config.recordings.dir)
  const speechRepo = new SpeechRepo(db)
  const speech = speechPlan(config.speech, log)
  const transcription = new TranscriptionRunner({
    repo: speechRepo, bus, log, now, newId, config: { ...config.speech, concurrency: speech.concurrency, threads: speech.threads }, recordingsDir,
    openTranscriber: (modelPath) => new WorkerTranscriber({
      modelPath, threads: speech.threads, workers: speech.processes, engine: config.speech.engine, flashAttn: config.speech.flashAttn, nice: config.speech.nice, log,
      limits: { maxContextTokens: config.speech.maxContextTokens, maxSegmentChars: config.speech.maxSegmentChars }, silenceRms: config.speech.transcribeSilenceRms, pass: config.speech.transcribePass
    }),
    worker: opts.speechWorker ?? newId('speech'), clock, fallbackModel: opts.fallbackModel
  })
  const board = new OperatorBoard({
    loadOperators: () => loadOperatorsWithSkills(db),
    statsSince: (since) => repo.statsSince(since),
    bus, now, wrapUpMs: config.calls.wrapUpSeconds * 1000, timeZone: config.leads.timeZone, setTimeout: (fn, ms) => clock.setTimeout(fn, ms)
  })

  const demo = sim && opts.demoTraffic ? (await import('./sim/demo-traffic.js')).demoTraffic(sim, db, config, now()) : null
  board.reload()

  const amiLink = ami ? new AmiLink({ ...ami, log }) : null
  bus.on('catalog.changed', ({ what }) => {
    if (what !== 'operators') repo.forgetTrackingNumbers()
    if (what !== 'operators') return
    board.reload()
    // A new or changed phone: ask Asterisk for its state instead of guessing.
    if (amiLink?.connected) void amiLink.refreshSoon().catch((err: Error) => { log.warn({ err: err.message }, 'AMI state refresh failed') })
  })
  const ari = new AriLink({
    url: ariUrl, user: config.ari.user, password: config.ari.password, app: config.ari.app, log,
    commandTimeoutMs: config.ari.commandTimeoutMs, fileTimeoutMs: config.ari.fileTimeoutMs,
    connectTimeoutMs: config.ari.connectTimeoutMs, keepAliveIdleMs: config.ari.keepAliveIdleMs, maxSockets: config.ari.maxSockets
  })
  const leadsRepo = new LeadsRepo(db)
  const pickOwner = ownerPicker((nowMs) => board.snapshot(nowMs), repo, config.routing, now)
  const leads = new LeadService({ repo: leadsRepo, calls: repo, bus, log, now, newId, settings: leadSettings, pickOwner })
  const callLeads = new CallLeads(leads, log, now)
  const intake = new IntakeService({ db, leads, now, idempotencyKeyDays: config.leads.idempotencyKeyDays })
  const phoneOf = (operatorId: string): OperatorPhone | undefined => {
    const op = getOperator(db, operatorId)
    return op && op.removedAt === null ? { operatorId, endpoint: op.endpoint, mobile: op.mobile, state: board.view(operatorId)?.state } : undefined
  }
  const promptLang = config.leads.promptLanguage
  const menus = new MenuService({ db, bus, now, newId })
  const queue = new CallQueue({ board, bus, now, setTimeout: (fn, ms) => clock.setTimeout(fn, ms), log: log.child({ part: 'queue' }), settings: { priorityReturning: config.queue.priorityReturning, pollMs: config.queue.pollMs } })
  queue.start()
  const store = new RecordingStore(recordingsDir)
  if (config.recordings.method === 'none') log.warn('recordings off (RINGLEAD_RECORDINGS_METHOD=none): calls are not recorded, so not transcribed or scored')
  const copies = new AsteriskCopies(ari, log.child({ part: 'recordings' }))
  const recovery = new CrashRecovery({ ari, repo, store, bus, log, clock, recordingSettleMs: opts.recordingSettleMs ?? 15_000, keepInAsterisk: config.recordings.keepInAsterisk, copies, spoolDir })
  const live = buildLiveAlerts({
    config: config.speech, ari, bus, clock, log, speechRepo, ...(opts.liveEngine ? { engine: opts.liveEngine } : {}),
    modelPath: () => resolveModel({ modelPath: config.speech.modelPath, modelsDir: config.speech.modelsDir, fallback: opts.fallbackModel }).path
  })
  const center = new CallCenter({
    ari, ami: amiLink, repo, board, bus, log, clock, newId, menus, queue, recovery, ...(live ? { live: live.monitor } : {}),
    recording: { method: config.recordings.method, ami: () => amiLink, mixMonitorDir: config.recordings.mixmonitorDir, keepInAsterisk: config.recordings.keepInAsterisk, copies, spoolDir },
    isWorkingTime: (ms) => isWorkingTime(leadSettings.calendar, ms),
    afterCall: !config.leads.dispositionPrompt ? undefined : (info) => runDispositionPrompt({
      ari, leads, callLeads, log, now, calendar: leadSettings.calendar, refusalReasons: leadSettings.refusalReasons,
      timeoutMs: config.leads.dispositionTimeoutSeconds * 1000, lang: promptLang
    }, info),
    store,
    outbound: {
      operatorRingSeconds: config.routing.ringTimeoutSeconds,
      customerRingSeconds: config.calls.outboundRingSeconds,
      customerDialString: config.leads.customerDialString,
      attemptGuardMs: config.calls.attemptGuardMs,
      recordingSettleMs: opts.recordingSettleMs ?? 15_000
    },
    settings: {
      defaultRegion: config.calls.defaultRegion,
      basePolicy: config.routing,
      attemptGuardMs: config.calls.attemptGuardMs,
      recordingSettleMs: opts.recordingSettleMs ?? 15_000,
      promptLang,
      queue: {
        enabled: config.queue.enabled, maxWaitMs: config.queue.maxWaitSeconds * 1000, announceEveryMs: config.queue.announceEverySeconds * 1000,
        callbackKey: config.queue.callbackKey, mohClass: config.queue.mohClass, defaultHandleMs: config.queue.defaultHandleSeconds * 1000
      }
    }
  })
  new CallOutcomes({ calls: repo, leads, callLeads, outbox, log, now, alsoWith: [(e) => { transcription.queueCall(e) }] }).subscribe(bus)
  // Writes a killed process journaled while the database was locked land before anything reads the calls.
  writes.replay()
  // Read once, after the journal's writes: a waiting caller's expected wait is then kept from the calls as they end.
  queue.rememberTalk((sinceMs) => repo.answeredTalkSince(sinceMs))
  center.start()
  const supervision = new SupervisionService({ db, ari, clock, log, newId, talkingOn: (callId) => center.talkingOn(callId), ringTimeoutSeconds: config.routing.ringTimeoutSeconds, guardMs: config.calls.attemptGuardMs })
  center.otherOwners.push((channelId) => supervision.supervision.owns(channelId))
  if (amiLink && config.calls.trackDirectDials) {
    new DirectDials({ ami: amiLink, board, repo, bus, log, now, newId, defaultRegion: config.calls.defaultRegion }).start()
  }
  const escalationLine = new EscalationCalls({ ari, board, clock, log, settings: {
    ringTimeoutSeconds: config.routing.ringTimeoutSeconds, keyTimeoutMs: config.leads.dispositionTimeoutSeconds * 1000, guardMs: config.calls.attemptGuardMs,
    customerDialString: config.leads.customerDialString, outboundCallerId: config.leads.outboundCallerId, lang: promptLang
  } })
  center.otherOwners.push((channelId) => escalationLine.owns(channelId))
  const escalations = new EscalationRunner({
    repo: leadsRepo, leads, bus, log, now, newId, pickOwner, phoneOf,
    line: escalationLine,
    managers: () => listOperators(db).filter((o) => o.isManager).map((o) => ({ operatorId: o.operatorId, endpoint: o.endpoint, mobile: o.mobile, state: board.view(o.operatorId)?.state })),
    worker: newId('worker'),
    settings: {
      ladder: leadSettings.ladder, calendar: leadSettings.calendar, leaseMs: config.leads.leaseSeconds * 1000, mobileDialString: config.leads.mobileDialString,
      responseMinutes: config.leads.responseMinutes, maxPerTick: 1000, concurrency: config.leads.escalationConcurrency
    }
  })
  let sweep: ScheduledTask | null = null
  let forgetKeys: ScheduledTask | null = null
  if (opts.escalationSchedule !== false) {
    sweep = scheduleEscalationSweep(escalations, config.leads.sweepEverySeconds, now, log)
    forgetKeys = scheduleForgetIdempotencyKeys(intake, now, log)
  }
  outbox.start()
  let agi: Daemon['agi'] = null
  if (config.agi.enabled) {
    const server = new FastAgiServer({
      log,
      clock,
      replyTimeoutMs: config.agi.idleSeconds * 1000,
      allow: config.agi.allow,
      limits: {
        maxConnections: config.agi.maxConnections,
        maxHeaderBytes: config.agi.maxHeaderBytes,
        maxLineBytes: config.agi.maxLineBytes,
        headerTimeoutMs: config.agi.headerSeconds * 1000
      },
      scripts: agiScripts({
        db, repo, board, leads, log, now, catalog: { db, bus, now, newId },
        routing: config.routing, defaultRegion: config.calls.defaultRegion, calendar: leadSettings.calendar,
        refusalReasons: leadSettings.refusalReasons, timeoutMs: config.leads.dispositionTimeoutSeconds * 1000,
        pauseReasons: pauseReasonsOf(config.pause.reasons)
      })
    })
    agi = { server, port: await listenOrExplain('FastAGI', 'RINGLEAD_AGI_PORT', config.agi.host, config.agi.port, () => server.listen(config.agi.port, config.agi.host)) }
  }
  const dialplan = new DialplanService({
    db, log, now, newId, ami: () => amiLink,
    renderer: new DialplanRenderer(config.dialplan.templatesDir),
    settings: { dialplan: config.dialplan, app: config.ari.app, agiUrl: `agi://${config.agi.publicHost}:${agi?.port ?? config.agi.port}`, pauseReasons: pauseReasonCodes(config.pause) }
  })
  transcription.start()
  const stopRetention = scheduleRecordingRetention((nowMs) => removeExpiredRecordings(speechRepo, recordingsDir, config.recordings.retentionDays, nowMs, log), config.recordings.retentionEveryMinutes, now, log)
  const wallboard = startWallboard({
    bus, clock, db, operators: () => board.views(), waiting: () => queue.waiting(), timeZone: config.leads.timeZone, backlog: config.console.feedBacklog, wallboard: config.wallboard,
    operatorOfCall: (callId) => repo.call(callId)?.answeredBy ?? null
  })
  const feed = wallboard.feed
  const reports = new ReportService(db, reportSettings, opts.qaScores ?? speechQaScores(db))
  const mailer = config.smtp.host === '' ? null : smtpMailer(config.smtp)
  const digests = mailer === null ? null : new DigestSender({ reports, mailer, log: log.child({ part: 'digests' }) })
  let digestTasks: ScheduledTask[] = []
  if (digests !== null && opts.digestSchedule !== false) {
    digestTasks = scheduleDigests(digests, config.reports.digestSchedule, config.leads.timeZone, now, log)
  }
  // The settled days' call sums, read in small steps once the start's own work is done.
  let warming: NodeJS.Immediate | null = null
  const warmLater = setTimeout(() => {
    const warmStep = reports.warmStep(now())
    const warm = (): void => { warming = warmStep() ? setImmediate(warm) : null }
    warm()
  }, 10_000).unref()
  const ariReady = ari.start()
  demo?.startAfter(ariReady)
  const amiReady = amiLink?.start()

  const webhookBacklog = db.$client.prepare("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'delivering')")
  const app = await buildApp({
    db, bus, config, log, now, leads, intake, menus, waiting: () => queue.waiting(), dialplan, feed, reports,
    metrics: {
      activeCalls: () => center.activeCalls,
      ari: { commandQueue: () => ari.commandQueue(), onSocketWait: (listener) => ari.onSocketWait(listener) },
      webhookBacklog: () => (webhookBacklog.get() as { n: number }).n
    },
    outbound: (input) => clickToCall({
      db, repo, leads: leadsRepo, place: (req) => center.placeOutbound(req), ready: () => ari.connected, now, newId,
      defaultRegion: config.calls.defaultRegion, outboundCallerId: config.leads.outboundCallerId
    }, input),
    speech: new SpeechService({ db, repo: speechRepo, status: () => transcription.status(), recordingsDir, poke: () => { transcription.tick() }, newId }),
    board: { view: (operatorId: string) => board.view(operatorId) }, listen: (req) => supervision.listen(req),
    health: () => ({
      ari: ari.connected ? 'connected' : 'disconnected',
      ami: amiLink ? (amiLink.connected ? 'connected' : 'disconnected') : 'not configured',
      // Why a link is down, since when, and when it tries again.
      ariLink: linkStatusView(ari.status()),
      ...(amiLink ? { amiLink: linkStatusView(amiLink.status()) } : {}),
      asterisk: sim ? 'simulator' : 'real',
      fastAgi: agi ? { port: agi.port, sessions: agi.server.running } : 'off',
      activeCalls: center.activeCalls,
      waitingCallers: queue.size,
      escalationsDue: leadsRepo.dueCount(now()),
      escalationsRunning: escalations.running,
      transcription: { ...transcription.health(), jobs: speechRepo.counts(), inHand: transcription.running },
      recordingProblems: speechRepo.recordingProblems()
    })
  })
  let url: string | null = null
  if (opts.listen !== false) {
    url = await listenOrExplain('HTTP API', 'RINGLEAD_HTTP_PORT', config.http.host, config.http.port, () => app.listen({ host: config.http.host, port: config.http.port }))
  }
  if (opts.waitForAsterisk) await Promise.all([ariReady, amiReady])

  let stopped = false
  const daemon: Daemon = {
    config, db, bus, ari, ami: amiLink, board, center, queue, menus, repo, writes, leads, leadsRepo, escalations, outbox, speechRepo, transcription, live: live?.monitor ?? null, app, sim, agi, dialplan, feed, reports, digests, url,
    stop: async (graceMs = config.stop.graceSeconds * 1000) => {
      if (stopped) return
      stopped = true
      await stopInOrder({
        log,
        quiet: async () => {
          demo?.stop()
          wallboard.stop()
          board.stop()
          clearTimeout(warmLater)
          if (warming !== null) clearImmediate(warming)
          queue.stop()
          await sweep?.stop()
          await forgetKeys?.stop()
          for (const task of digestTasks) await task.stop()
          mailer?.close()
          stopRetention()
        },
        closeListeners: async () => { await Promise.all([app.close(), agi?.server.close()]) },
        drainCalls: async (callsMs, hangUpMs) => { await Promise.all([center.drain(callsMs, hangUpMs), supervision.supervision.stop()]) },
        stopTranscription: async (ms) => { await Promise.all([transcription.stop(ms), live?.close()]) },
        drainEscalations: () => escalations.drain(),
        closeRest: async () => {
          await ari.stop()
          amiLink?.stop()
          stopWebhookFeed()
          await outbox.stop()
          await sim?.close()
          await database.close()
        }
      }, graceMs, demo !== null)
    }
  }
  return daemon
}
