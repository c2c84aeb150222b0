// The HTTP API as a Fastify instance (not listening): auth, validation, one error handler, routes.
import type { TSchema } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import { trustProxyOption, type Config } from '../config.js'
import { HealthService } from '../health/health-service.js'
import { CallRecords } from '../calls/call-records.js'
import { randomId } from '../ids.js'
import type { Db } from '../db/open.js'
import { AccountService } from '../accounts/account-service.js'
import { Catalog } from '../catalog/catalog.js'
import { TrackingService } from '../pbx/tracking-service.js'
import { DebugRequestLog } from './request-log.js'
import { defaultStatusMatrix, type StatusMatrix } from '../domain/lead-status.js'
import type { ClickToCallInput } from '../calls/click-to-call.js'
import type { ListenRequest, ListenStarted } from '../calls/supervision-service.js'
import { IntakeService } from '../leads/intake-service.js'
import type { LeadService } from '../leads/lead-service.js'
import type { DialplanService } from '../pbx/dialplan-service.js'
import dialplanRoutes from './routes/dialplan.js'
import trackingRoutes, { trackingPublicRoutes } from './routes/tracking.js'
import { leadSettingsFrom } from '../leads/settings.js'
import { authenticate } from './auth.js'
import { errorHandler, notFoundHandler } from './error-handler.js'
import callRoutes from './routes/calls.js'
import supervisionRoutes from './routes/supervision.js'
import categoryRoutes from './routes/categories.js'
import customerRoutes from './routes/customers.js'
import healthRoutes from './routes/health.js'
import intakeRoutes from './routes/intake.js'
import leadRoutes from './routes/leads.js'
import operatorRoutes from './routes/operators.js'
import tokenRoutes from './routes/tokens.js'
import menuRoutes from './routes/menus.js'
import queueRoutes from './routes/queue.js'
import { MenuService } from '../catalog/menu-service.js'
import type { WaitingView } from '../calls/call-queue.js'
import trackingNumberRoutes from './routes/tracking-numbers.js'
import speechRoutes from './routes/speech.js'
import qaVerdictRoutes from './routes/qa-verdicts.js'
import { services, type Board } from './services.js'
import { CustomerService } from '../customers/customer-service.js'
import type { SpeechService } from '../speech/speech-service.js'
import reportRoutes from './routes/reports.js'
import { ReportService, reportSettingsFrom } from '../reports/report-service.js'
import { validatorCompiler } from './validation.js'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import userRoutes from './routes/users.js'
import consolePlugin from './console/plugin.js'
import { csrfForSessions, csrfUserInfo } from './session.js'
import { registerSecurityHeaders } from './security-headers.js'
import { registerLimited } from './rate-limits.js'
import { registerDocs } from './docs.js'
import { metricsRoute, type MetricsSources } from './metrics.js'
import type { ConsoleFeed } from '../notify/console-feed.js'

export interface AppDeps {
  db: Db
  bus: Bus
  config: Config
  log: Logger
  now?: () => number
  /** Live operator state for GET /api/operators. */
  board?: Board
  /** Extra facts for GET /api/health (link states, active calls…). */
  health?: () => Record<string, unknown>
  /** Id generator for new rows; random by default. */
  newId?: (prefix: string) => string
  /** The lead lifecycle. Without it there are no lead or intake routes (they answer 404). */
  leads?: LeadService
  /** Intake over `leads`; by default one over `db` with the config's key retention. */
  intake?: IntakeService
  /** Dialplan preview/apply/rollback; without it the dialplan routes answer 404. */
  dialplan?: DialplanService
  /** Click-to-call; without it POST /api/calls/outbound answers 503. */
  outbound?: (input: ClickToCallInput) => { callId: string }
  /** Listening in; without it POST /api/calls/{callId}/listen answers 503. */
  listen?: (req: ListenRequest) => ListenStarted
  /** The status matrix `leads` works with; by default the one the config gives (RINGLEAD_LEADS_STATUS_MATRIX). */
  statusMatrix?: StatusMatrix
  /** Voice menus; by default a repository over `db`. */
  menus?: MenuService
  /** Callers waiting for a free operator (GET /api/queue). */
  waiting?: () => WaitingView[]
  /** Recordings, transcripts and QA; without it those routes answer 404. */
  speech?: SpeechService
  /** The wallboard's live feed; without it the wallboard answers 503. */
  feed?: ConsoleFeed
  /** What /metrics reports besides the bus's call counters. */
  metrics?: MetricsSources
  /** The reports; by default over `db` with the config's settings and no QA scores. */
  reports?: ReportService
}

/** What the HTTP logger must never print. */
export const httpRedactPaths = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'token',
  'req.headers["x-telegram-bot-api-secret-token"]', 'headers["x-telegram-bot-api-secret-token"]'
]

