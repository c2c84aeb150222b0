// /admin/qa-rules: the script QA rule sets, edited as JSON (admins; supervisors read), and a box to
// try the set in the textarea, unsaved, on a pasted transcript or a transcribed call.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { QaRule } from '../../domain/qa.js'
import { InvalidInput } from '../../errors.js'
import { defaultRuleSet } from '../../speech/default-rule-set.js'
import type { RuleSetView } from '../../speech/speech-service.js'
import { ruleSetIdPattern, ruleSetProblems } from '../schemas/rule-set-check.js'
import { adminPost, formOf, problemOf, submit, type FieldMap, type FormProblem } from './admin-forms.js'
import { formatsFor } from './formats.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'

const fields: FieldMap = {
  ruleSetId: { name: 'ruleSetId', label: 'qa.id' },
  definition: { name: 'definition', label: 'qa.definition' },
  rules: { name: 'definition', label: 'qa.definition' },
  transcript: { name: 'transcript', label: 'qa.transcript' },
  callId: { name: 'callId', label: 'qa.callId' }
}

interface Refusal extends FormProblem { form: string; values: Record<string, string> }

/** What the textarea edits: the PUT body. */
const definitionOf = (set: RuleSetView): string => JSON.stringify({ name: set.name, categoryId: set.categoryId, rules: set.rules }, null, 2)

/** The textarea's text as a rule set body, checked as PUT /api/qa/rule-sets/:id checks it; InvalidInput naming the path. */
function parseDefinition (text: string): { name: string; categoryId: string | null; rules: QaRule[] } {
  let value: unknown
  try { value = JSON.parse(text) } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
    throw new InvalidInput('definition', `not JSON: ${err.message}`)
  }
  const problems = ruleSetProblems(value)
  if (problems.length > 0) throw new InvalidInput('definition', problems.map((p) => `${p.field}: ${p.message}`).join('; '))
  return value as { name: string; categoryId: string | null; rules: QaRule[] }
}

export async function qaRulePages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { catalog, now } = app.services
  const speech = app.services.speech
  if (speech === undefined) return
  const post = adminPost(app, kit)
  const tryPost = { ...kit.page('supervisor'), preHandler: app.csrfProtection }

  /** The stored sets and, while none covers calls without a category, the built-in one. */
  const allSets = (): Array<RuleSetView & { fallback: boolean }> => {
    const stored = speech.ruleSets().map((s) => ({ ...s, fallback: false }))
    return stored.some((s) => s.categoryId === null) ? stored : [...stored, { ...defaultRuleSet, fallback: true }]
  }

  const show = (req: FastifyRequest, reply: FastifyReply, extra: { refusal?: Refusal; result?: unknown; values?: Record<string, string> } = {}): FastifyReply => {
    const names = new Map(catalog.listCategories().map((c) => [c.categoryId, c.name]))
    const sets = allSets()
    const q = req.query as Record<string, string | undefined>
    const editing = sets.find((s) => s.ruleSetId === q.edit)
    // A new set starts as a copy of the built-in rules, so the try box works at once.
    const values: Record<string, string> = {
      ruleSetId: editing?.ruleSetId ?? '',
      definition: editing !== undefined ? definitionOf(editing) : definitionOf({ ...defaultRuleSet, name: translator(kit.langOf(req))('qa.new') }),
      transcript: '',
      callId: '',
      ...(extra.values ?? extra.refusal?.values)
    }
    const list = sets.map((s) => ({ ruleSetId: s.ruleSetId, name: s.name, fallback: s.fallback, rules: s.rules.length, categoryName: s.categoryId === null ? null : names.get(s.categoryId) ?? s.categoryId }))
    const rows = Math.min(40, Math.max(12, (values.definition ?? '').split('\n').length + 1))
    return kit.render(req, reply, 'admin-qa-rules.njk', { sets: list, values, rows, editing: values.ruleSetId !== '' && sets.some((s) => s.ruleSetId === values.ruleSetId), refusal: extra.refusal ?? null, result: extra.result ?? null }, extra.refusal?.status ?? 200)
  }
  const again = (req: FastifyRequest, reply: FastifyReply, form: string) => (problem: FormProblem) => show(req, reply, { refusal: { ...problem, form, values: formOf(req) } })

  app.get('/admin/qa-rules', kit.page('supervisor'), async (req, reply) => show(req, reply))

  app.post('/admin/qa-rules', post, async (req, reply) => {
    const f = formOf(req)
    const ruleSetId = (f.ruleSetId ?? '').trim()
    return await submit(reply, kit, req, fields, () => {
      if (!ruleSetIdPattern.test(ruleSetId)) throw new InvalidInput('ruleSetId', translator(kit.langOf(req))('qa.idHint'))
      const body = parseDefinition(f.definition ?? '')
      speech.putRuleSet({ ruleSetId, name: body.name, categoryId: body.categoryId, rules: body.rules, updatedAt: now() })
      req.log.info({ ruleSetId, rules: body.rules.length }, 'QA rule set saved')
    }, `/admin/qa-rules?edit=${encodeURIComponent(ruleSetId)}`, again(req, reply, 'edit'))
  })

  app.post('/admin/qa-rules/try', tryPost, async (req, reply) => {
    const f = formOf(req)
    const lang = kit.langOf(req)
    try {
      const body = parseDefinition(f.definition ?? '')
      const callId = (f.callId ?? '').trim()
      const scored = speech.tryRules(body.rules, callId !== '' ? { callId } : { text: f.transcript ?? '' })
      const result = {
        score: scored.score,
        segments: scored.segments.length,
        findings: scored.findings.map((x) => ({ ...x, moment: x.atMs === null ? null : formatsFor(lang, app.services.config.leads.timeZone).clock(x.atMs) }))
      }
      return show(req, reply, { result, values: f })
    } catch (err) {
      const problem = problemOf(err, fields, lang)
      if (problem === null) throw err
      return show(req, reply, { refusal: { ...problem, form: 'try', values: f } })
    }
  })

  app.post('/admin/qa-rules/:ruleSetId/remove', post, async (req, reply) => {
    const { ruleSetId } = req.params as { ruleSetId: string }
    return await submit(reply, kit, req, {}, () => { speech.deleteRuleSet(ruleSetId); req.log.info({ ruleSetId }, 'QA rule set removed') },
      '/admin/qa-rules', again(req, reply, `remove:${ruleSetId}`))
  })
}
