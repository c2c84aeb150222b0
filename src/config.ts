// The one typed config. The only reader of process.env.
import { checkCutPlan } from './domain/live-cuts.js'
import { checkWindowPlan } from './domain/live-transcript.js'
import { readFileSync } from 'node:fs'
import { Type, type Static, type TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { allowListProblems } from './allow-list.js'
import { coerce, envName, notANumber } from './config-env.js'
import { SpeechConfigSchema } from './config-speech.js'
import { PauseConfigSchema, WallboardConfigSchema, wallboardProblems } from './config-wallboard.js'

/** A TCP port; 0 = any free one, where allowed. */
const port = (defaultPort: number, minimum = 0): ReturnType<typeof Type.Integer> => Type.Integer({ minimum, maximum: 65535, default: defaultPort })
const Secret = Type.String()

const ConfigSchema = Type.Object({
  http: Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: port(3000),
    /** Bootstrap admin API token; stored hashed at start. Optional. */
    adminToken: Type.Optional(Secret),
    bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
    /**
     * Which proxies' X-Forwarded-For/-Proto to believe: empty = none (the peer is the client);
     * true = any; or addresses/CIDRs, comma-separated (e.g. 127.0.0.1,10.0.0.0/8).
     */
    trustProxy: Type.String({ default: '', pattern: '^(|true|[0-9A-Fa-f.:/, ]+)$' })
  }, { default: {} }),
  db: Type.Object({
    path: Type.String({ default: 'data/ringlead.db' }),
    /**
     * How long other writes (API, jobs) wait for a database another process locked. Calls never
     * wait: their writes are journaled and land when it is free.
     */
    busyTimeoutMs: Type.Integer({ default: 500, minimum: 0 }),
    /** WAL checkpoints run in a worker thread this often; 0 = inside commits on the main thread (SQLite's own). */
    checkpointEveryMs: Type.Integer({ default: 1000, minimum: 0 })
  }, { default: {} }),
  ari: Type.Object({
    /** Base URL of Asterisk's HTTP server, e.g. http://10.0.0.5:8088. Empty = built-in simulator. */
    url: Type.String({ default: '' }),
    user: Type.String({ default: 'ringlead' }),
    password: Type.String({ default: 'ringlead' }),
    app: Type.String({ default: 'ringlead', pattern: '^[A-Za-z0-9_-]+$' }),
    /** Deadline of one ARI command; a stalled Asterisk fails it with ASTERISK_COMMAND_TIMEOUT. */
    commandTimeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
    /** Deadline of downloading one recording file from Asterisk. */
    fileTimeoutMs: Type.Integer({ minimum: 100, default: 60_000 }),
    /** Deadline of each connection step (API descriptions, event WebSocket); then it retries with backoff. */
    connectTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    /** Idle keep-alive sockets are closed after this; keep it below Asterisk's http.conf session_keep_alive (15 s). */
    keepAliveIdleMs: Type.Integer({ minimum: 100, default: 4000 }),
    /** Keep-alive sockets to ARI at most: commands past it wait for one. Below http.conf sessionlimit (100). */
    maxSockets: Type.Integer({ minimum: 1, maximum: 1000, default: 64 })
  }, { default: {} }),
  ami: Type.Object({
    host: Type.String({ default: '' }),
    port: port(5038, 1),
    user: Type.String({ default: 'ringlead' }),
    secret: Type.String({ default: 'ringlead' }),
    /** Deadline of one AMI action. */
    actionTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    /** Deadline of connecting and logging in; then it retries with backoff. */
    connectTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 })
  }, { default: {} }),
  sim: Type.Object({
    ariPort: port(0),
    amiPort: port(0),
    callsPerMinute: Type.Number({ minimum: 0, default: 5 }),
    operators: Type.Integer({ minimum: 1, maximum: 1000, default: 8 })
  }, { default: {} }),
  recordings: Type.Object({
    dir: Type.String({ default: 'data/recordings' }),
    /** Recordings older than this are deleted (not golden, not waiting for transcription); 0 = keep forever. */
    retentionDays: Type.Integer({ minimum: 0, default: 0 }),
    /** How often retention runs. */
    retentionEveryMinutes: Type.Integer({ minimum: 1, default: 60 }),
    /**
     * mixmonitor: one AMI MixMonitor per call writes the two per-party files (needs AMI and
     * app_mixmonitor; without AMI a call is recorded through ARI); the conversation is made from them
     * on first play. ari: bridge recording (mixed) + a snoop per party.
     * none: calls are not recorded (where the law or the shop forbids it); nothing is transcribed or scored.
     */
    method: Type.Union([Type.Literal('mixmonitor'), Type.Literal('ari'), Type.Literal('none')], { default: 'mixmonitor' }),
    /** Where MixMonitor writes: relative to Asterisk's monitor spool directory, or absolute. It must be ARI's stored-recordings directory. */
    mixmonitorDir: Type.String({ minLength: 1, pattern: '^[^,()]+$', default: '../recording' }),
    /** Leave Asterisk's copy in its spool once ringlead stored its own; by default it is removed. */
    keepInAsterisk: Type.Boolean({ default: false }),
    /**
     * Asterisk's stored-recordings directory as this machine sees it, when ringlead shares a disk
     * with Asterisk: finished files are moved from there (a rename) instead of downloaded over ARI
     * and removed. Empty: over ARI. The built-in simulator's spool is used when it runs here.
     */
    spoolDir: Type.String({ default: '' })
  }, { default: {} }),
  speech: SpeechConfigSchema,
  wallboard: WallboardConfigSchema,
  pause: PauseConfigSchema,
  calls: Type.Object({
    defaultRegion: Type.String({ default: 'RU', pattern: '^[A-Z]{2}$' }),
    wrapUpSeconds: Type.Integer({ minimum: 0, default: 15 }),
    /** Extra real time allowed beyond the ring timeout before we give up on an attempt ourselves. */
    attemptGuardMs: Type.Integer({ minimum: 0, default: 5000 }),
    /** Click-to-call: how long the customer's phone rings once the operator has picked up. */
    outboundRingSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 40 }),
    /** Record calls operators dial on their phones directly (seen over AMI) as outbound calls. */
    trackDirectDials: Type.Boolean({ default: true })
  }, { default: {} }),
  routing: Type.Object({
    ringTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 20 }),
    stickyDays: Type.Integer({ minimum: 0, default: 90 }),
    specialistsFirst: Type.Boolean({ default: true }),
    anyOperatorStep: Type.Boolean({ default: true }),
    ringAllStep: Type.Boolean({ default: false }),
    managerLast: Type.Boolean({ default: true }),
    maxAttempts: Type.Integer({ minimum: 1, default: 6 }),
    efficiencyWeight: Type.Number({ minimum: 0, maximum: 10, default: 0.5 })
  }, { default: {} }),
  queue: Type.Object({
    /** Callers wait for a busy operator instead of being dropped. */
    enabled: Type.Boolean({ default: true }),
    /** After this long waiting, the caller is offered a callback and the call ends politely. */
    maxWaitSeconds: Type.Number({ minimum: 0.1, default: 300 }),
    /** How often a waiting caller hears their position and expected wait. */
    announceEverySeconds: Type.Number({ minimum: 0.1, default: 45 }),
    /** The key a waiting caller presses to be called back instead (empty: no key). */
    callbackKey: Type.String({ default: '1', pattern: '^[0-9*#]?$' }),
    /** Returning customers are served before new ones. */
    priorityReturning: Type.Boolean({ default: false }),
    /** Music-on-hold class Asterisk plays to waiting callers. */
    mohClass: Type.String({ default: 'default', pattern: '^[A-Za-z0-9_-]+$' }),
    /** Average handling time assumed before today's calls give one, for the expected wait. */
    defaultHandleSeconds: Type.Integer({ minimum: 1, default: 180 }),
    /** How often waiting callers are matched with operators whose wrap-up ran out. */
    pollMs: Type.Integer({ minimum: 10, default: 1000 })
  }, { default: {} }),
  leads: Type.Object({
    /** Response deadline in working minutes. */
    responseMinutes: Type.Integer({ minimum: 1, default: 40 }),
    /** JSON: per source or category deadline overrides, e.g. {"source:site": 20, "category:ovens": 60}. */
    responseMinutesBy: Type.String({ default: '{}' }),
    /** Same customer with an open lead within this window → that lead is updated, not duplicated. */
    dedupWindowHours: Type.Integer({ minimum: 0, default: 72 }),
    /** Idempotency keys (and Telegram update ids) are remembered this long, then forgotten. */
    idempotencyKeyDays: Type.Integer({ minimum: 1, default: 7 }),
    timeZone: Type.String({ default: 'Europe/Moscow' }),
    /** Working hours: JSON of weekday (1 = Monday … 7) → [["09:00","18:00"], …]. Empty day = closed. */
    workingHours: Type.String({ default: '{"1":[["09:00","20:00"]],"2":[["09:00","20:00"]],"3":[["09:00","20:00"]],"4":[["09:00","20:00"]],"5":[["09:00","20:00"]],"6":[["10:00","18:00"]],"7":[]}' }),
    /** JSON status matrix; empty = the built-in default (docs/leads.md, "Status matrix"). */
    statusMatrix: Type.String({ default: '' }),
    refusalReasons: Type.String({ default: 'price,not_in_stock,delivery_terms,changed_mind,other' }),
    reminderBeforeMinutes: Type.Integer({ minimum: 0, default: 10 }),
    ownerCallRetries: Type.Integer({ minimum: 0, default: 2 }),
    retryEveryMinutes: Type.Integer({ minimum: 1, default: 5 }),
    managerGraceMinutes: Type.Integer({ minimum: 0, default: 15 }),
    /** How an operator's mobile is dialled through the trunk: {number} is replaced. Empty = SIP endpoint only. */
    mobileDialString: Type.String({ default: '' }),
    /** How a customer's number is dialled when someone presses 1: {number} is replaced. */
    customerDialString: Type.String({ default: 'PJSIP/{number}@carrier' }),
    /** Caller id shown to customers we call back. */
    outboundCallerId: Type.String({ default: '' }),
    dispositionTimeoutSeconds: Type.Integer({ minimum: 1, default: 8 }),
    /** Keep the operator on the line after the customer hangs up, for the outcome menu. */
    dispositionPrompt: Type.Boolean({ default: true }),
    /** Language of the prompts (Asterisk looks for sounds/<lang>/ringlead/…). */
    promptLanguage: Type.String({ default: 'ru', pattern: '^[a-z]{2}$' }),
    sweepEverySeconds: Type.Integer({ minimum: 1, maximum: 59, default: 5 }),
    /** Escalation steps (phone calls) running at once; the rest wait their turn. */
    escalationConcurrency: Type.Integer({ minimum: 1, default: 20 }),
    /** Lease on a claimed ladder step; a step claimed by a dead daemon runs again after it. */
    leaseSeconds: Type.Integer({ minimum: 5, default: 120 })
  }, { default: {} }),
  webhooks: Type.Object({
    /** Comma-separated receiver URLs; empty = no webhooks. */
    urls: Type.String({ default: '' }),
    secret: Type.String({ default: '' }),
    maxAttempts: Type.Integer({ minimum: 1, default: 12 }),
    timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
    backoffBaseMs: Type.Integer({ minimum: 10, default: 2000 }),
    backoffMaxMs: Type.Integer({ minimum: 100, default: 3_600_000 }),
    pumpEveryMs: Type.Integer({ minimum: 10, default: 1000 })
  }, { default: {} }),
  telegram: Type.Object({
    /** Secret the Bot API sends in X-Telegram-Bot-Api-Secret-Token; empty = webhook off. */
    secretToken: Type.String({ default: '' }),
    source: Type.String({ default: 'telegram' })
  }, { default: {} }),
  forms: Type.Object({
    thankYouUrl: Type.String({ default: '/thanks.html' }),
    source: Type.String({ default: 'site-form' })
  }, { default: {} }),
  dialplan: Type.Object({
    /** Folder of the dialplan templates (nunjucks): extensions-ringlead.conf.njk and its parts. */
    templatesDir: Type.String({ default: 'dialplan' }),
    /** The include file Asterisk reads (#include it from extensions.conf); written atomically on apply. */
    includeFile: Type.String({ default: 'data/asterisk/extensions-ringlead.conf' }),
    /** Context the carrier's calls arrive in (pjsip.conf: context = …). */
    inboundContext: Type.String({ default: 'from-carrier', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Context operators' phones dial from (feature codes live there). */
    operatorContext: Type.String({ default: 'from-operators', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** The carrier trunk's PJSIP endpoint, for calls to customers' and operators' mobiles. */
    trunk: Type.String({ default: 'carrier', pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /** Safety net when ringlead is down: ring every operator this long, then the managers. */
    ringAllSeconds: Type.Integer({ minimum: 5, maximum: 300, default: 25 }),
    managerRingSeconds: Type.Integer({ minimum: 5, maximum: 300, default: 30 }),
    /** Feature codes dialled on an operator's phone. */
    pauseCode: Type.String({ default: '*71', pattern: '^[*#0-9]{2,8}$' }),
    unpauseCode: Type.String({ default: '*72', pattern: '^[*#0-9]{2,8}$' }),
    dispositionCode: Type.String({ default: '*73', pattern: '^[*#0-9]{2,8}$' })
  }, { default: {} }),
  agi: Type.Object({
    /** FastAGI server; the dialplan reaches it as agi://<host>:<port>/<script>. */
    enabled: Type.Boolean({ default: true }),
    host: Type.String({ default: '127.0.0.1' }),
    port: port(4573),
    /** Host name Asterisk uses to reach the FastAGI server (rendered into the dialplan). */
    publicHost: Type.String({ default: '127.0.0.1', pattern: '^[A-Za-z0-9_.:-]{1,253}$' }),
    /** A session idle this long (no reply from Asterisk) is closed. */
    idleSeconds: Type.Integer({ minimum: 1, default: 60 }),
    /** The agi_ environment block must be complete this long after connecting (slow senders are cut off). */
    headerSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 10 }),
    /** Peers allowed to connect: comma list of IPs and CIDR ranges; others are closed before a byte is read. */
    allow: Type.String({ default: '127.0.0.0/8,::1' }),
    /** Connections held at once; more are closed at once. */
    maxConnections: Type.Integer({ minimum: 1, maximum: 100_000, default: 500 }),
    /** Largest agi_ environment block, and largest 520 usage reply, in bytes (Asterisk's is about 1 KB). */
    maxHeaderBytes: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 16_384 }),
    /** Longest line Asterisk may send, in bytes. */
    maxLineBytes: Type.Integer({ minimum: 256, maximum: 1_048_576, default: 8192 })
  }, { default: {} }),
  tracking: Type.Object({
    /** How long a pool number stays with a site visitor after their last page view. */
    holdMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30 })
  }, { default: {} }),
  console: Type.Object({
    /** Console sessions last this long without a new login. */
    sessionHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 14 }),
    /**
     * Session and CSRF cookies carry Secure: auto = when the request came over HTTPS (behind a proxy,
     * with RINGLEAD_HTTP_TRUST_PROXY, as the proxy says), so the console works over plain HTTP on a LAN
     * and stays Secure behind TLS; true = always (browsers accept it only on https and localhost); false = never.
     */
    secureCookies: Type.Union([Type.Literal('auto'), Type.Boolean()], { default: 'auto' }),
    /** Failed logins for one username from one address before the lockout. */
    maxFailedLogins: Type.Integer({ minimum: 1, default: 5 }),
    /** How long a lockout lasts; failures older than this are forgotten too. */
    lockoutMinutes: Type.Integer({ minimum: 1, default: 15 }),
    /** Live-feed events kept for clients that reconnect with Last-Event-ID. */
    feedBacklog: Type.Integer({ minimum: 10, default: 2000 }),
    /** A live-feed client with more than this many bytes waiting to be sent (it stopped reading) is dropped. */
    feedMaxUnsentBytes: Type.Integer({ minimum: 4096, default: 1_048_576 }),
    /** Language for people not logged in: ru | en. */
    defaultLanguage: Type.Union([Type.Literal('ru'), Type.Literal('en')], { default: 'ru' })
  }, { default: {} }),
  limits: Type.Object({
    /** Login form posts per minute from one address (on top of the per-username lockout). */
    loginPerMinute: Type.Integer({ minimum: 1, default: 20 }),
    /** Public intake requests (web form, Telegram, API) per minute from one address. */
    intakePerMinute: Type.Integer({ minimum: 1, default: 60 }),
    /** GET /api/tracking/number per minute from one address (a shop's visitors, each page view). */
    trackingPerMinute: Type.Integer({ minimum: 1, default: 300 })
  }, { default: {} }),
  reports: Type.Object({
    /** ISO 4217 code of deal amounts; amounts are kept in its minor units (kopecks, cents). */
    currency: Type.String({ default: 'RUB', pattern: '^[A-Z]{3}$' }),
    /** Motivation tiers, share:percent: from this share of same-day deals, this percent of their revenue. */
    motivationTiers: Type.String({ default: '0.5:5,0.7:7,0.9:10' }),
    /** Base pay per calendar day of the period, in minor units. */
    basePayPerDay: Type.Integer({ minimum: 0, default: 0 }),
    /** When digests go out (node-cron, in leads.timeZone); several expressions separated by ";". */
    digestSchedule: Type.String({ default: '0 10 * * *;0 14 * * *;0 18 * * *' }),
    /** Who gets digests until users have e-mails: email:role, comma-separated (role operator needs email:operator:<operatorId>). */
    digestRecipients: Type.String({ default: '' }),
    /** Problem zones: an operator with at least this many misses and this missed % is named. */
    missedAlertCount: Type.Integer({ minimum: 1, default: 3 }),
    missedAlertPct: Type.Number({ minimum: 0, maximum: 100, default: 20 }),
    /** Problem zones: an average QA score below this is named (when scores are known). */
    qaAlertScore: Type.Number({ minimum: 0, default: 60 }),
    /** Problem zones: a source that brought at least this many calls in the 7 days before and none in the last `silentSourceHours`. */
    silentSourceMinCalls: Type.Integer({ minimum: 1, default: 7 }),
    silentSourceHours: Type.Integer({ minimum: 1, default: 24 })
  }, { default: {} }),
  smtp: Type.Object({
    /** Empty = no e-mail (digests are only viewable in the console). */
    host: Type.String({ default: '' }),
    port: port(587, 1),
    /** TLS from the first byte (port 465); false = STARTTLS when the server offers it. */
    secure: Type.Boolean({ default: false }),
    user: Type.String({ default: '' }),
    password: Type.String({ default: '' }),
    from: Type.String({ default: 'ringlead <ringlead@localhost>' })
  }, { default: {} }),
  stop: Type.Object({
    /** SIGTERM/SIGINT: live calls and transcriptions get this long; the process has exited by then. */
    graceSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 30 })
  }, { default: {} }),
  log: Type.Object({
    /** auto: readable lines on a terminal, JSON lines otherwise (a file, journald, a log shipper). */
    format: Type.Union([Type.Literal('auto'), Type.Literal('pretty'), Type.Literal('json')], { default: 'auto' }),
    level: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' })
  }, { default: {} })
})

