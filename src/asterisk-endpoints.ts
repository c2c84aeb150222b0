// Where the daemon finds Asterisk: the configured ARI and AMI, or, when none is configured, the
// built-in simulator started here (the demo and the tests), with its recordings in a spool laid out
// as Asterisk's (recording/ beside monitor/).
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { usesSimulator, type Config } from './config.js'
import { CALL_EVENTS_NOT_READ } from './domain/ami-events.js'
import { promptLengths } from './prompt-lengths.js'
import type { Simulator } from './sim/simulator.js'

export interface AmiEndpoint { host: string; port: number; user: string; secret: string; actionTimeoutMs: number; connectTimeoutMs: number }

/**
 * `spoolDir`: Asterisk's stored-recordings directory on this machine's disk, when ringlead shares it
 * (RINGLEAD_RECORDINGS_SPOOL_DIR, or the built-in simulator's), else null: recordings over ARI.
 */
export async function asteriskEndpoints (config: Config, dataDir: string, log: Logger): Promise<{ sim: Simulator | null; ariUrl: string; ami: AmiEndpoint | null; spoolDir: string | null }> {
  const amiTimeouts = { actionTimeoutMs: config.ami.actionTimeoutMs, connectTimeoutMs: config.ami.connectTimeoutMs }
  const configured = config.recordings.spoolDir === '' ? null : resolve(config.recordings.spoolDir)
  if (!usesSimulator(config)) {
    const ami = config.ami.host === '' ? null : { host: config.ami.host, port: config.ami.port, user: config.ami.user, secret: config.ami.secret, ...amiTimeouts }
    return { sim: null, ariUrl: config.ari.url, ami, spoolDir: configured }
  }
  const recordingsDir = join(dataDir, 'asterisk-spool', 'recording')
  // Loaded only when used: against a real Asterisk its code would only weigh on every full GC.
  const { startSimulator } = await import('./sim/simulator.js')
  const sim = await startSimulator({
    ariPort: config.sim.ariPort, amiPort: config.sim.amiPort, ariUser: config.ari.user, ariPassword: config.ari.password,
    amiUser: config.ami.user, amiSecret: config.ami.secret,
    recordingsDir, log: log.child({ part: 'sim' }),
    dialplanFiles: [resolve(config.dialplan.includeFile)],
    sounds: promptLengths(),
    // It never makes the events a call makes by the dozen; it says so as a tuned Asterisk would.
    amiDisabledEvents: CALL_EVENTS_NOT_READ
  })
  log.info({ ariUrl: sim.ariUrl, amiPort: sim.amiPort }, 'no Asterisk configured: built-in simulator started')
  return { sim, ariUrl: sim.ariUrl, ami: { host: '127.0.0.1', port: sim.amiPort, user: config.ami.user, secret: config.ami.secret, ...amiTimeouts }, spoolDir: configured ?? recordingsDir }
}
