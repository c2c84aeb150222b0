// /admin/pools: call-tracking pools of numbers per traffic source, written through putPool as
// PUT /api/tracking/pools/:source is, after the same schema check that route runs. The API has no
// removal of a pool, so neither has this page: emptying its numbers stops it handing any out.
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { configVariables } from '../../config.js'
import { InvalidInput } from '../../errors.js'
import { PoolBody, SourceParams } from '../schemas/pbx.js'
import { expectation } from '../validation.js'
import { adminPost, formOf, moment, submit, type FieldMap, type FormProblem } from './admin-forms.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'

const poolFields: FieldMap = {
  source: { name: 'source', label: 'pool.source' }, defaultDid: { name: 'defaultDid', label: 'pool.default' },
  numbers: { name: 'numbers', label: 'pool.numbers' }, holdMinutes: { name: 'holdMinutes', label: 'pool.hold' }
}

/** A nullable field's rule without its null branch: on the form, null is the empty field, always allowed. */
const notNull = (schema: TSchema): TSchema => (schema.anyOf as TSchema[] | undefined)?.find((o) => o.type !== 'null') ?? schema

/** The pool the form describes, checked as the API's schema checks it; throws InvalidInput naming the field. */
function poolFromForm (f: Record<string, string>): { source: string; body: { defaultDid: string; numbers: string[]; holdMinutes: number | null } } {
  const source = (f.source ?? '').trim()
  const sourceError = Value.Errors(SourceParams, { source }).First()
  if (sourceError !== undefined) throw new InvalidInput('source', `must ${expectation(sourceError.schema)}, got ${JSON.stringify(source)}`)
  const hold = (f.holdMinutes ?? '').trim()
  const body = {
    defaultDid: (f.defaultDid ?? '').trim(),
    numbers: (f.numbers ?? '').split(/[\s,;]+/).filter((s) => s !== ''),
    holdMinutes: hold === '' ? null : Number(hold)
  }
  const error = Value.Errors(PoolBody, body).First()
  // Worded as the API words it: `must be digits with an optional leading +, like …`.
  if (error !== undefined) throw new InvalidInput(error.path.split('/')[1] ?? 'numbers', `must ${expectation(notNull(error.schema))}${error.value === undefined ? '' : `, got ${JSON.stringify(error.value)}`}`)
  return { source, body }
}

export async function poolPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { tracking, now, config } = app.services
  const zone = config.leads.timeZone
  const post = adminPost(app, kit)
  const holdVariable = configVariables().find((v) => v.path === 'tracking.holdMinutes')!.variable

  const show = (req: FastifyRequest, reply: FastifyReply, refusal: (FormProblem & { form: string; values: Record<string, string> }) | null = null): FastifyReply => {
    const lang = kit.langOf(req)
    const pools = tracking.listPools(now()).map((p) => ({ ...p, numbersText: p.numbers.join('\n'), lastExhausted: moment(p.lastExhaustedAt, lang, zone) }))
    const holdDefault = { minutes: config.tracking.holdMinutes, variable: holdVariable }
    return kit.render(req, reply, 'admin-pools.njk', { pools, holdDefault, refusal }, refusal?.status ?? 200)
  }

  app.get('/admin/pools', kit.page('supervisor'), async (req, reply) => show(req, reply))

  // One route for a new pool and a changed one; `creating` refuses to replace a pool by mistake.
  app.post('/admin/pools', post, async (req, reply) => {
    const f = formOf(req)
    const creating = f.existing === undefined || f.existing === ''
    return await submit(reply, kit, req, poolFields, () => {
      const { source, body } = poolFromForm(creating ? f : { ...f, source: f.existing! })
      if (creating && tracking.listPools(now(), source).length > 0) throw new InvalidInput('source', translator(kit.langOf(req))('pool.exists'))
      tracking.putPool(source, body)
      req.log.info({ source, numbers: body.numbers.length }, creating ? 'tracking pool created' : 'tracking pool changed')
    }, '/admin/pools', (problem) => show(req, reply, { ...problem, form: creating ? 'new' : `edit:${f.existing!}`, values: f }))
  })
}
