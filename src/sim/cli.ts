// `npm run sim`: the simulator on fixed ports with operators 101..110 and demo traffic.
// Env: SIM_ARI_PORT (8088), SIM_AMI_PORT (5038), SIM_HOST (127.0.0.1), SIM_DIDS (comma list),
// SIM_CALLS_PER_MINUTE (6), SIM_RECORDINGS_DIR (./var/sim-spool/recording), SIM_SECONDS_MS (1000), SIM_LOG_LEVEL (info),
// SIM_DIALPLAN_FILES (comma list of extensions files `dialplan reload` reads, e.g. ringlead's include file).
import { resolve } from 'node:path'
import pino from 'pino'
import { startSimulator } from './simulator.js'
import { startTraffic } from './traffic.js'

const env = process.env
const log = pino({ level: env.SIM_LOG_LEVEL ?? 'info' })
const secondsMs = Number(env.SIM_SECONDS_MS ?? 1000)
const dids = (env.SIM_DIDS ?? '74951234567,74951234568,74951234569').split(',').map((d) => d.trim()).filter((d) => d !== '')
const operators = Array.from({ length: 10 }, (_, i) => String(101 + i))

const sim = await startSimulator({
  host: env.SIM_HOST ?? '127.0.0.1',
  ariPort: Number(env.SIM_ARI_PORT ?? 8088),
  amiPort: Number(env.SIM_AMI_PORT ?? 5038),
  recordingsDir: resolve(env.SIM_RECORDINGS_DIR ?? 'var/sim-spool/recording'),
  secondsMs,
  dialplanFiles: (env.SIM_DIALPLAN_FILES ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '').map((f) => resolve(f)),
  log
})
for (const resource of operators) sim.addEndpoint(resource, { behaviour: { kind: 'answer', afterMs: 2 * secondsMs } })

// Traffic starts whenever the app connects and pauses while it is away, so the daemon may start first or last.
const trafficOptions = {
  dids,
  callsPerMinute: Number(env.SIM_CALLS_PER_MINUTE ?? 6),
  returningShare: 0.3,
  talkMs: { min: 20 * secondsMs, max: 120 * secondsMs },
  abandonShare: 0.15,
  operators: operators.slice(2),
  secondsMs
}
let traffic: ReturnType<typeof startTraffic> | undefined
const poll = setInterval(() => {
  if (sim.isAppConnected() && !traffic) {
    log.info({ dids }, 'ringlead connected: starting traffic')
    traffic = startTraffic(sim, trafficOptions)
  } else if (!sim.isAppConnected() && traffic) {
    log.info({ placed: traffic.placed }, 'ringlead disconnected: pausing traffic')
    traffic.stop()
    traffic = undefined
  }
}, 1000)

log.info({ ariUrl: sim.ariUrl, amiPort: sim.amiPort, operators, dids }, 'simulator ready')
const shutdown = async () => {
  clearInterval(poll)
  traffic?.stop()
  await sim.close()
  process.exit(0)
}
process.once('SIGINT', () => { void shutdown() })
process.once('SIGTERM', () => { void shutdown() })
