// Wiring: builds every part from the config, starts them, and stops them in order.
import { join, dirname, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { AmiLink } from './asterisk/ami-link.js'
import { AriLink } from './asterisk/ari-link.js'
import { Bus } from './bus.js'
import { CallCenter } from './calls/call-center.js'
import { OperatorBoard } from './calls/operator-board.js'
import { RecordingStore } from './calls/recording-store.js'
import { usesSimulator, type Config } from './config.js'
import { CallsRepo } from './db/calls-repo.js'
import { loadOperatorsWithSkills } from './db/catalog-repo.js'
import { openDb, type Db } from './db/open.js'
import { seedDemo } from './demo-seed.js'
import { buildApp } from './http/app.js'
import { startSimulator, type Simulator } from './sim/simulator.js'
import { startTraffic } from './sim/traffic.js'

export interface Daemon {
  config: Config
  db: Db
  bus: Bus
  ari: AriLink
  ami: AmiLink | null
  board: OperatorBoard
  center: CallCenter
  repo: CallsRepo
  app: FastifyInstance
  sim: Simulator | null
  /** Where the HTTP API listens, once listening. */
  url: string | null
  stop: () => Promise<void>
}

export interface DaemonOptions {
  log: Logger
  now?: () => number
  /** Listen on config.http; tests that use app.inject pass false. */
  listen?: boolean
  /** Embedded mode only: seed demo data and run synthetic traffic. */
  demoTraffic?: boolean
  /** Wait for the first ARI connection before resolving. */
  waitForAsterisk?: boolean
  /** Real ms to wait for Asterisk to finish recordings. */
  recordingSettleMs?: number
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`

export async function startDaemon (config: Config, opts: DaemonOptions): Promise<Daemon> {
  const log = opts.log
  const now = opts.now ?? Date.now
  const db = openDb(config.db.path)
  const bus = new Bus()
  const dataDir = config.db.path === ':memory:' ? resolve('data') : dirname(resolve(config.db.path))

  let sim: Simulator | null = null
  let stopTraffic: (() => void) | null = null
  let ariUrl = config.ari.url
  let ami = config.ami.host === '' ? null : { host: config.ami.host, port: config.ami.port, user: config.ami.user, secret: config.ami.secret }
  let ariUser = config.ari.user
  let ariPassword = config.ari.password
  if (usesSimulator(config)) {
    sim = await startSimulator({
      ariPort: config.sim.ariPort, amiPort: config.sim.amiPort, ariUser, ariPassword,
      amiUser: config.ami.user, amiSecret: config.ami.secret,
      recordingsDir: join(dataDir, 'asterisk-spool', 'recording'), log: log.child({ part: 'sim' })
    })
    ariUrl = sim.ariUrl
    ariUser = config.ari.user
    ariPassword = config.ari.password
    ami = { host: '127.0.0.1', port: sim.amiPort, user: config.ami.user, secret: config.ami.secret }
    log.info({ ariUrl, amiPort: sim.amiPort }, 'no Asterisk configured: built-in simulator started')
  }

  const repo = new CallsRepo(db)
  const board = new OperatorBoard({
    loadOperators: () => loadOperatorsWithSkills(db),
    statsSince: (since) => repo.statsSince(since),
    bus, now, wrapUpMs: config.calls.wrapUpSeconds * 1000
  })

  if (sim && opts.demoTraffic) {
    const world = seedDemo(db, config.sim.operators, now())
    for (const endpoint of world.endpoints) {
      const resource = endpoint.split('/')[1]!
      sim.addEndpoint(resource, { registered: true, behaviour: { kind: 'answer', afterMs: 2000 + Math.round(Math.random() * 4000) } })
    }
    const traffic = startTraffic(sim, {
      dids: world.dids,
      callsPerMinute: config.sim.callsPerMinute,
      returningShare: 0.3,
      talkMs: { min: 8_000, max: 40_000 },
      abandonShare: 0.1,
      anonymousShare: 0.05,
      operators: world.endpoints.map((e) => e.split('/')[1]!)
    })
    stopTraffic = () => { traffic.stop() }
  }
  board.reload()

  const amiLink = ami ? new AmiLink({ ...ami, log }) : null
  bus.on('catalog.changed', ({ what }) => {
    if (what !== 'operators') return
    board.reload()
    // A new or changed phone: ask Asterisk for its state instead of guessing.
    if (amiLink?.connected) void amiLink.refreshStates().catch((err: Error) => { log.warn({ err: err.message }, 'AMI state refresh failed') })
  })
  const ari = new AriLink({ url: ariUrl, user: ariUser, password: ariPassword, app: config.ari.app, log })
  const center = new CallCenter({
    ari, ami: amiLink, repo, board, bus, log, now, newId,
    store: new RecordingStore(resolve(config.recordings.dir)),
    settings: {
      defaultRegion: config.calls.defaultRegion,
      basePolicy: config.routing,
      attemptGuardMs: config.calls.attemptGuardMs,
      recordingSettleMs: opts.recordingSettleMs ?? 15_000
    }
  })
  center.start()
  const ariReady = ari.start()
  const amiReady = amiLink?.start()

  const app = await buildApp({
    db, bus, config, log, now,
    board: { view: (operatorId: string) => board.view(operatorId) },
    health: () => ({
      ari: ari.connected ? 'connected' : 'disconnected',
      ami: amiLink ? (amiLink.connected ? 'connected' : 'disconnected') : 'not configured',
      asterisk: sim ? 'simulator' : 'real',
      activeCalls: center.activeCalls
    })
  })
  let url: string | null = null
  if (opts.listen !== false) {
    url = await app.listen({ host: config.http.host, port: config.http.port })
  }
  if (opts.waitForAsterisk) await Promise.all([ariReady, amiReady])

  let stopped = false
  const daemon: Daemon = {
    config, db, bus, ari, ami: amiLink, board, center, repo, app, sim, url,
    stop: async () => {
      if (stopped) return
      stopped = true
      stopTraffic?.()
      await app.close()
      await center.drain()
      await ari.stop()
      amiLink?.stop()
      await sim?.close()
      db.$client.close()
    }
  }
  return daemon
}
