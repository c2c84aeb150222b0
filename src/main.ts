// Entry point: config, logger, daemon, signals.
import pino from 'pino'
import { ConfigError, loadConfig, secretPaths, usesSimulator } from './config.js'
import { startDaemon } from './daemon.js'
import { createToken, listTokens } from './db/tokens-repo.js'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { writeRandomWhisperModel } from './speech/ggml-model.js'
import { countUsers } from './db/users-repo.js'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const log = pino({ level: config.log.level, redact: { paths: secretPaths, censor: '[redacted]' } })
  // Demo without a model: a generated random-weight one, so calls get transcripts (of nonsense words).
  let demoModel = false
  if (usesSimulator(config) && config.speech.modelPath === '') {
    const dataDir = config.db.path === ':memory:' ? resolve('data') : dirname(resolve(config.db.path))
    const modelPath = join(dataDir, 'models', 'ggml-random-demo.bin')
    if (!existsSync(modelPath)) {
      mkdirSync(dirname(modelPath), { recursive: true })
      await writeRandomWhisperModel(modelPath)
    }
    config = Object.freeze({ ...config, speech: { ...config.speech, modelPath } })
    demoModel = true
    log.warn({ modelPath }, 'demo: transcripts come from a random-weight model, so their words are nonsense; set RINGLEAD_SPEECH_MODEL_PATH to a real model')
  }
  const daemon = await startDaemon(config, { log, demoTraffic: usesSimulator(config) })
  log.info({ url: daemon.url, asterisk: daemon.sim ? 'built-in simulator' : config.ari.url }, 'ringlead is running')
  // Demo only: the first start on an empty database makes an admin token and shows it once on the
  // terminal (never in the log), so a newcomer can read the API at once.
  let demoToken = ''
  if (daemon.sim && !config.http.adminToken && listTokens(daemon.db).every((tok) => tok.revokedAt !== null)) {
    demoToken = createToken(daemon.db, { name: 'demo admin', role: 'admin' }, Date.now()).token
  }
  process.stdout.write(`\nringlead is running: ${daemon.url}/api/health\n` +
    (daemon.sim ? `Built-in Asterisk simulator with synthetic calls (ARI ${daemon.sim.ariUrl}, AMI port ${daemon.sim.amiPort}).\n` : '') +
    (demoModel ? 'Transcripts use a generated random-weight Whisper model: the words are nonsense (README, "Speech").\n' : '') +
    (demoToken ? `An admin API token was created for this demo (shown only now): ${demoToken}\n` +
      `  curl -H 'Authorization: Bearer ${demoToken}' ${daemon.url}/api/calls\n` : `Calls: GET ${daemon.url}/api/calls with an API token (README, "API tokens").\n`) +
    `\nConsole: ${daemon.url}/\n` +
    (countUsers(daemon.db) === 0
      ? `  Nobody can log in yet: open ${daemon.url}/setup to create the first administrator,\n` +
        '  or run `npm run cli -- user create --username NAME --role admin` (the password is read from stdin).\n'
      : '  Log in with your console username and password.\n') + '\n')
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
    void daemon.stop(graceMs).then(() => process.exit(0), (err: Error) => { log.error({ err }, 'stop failed'); process.exit(1) })
  }
  process.on('SIGINT', () => { stop('SIGINT') })
  process.on('SIGTERM', () => { stop('SIGTERM') })
}

void main()
