// The real app with the real lead service, on a fresh in-memory database, with a clock and ids the
// test controls. Every new lead goes to Ana, the one operator.
import type { Bus } from '../../src/bus.js'
import { loadConfig, type Config, type DeepPartial } from '../../src/config.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { createOperator, type CatalogContext, type NewOperator } from '../../src/catalog/catalog-service.js'
import { LeadsRepo } from '../../src/db/leads-repo.js'
import type { Db } from '../../src/db/open.js'
import { createToken } from '../../src/accounts/token-service.js'
import { alwaysOpen } from '../../src/domain/sla-clock.js'
import { buildApp } from '../../src/http/app.js'
import { LeadService, type LeadSettings } from '../../src/leads/lead-service.js'
import { leadSettingsFrom } from '../../src/leads/settings.js'
import { adminSecret, testBase } from './helpers.js'

export { adminSecret, bearer, t0 } from './helpers.js'
export const telegramSecret = 'tg-secret_0123456789'
export const anaId = 'op_ana'

export interface LeadsTestApp {
  app: Awaited<ReturnType<typeof buildApp>>
  db: Db
  bus: Bus
  repo: LeadsRepo
  leads: LeadService
  catalog: CatalogContext
  config: Config
  clock: { ms: number }
  /** Bus event types in order of emission. */
  emitted: string[]
  logLines: string[]
  admin: string
  tokenFor (role: 'admin' | 'supervisor' | 'operator', operatorId?: string): string
  addOperator (input?: Partial<NewOperator>, operatorId?: string): string
  close (): Promise<void>
}

/** The config's lead settings (the built-in status matrix unless the test sets one), on a clock that never closes. */
export const leadSettings = (config: Config): LeadSettings => ({ ...leadSettingsFrom(config), calendar: alwaysOpen('UTC') })

export async function leadsTestApp (overrides: DeepPartial<Config> = {}): Promise<LeadsTestApp> {
  const { db, bus, clock, now, newId, logLines, log } = testBase()
  const config = loadConfig({}, {
    ...overrides,
    http: { adminToken: adminSecret, ...overrides.http },
    telegram: { secretToken: telegramSecret, ...overrides.telegram }
  })
  const catalog: CatalogContext = { db, bus, now, newId }
  createOperator(catalog, { name: 'Ana', endpoint: 'PJSIP/101' }, anaId)
  const repo = new LeadsRepo(db)
  const leads = new LeadService({
    repo, calls: new CallsRepo(db), bus, log, now, newId, settings: leadSettings(config),
    pickOwner: () => ({ operatorId: anaId, reasons: ['Ana takes every lead in these tests'] })
  })
  const emitted: string[] = []
  for (const type of ['lead.created', 'lead.updated', 'lead.status_changed', 'disposition.recorded'] as const) bus.on(type, () => emitted.push(type))
  const app = await buildApp({ db, bus, config, log, now, newId, leads })
  let endpointNo = 200
  return {
    app, db, bus, repo, leads, catalog, config, clock, emitted, logLines,
    admin: adminSecret,
    tokenFor: (role, operatorId) => createToken(db, { name: `${role} test`, role, operatorId }, now()).token,
    addOperator: (input = {}, operatorId) =>
      createOperator(catalog, { name: 'Ben', endpoint: `PJSIP/${++endpointNo}`, ...input }, operatorId).operatorId,
    close: async () => { await app.close(); db.$client.close() }
  }
}


/** Rows of a table, counted. */
export const count = (db: Db, table: 'leads' | 'lead_events' | 'idempotency_keys' | 'escalations'): number =>
  (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
