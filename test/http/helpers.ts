// Builds the real app on a fresh in-memory database, with a clock and ids the test controls.
import { pino, type Logger } from 'pino'
import { Bus } from '../../src/bus.js'
import { loadConfig, type DeepPartial, type Config } from '../../src/config.js'
import { createOperator, type CatalogContext, type NewOperator } from '../../src/catalog/catalog-service.js'
import { openDb, type Db } from '../../src/db/open.js'
import { createToken } from '../../src/accounts/token-service.js'
import { buildApp } from '../../src/http/app.js'
import type { Board, OperatorLiveView } from '../../src/http/services.js'

export const adminSecret = 'test-admin-token-0123456789abcdef'
export const t0 = 1_700_000_000_000

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>
  db: Db
  bus: Bus
  catalog: CatalogContext
  clock: { ms: number }
  live: Map<string, OperatorLiveView>
  /** Everything emitted as catalog.changed. */
  changes: string[]
  logLines: string[]
  admin: string
  tokenFor (role: 'admin' | 'supervisor' | 'operator', operatorId?: string): string
  addOperator (input?: Partial<NewOperator>, operatorId?: string): string
  close (): Promise<void>
}

/** What every HTTP test app is built on: an in-memory database, a bus, a clock and ids the test controls, a captured log. */
export function testBase (): { db: Db; bus: Bus; clock: { ms: number }; now: () => number; newId: (prefix: string) => string; logLines: string[]; log: Logger } {
  const clock = { ms: t0 }
  let seq = 0
  const logLines: string[] = []
  return {
    db: openDb(':memory:'),
    bus: new Bus(),
    clock,
    now: () => clock.ms,
    newId: (prefix) => `${prefix}_${++seq}`,
    logLines,
    log: pino({ level: 'trace' }, { write: (line: string) => { logLines.push(line) } })
  }
}

export async function testApp (overrides: DeepPartial<Config> = {}, health: () => Record<string, unknown> = () => ({ ari: 'connected', activeCalls: 2 })): Promise<TestApp> {
  const { db, bus, clock, now, newId, logLines, log } = testBase()
  const live = new Map<string, OperatorLiveView>()
  const board: Board = { view: (operatorId) => live.get(operatorId) }
  const changes: string[] = []
  bus.on('catalog.changed', ({ what }) => changes.push(what))
  const config = loadConfig({}, { ...overrides, http: { adminToken: adminSecret, ...overrides.http } })
  const app = await buildApp({ db, bus, config, log, now, newId, board, health })
  const catalog: CatalogContext = { db, bus, now, newId }
  let endpointNo = 100
  return {
    app, db, bus, catalog, clock, live, changes, logLines,
    admin: adminSecret,
    tokenFor: (role, operatorId) => createToken(db, { name: `${role} test`, role, operatorId }, now()).token,
    addOperator: (input = {}, operatorId) =>
      createOperator(catalog, { name: 'Ana', endpoint: `PJSIP/${++endpointNo}`, ...input }, operatorId).operatorId,
    close: async () => { await app.close(); db.$client.close() }
  }
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` })