export type Config = Static<typeof ConfigSchema>
export type RoutingConfig = Config['routing']

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID'
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

/** Every variable the config reads, with its default (undefined: optional, no default); the docs' reference is checked against it. */
export function configVariables (): Array<{ variable: string; path: string; default: unknown }> {
  return Object.entries(ConfigSchema.properties).flatMap(([section, sectionSchema]) =>
    Object.entries((sectionSchema as TObject).properties).map(([key, keySchema]) => ({
      variable: envName(section, key), path: `${section}.${key}`, default: (keySchema as { default?: unknown }).default
    })))
}

export function loadConfig (env: Record<string, string | undefined> = process.env, overrides: DeepPartial<Config> = {}): Config {
  const problems: string[] = []
  let fromFile: Record<string, Record<string, unknown>> = {}
  if (env.RINGLEAD_CONFIG) {
    try {
      fromFile = JSON.parse(readFileSync(env.RINGLEAD_CONFIG, 'utf8'))
    } catch (err) {
      problems.push(`RINGLEAD_CONFIG (${env.RINGLEAD_CONFIG}): ${(err as Error).message}`)
    }
  }
  const raw: Record<string, Record<string, unknown>> = {}
  /** `section.key` → the text its variable gave, for errors that show it. */
  const given = new Map<string, string>()
  for (const [section, sectionSchema] of Object.entries(ConfigSchema.properties)) {
    const out: Record<string, unknown> = { ...(fromFile[section] ?? {}) }
    for (const [key, keySchema] of Object.entries((sectionSchema as TObject).properties)) {
      const value = env[envName(section, key)]
      if (value !== undefined) { out[key] = coerce(keySchema, value); given.set(`${section}.${key}`, value) }
    }
    Object.assign(out, (overrides as Record<string, Record<string, unknown>>)[section] ?? {})
    raw[section] = out
  }
  const config = Value.Default(ConfigSchema, raw) as Config
  const told = new Set<string>()
  for (const error of Value.Errors(ConfigSchema, config)) {
    const [, section, key] = error.path.split('/')
    if (told.has(error.path)) continue
    const notNumber = section && key ? notANumber((ConfigSchema.properties as Record<string, TObject>)[section]?.properties[key], error.value) : null
    const text = section && key ? given.get(`${section}.${key}`) : undefined
    if (notNumber !== null && text !== undefined) {
      told.add(error.path)
      problems.push(`${envName(section!, key!)}=${text}: ${notNumber}`)
      continue
    }
    const where = section && key ? `${envName(section, key)} (${section}.${key})` : error.path
    problems.push(`${where}: ${error.message}, got ${JSON.stringify(error.value)}`)
  }
  if (config.speech !== undefined) {
    for (const problem of checkWindowPlan({ windowMs: config.speech.liveWindowMs, overlapMs: config.speech.liveOverlapMs })) problems.push(`RINGLEAD_SPEECH_LIVE_WINDOW_MS / RINGLEAD_SPEECH_LIVE_OVERLAP_MS: ${problem}`)
    for (const problem of checkCutPlan({ windowMs: config.speech.liveWindowMs, overlapMs: config.speech.liveOverlapMs, silenceRms: config.speech.liveSilenceRms, endpointMs: config.speech.liveEndpointMs })) problems.push(`RINGLEAD_SPEECH_LIVE_ENDPOINT_MS / RINGLEAD_SPEECH_LIVE_SILENCE_RMS: ${problem}`)
  }
  if (config.wallboard !== undefined) problems.push(...wallboardProblems(config.wallboard))
  if (typeof config.agi?.allow === 'string') {
    for (const problem of allowListProblems(config.agi.allow)) problems.push(`${envName('agi', 'allow')} (agi.allow): ${problem}`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }

/** Paths pino must never print. */
export const secretPaths = ['ari.password', 'ami.secret', 'smtp.password', 'http.adminToken', 'webhooks.secret', 'telegram.secretToken', '*.password', '*.secret', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-telegram-bot-api-secret-token"]']

export const usesSimulator = (config: Config): boolean => config.ari.url === ''

/** http.trustProxy as Fastify takes it. */
export function trustProxyOption (setting: string): boolean | string[] {
  if (setting === '') return false
  if (setting === 'true') return true
  return setting.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

/** `ringlead user create|password`: a new password given in the environment instead of stdin (never in argv). */
export function newPasswordFromEnv (env: Record<string, string | undefined> = process.env): string | undefined {
  return env.RINGLEAD_NEW_PASSWORD
}

/**
 * The environment of a transcription worker. whisper.cpp's OpenMP threads spin while they wait by
 * default: on a machine shared with calls and other work that spinning takes the very cores they wait
 * for (a short call took 26 s instead of 0.8 s at load 20 on 2 cores). PASSIVE makes them sleep.
 */
export function speechWorkerEnv (env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  return { ...env, OMP_WAIT_POLICY: env.OMP_WAIT_POLICY ?? 'PASSIVE' }
}
