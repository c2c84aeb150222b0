// /admin/tokens: API tokens, admin only, through the token service as /api/tokens. A new secret is
// kept in memory for one showing: the form redirects to a page that shows it and forgets it, so a
// reload (or the back button) never shows it again and never creates a second token.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { roles, type Role } from '../../domain/roles.js'
import { adminPost, formOf, moment, submit, type FieldMap, type FormProblem } from './admin-forms.js'
import type { ConsoleKit } from './kit.js'

const tokenFields: FieldMap = { name: { name: 'name', label: 'tok.name' }, role: { name: 'role', label: 'tok.role' }, operatorId: { name: 'operatorId', label: 'tok.operator' } }
/** How long a new secret waits to be shown before it is dropped unseen. */
const showWithinMs = 10 * 60_000

interface Unshown { secret: string; tokenId: string; name: string; userId: string; untilMs: number }

export async function tokenPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { accounts, catalog, now, config } = app.services
  const zone = config.leads.timeZone
  const post = adminPost(app, kit)
  const unshown = new Map<string, Unshown>()

  const show = (req: FastifyRequest, reply: FastifyReply, refusal: (FormProblem & { form: string; values: Record<string, string> }) | null = null): FastifyReply => {
    const lang = kit.langOf(req)
    const operators = catalog.listOperators({ includeRemoved: true })
    const names = new Map(operators.map((o) => [o.operatorId, o.name]))
    const tokens = accounts.listTokens().map((tk) => ({
      tokenId: tk.tokenId, name: tk.name, role: tk.role, operator: tk.operatorId === null ? null : names.get(tk.operatorId) ?? null,
      created: moment(tk.createdAt, lang, zone), lastUsed: moment(tk.lastUsedAt, lang, zone), revoked: moment(tk.revokedAt, lang, zone)
    })).reverse() // newest first
    const live = operators.filter((o) => o.removedAt === null).sort((a, b) => a.name.localeCompare(b.name))
    return kit.render(req, reply, 'admin-tokens.njk', { tokens, operators: live, roles, refusal }, refusal?.status ?? 200)
  }

  app.get('/admin/tokens', kit.page('admin'), async (req, reply) => show(req, reply))

  app.post('/admin/tokens', post, async (req, reply) => {
    const f = formOf(req)
    const key = randomBytes(18).toString('base64url')
    return await submit(reply, kit, req, tokenFields, () => {
      const { token, view } = accounts.createToken({ name: f.name ?? '', role: (f.role ?? '') as Role, operatorId: f.operatorId === undefined || f.operatorId === '' ? null : f.operatorId }, now())
      req.log.info({ tokenId: view.tokenId, role: view.role }, 'token created')
      for (const [k, u] of unshown) if (u.untilMs <= now()) unshown.delete(k)
      unshown.set(key, { secret: token, tokenId: view.tokenId, name: view.name, userId: kit.userOf(req).userId, untilMs: now() + showWithinMs })
    }, `/admin/tokens/new/${key}`, (problem) => show(req, reply, { ...problem, form: 'new', values: f }))
  })

  // The one showing of a new secret, to the admin who made it.
  app.get('/admin/tokens/new/:key', kit.page('admin'), async (req, reply) => {
    const key = (req.params as { key: string }).key
    const u = unshown.get(key)
    unshown.delete(key)
    const mine = u !== undefined && u.userId === kit.userOf(req).userId && u.untilMs > now()
    return kit.render(req, reply, 'admin-token-made.njk', mine ? { secret: u.secret, name: u.name } : { secret: null }, mine ? 200 : 410)
  })

  app.post('/admin/tokens/:tokenId/revoke', post, async (req, reply) => {
    const tokenId = (req.params as { tokenId: string }).tokenId
    return await submit(reply, kit, req, {}, () => {
      accounts.revokeToken(tokenId, now())
      req.log.info({ tokenId }, 'token revoked')
    }, '/admin/tokens', (problem) => show(req, reply, { ...problem, form: 'list', values: {} }))
  })
}
