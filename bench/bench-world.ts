// The world a call benchmark runs in: the daemon in this process on a fresh seeded database, the
// simulator in a child process (bench/sim-process.ts) on loopback.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Bus } from '../src/bus.js'
import { loadConfig, type Config, type DeepPartial } from '../src/config.js'
import { startDaemon, type Daemon } from '../src/daemon.js'
import { createCategory, createOperator, createTrackingNumber, type CatalogContext } from '../src/catalog/catalog-service.js'
import { randomId } from '../src/ids.js'
import { openDb } from '../src/db/open.js'
import type { PhoneBehaviour } from '../src/sim/simulator.js'
import { startSimChild, type SimChild } from './sim-child.js'
import { seeded } from './stats.js'

const CATEGORIES = 20
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export interface BenchWorld {
  sim: SimChild
  daemon: Daemon
  dids: string[]
  resources: string[]
  /** call.ended statuses seen since the last reset. */
  statuses: Record<string, number>
  resetStatuses (): void
  waitIdle (timeoutMs: number): Promise<boolean>
  close (): Promise<void>
}

/** A fresh temp database (WAL) with categories, tracking numbers and operators with skills. */
function seedDatabase (dbPath: string, operatorCount: number): { dids: string[]; resources: string[] } {
  const db = openDb(dbPath)
  try {
    const ctx: CatalogContext = { db, bus: new Bus(), now: Date.now, newId: randomId }
    const random = seeded(7)
    const dids: string[] = []
    for (let i = 0; i < CATEGORIES; i++) {
      createCategory(ctx, { categoryId: `cat${i}`, name: `Category ${i}` })
      const did = `749510${String(i).padStart(5, '0')}`
      createTrackingNumber(ctx, { did, source: 'bench', categoryId: `cat${i}` })
      dids.push(did)
    }
    const resources: string[] = []
    for (let i = 0; i < operatorCount; i++) {
      const skills: Record<string, number> = {}
      for (let k = 0; k < 3; k++) skills[`cat${Math.floor(random() * CATEGORIES)}`] = 1 + Math.floor(random() * 5)
      const resource = `op${i}`
      createOperator(ctx, { name: `Operator ${i}`, endpoint: `PJSIP/${resource}`, isManager: i % 100 === 0, skills }, `op_${i}`)
      resources.push(resource)
    }
    return { dids, resources }
  } finally {
    db.$client.close()
  }
}

export async function startBenchWorld (o: { operators: number; behaviour: PhoneBehaviour; config?: DeepPartial<Config>; seed?: (dbPath: string, dir: string) => Promise<void> | void; log?: pino.Logger; recordingSettleMs?: number }): Promise<BenchWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-'))
  const dbPath = join(dir, 'ringlead.db')
  const { dids, resources } = seedDatabase(dbPath, o.operators)
  await o.seed?.(dbPath, dir)
  const sim = await startSimChild()
  let daemon: Daemon
  try {
    await sim.request({ cmd: 'addEndpoints', resources, behaviour: o.behaviour })
    const config = loadConfig({}, {
      db: { path: dbPath },
      ari: { url: sim.ariUrl },
      ami: { host: '127.0.0.1', port: sim.amiPort },
      // Beside its Asterisk on one machine, as the daemon is deployed: recordings are taken from the
      // spool (RINGLEAD_RECORDINGS_SPOOL_DIR). RINGLEAD_BENCH_SPOOL=0 fetches them over ARI instead.
      recordings: { dir: join(dir, 'recordings'), spoolDir: process.env.RINGLEAD_BENCH_SPOOL === '0' ? '' : sim.spoolDir },
      calls: { wrapUpSeconds: 0 },
      log: { level: 'silent' },
      agi: { enabled: false },
      ...o.config
    })
    daemon = await startDaemon(config, { log: o.log ?? pino({ level: 'silent' }), listen: false, waitForAsterisk: true, recordingSettleMs: o.recordingSettleMs ?? 2000 })
    await daemon.ami?.refreshStates()
    await sleep(500)
  } catch (err) {
    await sim.close()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const statuses: Record<string, number> = {}
  daemon.bus.on('call.ended', (e) => { statuses[e.status] = (statuses[e.status] ?? 0) + 1 })
  return {
    sim, daemon, dids, resources, statuses,
    resetStatuses () { for (const k of Object.keys(statuses)) delete statuses[k] },
    async waitIdle (timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (daemon.center.activeCalls > 0) {
        if (Date.now() > deadline) return false
        await sleep(50)
      }
      return true
    },
    async close () {
      await Promise.race([daemon.stop(), sleep(15_000)])
      await sim.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
