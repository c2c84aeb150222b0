// /admin/categories: product categories and their specialists (the operators holding the skill, at
// a level), written through the catalog service as /api/categories and /api/operators/:id/skills are.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { maxSkillLevel, minSkillLevel } from '../../catalog/catalog-rules.js'
import { InvalidInput } from '../../errors.js'
import { adminPost, formOf, submit, type FieldMap, type FormProblem } from './admin-forms.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'

const categoryFields: FieldMap = { categoryId: { name: 'categoryId', label: 'cat.id' }, name: { name: 'name', label: 'cat.name' } }
const specialistFields: FieldMap = { operatorId: { name: 'operatorId', label: 'cat.operator' }, skills: { name: 'level', label: 'cat.level' } }

/** Which form a refusal belongs to, so the page shows it there with what was typed. */
interface Refusal extends FormProblem { form: string; values: Record<string, string> }

export async function categoryPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { catalog } = app.services
  const post = adminPost(app, kit)
  const idOf = (req: FastifyRequest): string => (req.params as { categoryId: string }).categoryId

  const show = (req: FastifyRequest, reply: FastifyReply, refusal: Refusal | null = null): FastifyReply => {
    const operators = catalog.listOperators()
    const categories = catalog.listCategories().map((c) => ({
      ...c,
      specialists: operators.filter((o) => o.skills[c.categoryId] !== undefined)
        .map((o) => ({ operatorId: o.operatorId, name: o.name, level: o.skills[c.categoryId]! }))
        .sort((a, b) => b.level - a.level || a.name.localeCompare(b.name)),
      others: operators.filter((o) => o.skills[c.categoryId] === undefined).map((o) => ({ operatorId: o.operatorId, name: o.name }))
        .sort((a, b) => a.name.localeCompare(b.name))
    }))
    return kit.render(req, reply, 'admin-categories.njk', { categories, refusal, levels: { min: minSkillLevel, max: maxSkillLevel } }, refusal?.status ?? 200)
  }
  const again = (req: FastifyRequest, reply: FastifyReply, form: string) => (problem: FormProblem) => show(req, reply, { ...problem, form, values: formOf(req) })

  app.get('/admin/categories', kit.page('supervisor'), async (req, reply) => show(req, reply))

  app.post('/admin/categories', post, async (req, reply) => {
    const f = formOf(req)
    return await submit(reply, kit, req, categoryFields, () => { catalog.createCategory({ categoryId: (f.categoryId ?? '').trim(), name: f.name ?? '' }) },
      '/admin/categories', again(req, reply, 'new'))
  })

  app.post('/admin/categories/:categoryId', post, async (req, reply) => {
    const f = formOf(req)
    return await submit(reply, kit, req, categoryFields, () => { catalog.updateCategory(idOf(req), { name: f.name ?? '' }) },
      '/admin/categories', again(req, reply, `edit:${idOf(req)}`))
  })

  app.post('/admin/categories/:categoryId/remove', post, async (req, reply) => {
    const categoryId = idOf(req)
    // The service refuses too, naming ids; the page names the people and numbers in its own words.
    const holders = catalog.listOperators().filter((o) => o.skills[categoryId] !== undefined).map((o) => o.name)
    const dids = catalog.listTrackingNumbers().filter((n) => n.categoryId === categoryId).map((n) => n.did)
    if (holders.length > 0 || dids.length > 0) {
      const text = translator(kit.langOf(req))('cat.inUse', { names: [...holders, ...dids].join(', ') })
      return show(req, reply, { status: 409, field: null, text, form: `edit:${categoryId}`, values: {} })
    }
    return await submit(reply, kit, req, {}, () => { catalog.deleteCategory(categoryId) }, '/admin/categories', again(req, reply, `edit:${categoryId}`))
  })

  // Adds a specialist or changes their level: the operator's other skills stay as they are.
  app.post('/admin/categories/:categoryId/specialists', post, async (req, reply) => {
    const f = formOf(req)
    const categoryId = idOf(req)
    return await submit(reply, kit, req, specialistFields, () => {
      const operator = f.operatorId === undefined || f.operatorId === '' ? undefined : catalog.getOperator(f.operatorId)
      if (operator === undefined || operator.removedAt !== null) throw new InvalidInput('operatorId', translator(kit.langOf(req))('cat.pickOperator'))
      const level = f.level === undefined || f.level.trim() === '' ? Number.NaN : Number(f.level)
      catalog.replaceSkills(operator.operatorId, { ...operator.skills, [categoryId]: level })
    }, '/admin/categories', again(req, reply, f.from === 'level' ? `spec:${categoryId}:${f.operatorId ?? ''}` : `add:${categoryId}`))
  })

  app.post('/admin/categories/:categoryId/specialists/:operatorId/remove', post, async (req, reply) => {
    const { categoryId, operatorId } = req.params as { categoryId: string; operatorId: string }
    return await submit(reply, kit, req, specialistFields, () => {
      const operator = catalog.getOperator(operatorId)
      if (operator === undefined) throw new InvalidInput('operatorId', translator(kit.langOf(req))('cat.pickOperator'))
      const { [categoryId]: _dropped, ...rest } = operator.skills // eslint-disable-line @typescript-eslint/no-unused-vars
      catalog.replaceSkills(operatorId, rest)
    }, '/admin/categories', again(req, reply, `spec:${categoryId}:${operatorId}`))
  })
}
