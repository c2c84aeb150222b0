// Entry point: config, logger, daemon, signals.
import { systemClock } from './clock.js'
import { existsSync, mkdirSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { ConfigError, loadConfig, usesSimulator, type Config } from './config.js'
import { startDaemon, type Daemon } from './daemon.js'
import { createToken, listTokens } from './accounts/token-service.js'
import { countUsers } from './accounts/user-service.js'
import { RingleadError } from './errors.js'
import { takeInstanceLock, type InstanceLock } from './instance-lock.js'
import { chooseLogFormat, createLogger } from './logger.js'
import { writeRandomWhisperModel } from './speech/ggml-model.js'
import { resolveModel } from './speech/model-folder.js'
import type { SpeechStatus } from './speech/transcription-runner.js'
import { lanAddresses, startBanner } from './start-banner.js'

/** A start that cannot go on for a reason the person can fix: the message, no stack, exit 1. */
function failStart (err: unknown, log: Logger | null): never {
  if (!(err instanceof RingleadError)) throw err
  if (log !== null) log.fatal({ code: err.code }, err.message)
  else process.stderr.write(`${err.message}\n`)
  process.exit(1)
}

/**
 * The demo with no model in the models folder gets a generated random-weight one (kept outside the
 * folder, so a model dropped there later replaces it without a restart). Outside the demo, no model
 * means the queue waits, and says so.
 */
async function demoFallbackModel (config: Config): Promise<string | undefined> {
  if (!usesSimulator(config) || resolveModel({ modelPath: config.speech.modelPath, modelsDir: config.speech.modelsDir }).path !== null) return undefined
  const dataDir = config.db.path === ':memory:' ? resolve('data') : dirname(resolve(config.db.path))
  const modelPath = join(dataDir, 'demo', 'ggml-random-demo.bin')
  if (!existsSync(modelPath)) {
    mkdirSync(dirname(modelPath), { recursive: true })
    await writeRandomWhisperModel(modelPath)
  }
  return modelPath
}

function speechModelLine (s: SpeechStatus): string {
  return s.state === 'ready' ? `${s.model} (${s.why})` : s.reason
}

async function main (): Promise<void> {
  let loaded
  try {
    loaded = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger({ level: loaded.log.level, format: chooseLogFormat(loaded.log.format, process.stdout.isTTY === true) })
  let lock: InstanceLock
  let daemon: Daemon
  const config = loaded
  try {
    lock = takeInstanceLock(loaded.db.path, systemClock.now())
    const fallbackModel = await demoFallbackModel(config)
    daemon = await startDaemon(config, { log, clock: systemClock, demoTraffic: usesSimulator(config), fallbackModel })
  } catch (err) {
    failStart(err, log)
  }
  lock.update({ url: daemon.url, simAmiPort: daemon.sim?.amiPort ?? null })
  log.info({ url: daemon.url, asterisk: daemon.sim ? 'built-in simulator' : config.ari.url }, 'ringlead is running')
  // Demo only: the first start on an empty database makes an admin token and shows it once on the
  // terminal (never in the log), so a newcomer can read the API at once.
  let demoToken = ''
  if (daemon.sim && !config.http.adminToken && listTokens(daemon.db).every((tok) => tok.revokedAt !== null)) {
    demoToken = createToken(daemon.db, { name: 'demo admin', role: 'admin' }, systemClock.now()).token
  }
  process.stdout.write(startBanner({
    url: daemon.url!, port: Number(new URL(daemon.url!).port),
    lan: lanAddresses(config.http.host, networkInterfaces()),
    sim: daemon.sim ? { ariUrl: daemon.sim.ariUrl, amiPort: daemon.sim.amiPort } : null,
    speechModel: speechModelLine(daemon.transcription.status()), demoToken, hasUsers: countUsers(daemon.db) > 0
  }))
  // SIGTERM or Ctrl-C: the clean stop (README, "Stopping"), done within the grace period; a second
  // signal ends the process at once. Transcription runs in child processes, so exiting never
  // interrupts whisper.cpp inside this one.
  const graceMs = config.stop.graceSeconds * 1000
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    log.info({ signal, graceMs }, 'stopping')
    // The last resort if a step ignores its deadline; the next start squares the rest.
    setTimeout(() => { log.error('shutdown took longer than the grace period, exiting'); process.exit(1) }, graceMs + 1_000).unref()
    void daemon.stop(graceMs).then(() => { lock.release(); process.exit(0) }, (err: Error) => { log.error({ err }, 'stop failed'); process.exit(1) })
  }
  process.on('SIGINT', () => { stop('SIGINT') })
  process.on('SIGTERM', () => { stop('SIGTERM') })
}

void main()
