// The admin pages that write with plain form posts (no script): categories and their specialists,
// API tokens, tracking pools, routing overrides and QA rule sets. One entry point for plugin.ts.
import type { FastifyInstance } from 'fastify'
import { categoryPages } from './admin-categories.js'
import { poolPages } from './admin-pools.js'
import { qaRulePages } from './admin-qa-rules.js'
import { routingPages } from './admin-routing.js'
import { tokenPages } from './admin-tokens.js'
import type { ConsoleKit } from './kit.js'

export async function adminFormPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  await categoryPages(app, kit)
  await tokenPages(app, kit)
  await poolPages(app, kit)
  await routingPages(app, kit)
  await qaRulePages(app, kit)
}
