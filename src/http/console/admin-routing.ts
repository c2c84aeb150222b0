// /admin/routing: what decides whom a call rings. The defaults come from the configuration and are
// shown read-only beside their variables; the overrides a category or a tracking number stores are
// edited here through the catalog service, as PATCH /api/categories and /api/tracking-numbers do.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { configVariables } from '../../config.js'
import { policyKeys } from '../../domain/routing-policy.js'
import type { RoutingPolicy } from '../../domain/routing.js'
import { adminPost, formOf, submit, type FieldMap, type FormProblem } from './admin-forms.js'
import { formatsFor } from './formats.js'
import type { ConsoleKit } from './kit.js'

type Key = keyof RoutingPolicy
const keys = Object.keys(policyKeys) as Key[]
const policyFields: FieldMap = Object.fromEntries(keys.map((k) => [`routingPolicy.${k}`, { name: k, label: `rt.${k}` }]))

/** The overrides the form sets: an empty field inherits, so it is left out. */
function policyFromForm (f: Record<string, string>): Partial<RoutingPolicy> {
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const raw = (f[key] ?? '').trim()
    if (raw === '') continue
    out[key] = policyKeys[key] === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : raw) : Number(raw.replace(',', '.'))
  }
  return out as Partial<RoutingPolicy>
}

/** A stored override as the form shows it ('' when inherited). */
const shown = (policy: Partial<RoutingPolicy> | null): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, policy?.[k] === undefined ? '' : String(policy[k])]))

export async function routingPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { catalog, config } = app.services
  const post = adminPost(app, kit)
  const variables = new Map(configVariables().map((v) => [v.path, v.variable]))

  const show = (req: FastifyRequest, reply: FastifyReply, refusal: (FormProblem & { form: string; values: Record<string, string> }) | null = null): FastifyReply => {
    const fmt = formatsFor(kit.langOf(req), config.leads.timeZone)
    const defaults = keys.map((key) => {
      const value = config.routing[key]
      return { key, kind: policyKeys[key], value: typeof value === 'boolean' ? value : fmt.number(value, 2), variable: variables.get(`routing.${key}`) }
    })
    // What a reader sees: numbers in the page's language; the form keeps the stored text.
    const readable = (policy: Partial<RoutingPolicy> | null): Record<string, string> =>
      Object.fromEntries(keys.map((k) => [k, typeof policy?.[k] === 'number' ? fmt.number(policy[k] as number, 2) : String(policy?.[k] ?? '')]))
    const categories = catalog.listCategories().map((c) => ({ categoryId: c.categoryId, name: c.name, policy: shown(c.routingPolicy), readable: readable(c.routingPolicy), overrides: c.routingPolicy !== null }))
    const names = new Map(categories.map((c) => [c.categoryId, c.name]))
    const numbers = catalog.listTrackingNumbers().map((n) => ({ did: n.did, label: n.label, category: n.categoryId === null ? null : names.get(n.categoryId) ?? null, policy: shown(n.routingPolicy), readable: readable(n.routingPolicy), overrides: n.routingPolicy !== null }))
    const managers = catalog.listOperators().filter((o) => o.isManager).map((o) => o.name).sort((a, b) => a.localeCompare(b))
    return kit.render(req, reply, 'admin-routing.njk', { defaults, keys: defaults, categories, numbers, managers, refusal }, refusal?.status ?? 200)
  }

  app.get('/admin/routing', kit.page('supervisor'), async (req, reply) => show(req, reply))

  app.post('/admin/routing/categories/:categoryId', post, async (req, reply) => {
    const categoryId = (req.params as { categoryId: string }).categoryId
    const f = formOf(req)
    return await submit(reply, kit, req, policyFields, () => {
      catalog.updateCategory(categoryId, { routingPolicy: policyFromForm(f) })
      req.log.info({ categoryId }, 'category routing overrides changed')
    }, '/admin/routing', (problem) => show(req, reply, { ...problem, form: `cat:${categoryId}`, values: f }))
  })

  app.post('/admin/routing/numbers/:did', post, async (req, reply) => {
    const did = (req.params as { did: string }).did
    const f = formOf(req)
    return await submit(reply, kit, req, policyFields, () => {
      catalog.updateTrackingNumber(did, { routingPolicy: policyFromForm(f) })
      req.log.info({ did }, 'tracking number routing overrides changed')
    }, '/admin/routing', (problem) => show(req, reply, { ...problem, form: `num:${did}`, values: f }))
  })
}