/** Authenticated resources, each one plugin under /api. */
const resources = [operatorRoutes, categoryRoutes, trackingNumberRoutes, callRoutes, supervisionRoutes, customerRoutes, tokenRoutes, menuRoutes, queueRoutes, userRoutes, reportRoutes]

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now
  const log = deps.log.child({ part: 'http' }, { redact: { paths: httpRedactPaths, censor: '[redacted]' } })

  const accounts = new AccountService(deps.db)
  const adminToken = deps.config.http.adminToken
  if (adminToken !== undefined && adminToken !== '') {
    const ensured = accounts.ensureAdminToken(adminToken, now())
    if (ensured.status === 'revoked') log.warn({ tokenId: ensured.tokenId }, 'configured admin token was revoked; it stays revoked')
    else log.info({ tokenId: ensured.tokenId, status: ensured.status }, 'configured admin token ready')
    if (adminToken.length < 24) log.warn('configured admin token is short; use at least 24 random characters')
  }

  const app = Fastify({
    loggerInstance: log,
    logController: new DebugRequestLog(),
    trustProxy: trustProxyOption(deps.config.http.trustProxy),
    bodyLimit: deps.config.http.bodyLimitBytes,
    return503OnClosing: true
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON only: anything else is a 415. An empty JSON body (clients that always send the header,
  // e.g. on DELETE or pause) counts as no body; the route's schema decides whether that is fine.
  app.removeContentTypeParser(['text/plain', 'application/json'])
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined)
    return parseJson(req, body as string, done) // parseAs string
  })
  app.setValidatorCompiler<TSchema>(validatorCompiler)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  app.decorateRequest('auth', null)
  app.decorateRequest('consoleUser', undefined)
  app.decorateRequest('preSession', undefined)
  await registerSecurityHeaders(app as unknown as FastifyInstance)
  // The console's session cookie, and the CSRF token (double-submit, secret in its own cookie),
  // bound to the session or the pre-session cookie (csrfUserInfo). The binding's secret is that
  // value, which never leaves the server in clear: the HMAC key needs no secrecy of its own, and a
  // fixed one keeps open pages' tokens valid across a restart.
  await app.register(cookie)
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.config.console.secureCookies },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: 'ringlead console csrf binding' }
  })
  await registerDocs(app as unknown as FastifyInstance)

  const catalogContext = { db: deps.db, bus: deps.bus, now, newId: deps.newId ?? randomId }
  await app.register(services, {
    bus: deps.bus,
    config: deps.config,
    now,
    board: deps.board,
    health: new HealthService(deps.db, deps.health),
    callRecords: new CallRecords(deps.db),
    customers: new CustomerService(deps.db, now, catalogContext.newId),
    catalog: new Catalog(catalogContext),
    accounts,
    tracking: new TrackingService(catalogContext, deps.config.tracking.holdMinutes),
    leads: deps.leads,
    intake: deps.intake ?? (deps.leads === undefined ? undefined : new IntakeService({ db: deps.db, leads: deps.leads, now, idempotencyKeyDays: deps.config.leads.idempotencyKeyDays })),
    menus: deps.menus ?? new MenuService(catalogContext),
    waiting: deps.waiting ?? (() => []),
    reports: deps.reports ?? new ReportService(deps.db, reportSettingsFrom(deps.config)),
    dialplan: deps.dialplan,
    outbound: deps.outbound,
    listen: deps.listen,
    statusMatrix: deps.statusMatrix ?? (deps.leads !== undefined ? leadSettingsFrom(deps.config).matrix : defaultStatusMatrix),
    speech: deps.speech
  })

  await app.register(healthRoutes, { prefix: '/api' })
  await app.register(metricsRoute, { bus: deps.bus, now, ...deps.metrics, waiting: deps.metrics?.waiting ?? (() => (deps.waiting?.() ?? []).length) })
  await app.register(consolePlugin, { feed: deps.feed })
  // Shops' pages ask for a number without a token: the tracking script and its number endpoint.
  await registerLimited(app as unknown as FastifyInstance, trackingPublicRoutes as FastifyPluginAsync, deps.config.limits.trackingPerMinute)
  // Intake checks its own callers: an API token, nothing (the web form) or Telegram's secret.
  if (deps.leads !== undefined) await registerLimited(app as unknown as FastifyInstance, intakeRoutes as FastifyPluginAsync, deps.config.limits.intakePerMinute, { prefix: '/api' })
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate)
    api.addHook('onRequest', csrfForSessions)
    for (const resource of resources) await api.register(resource)
    if (deps.leads !== undefined) await api.register(leadRoutes)
    if (deps.dialplan !== undefined) await api.register(dialplanRoutes)
    await api.register(trackingRoutes)
    if (deps.speech !== undefined) await api.register(speechRoutes)
    if (deps.speech !== undefined) await api.register(qaVerdictRoutes)
  }, { prefix: '/api' })

  return app as unknown as FastifyInstance
}
