// What the admin form pages share: a refusal from a service turned into the message shown above the
// form (naming the field, in the page's language) and its HTTP status, and times in the shop's zone.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Conflict, InvalidInput, NotFound } from '../../errors.js'
import { formatsFor } from './formats.js'
import { translator, type Lang } from './i18n.js'
import type { ConsoleKit } from './kit.js'

/** A service's field name (or its prefix before a dot) → the form field and its label's message key. */
export type FieldMap = Record<string, { name: string; label: string }>

export interface FormProblem { status: number; field: string | null; text: string }

/** The refusal as the page shows it, or null when `err` is not a refusal (then it is a fault to rethrow). */
export function problemOf (err: unknown, fields: FieldMap, lang: Lang): FormProblem | null {
  const t = translator(lang)
  if (err instanceof InvalidInput) {
    const detail = err.message.slice(err.field.length + 2)
    const known = fields[err.field] ?? fields[err.field.split('.')[0]!]
    // A field the form does not show is still named, as the service names it.
    return { status: 400, field: known?.name ?? null, text: t('adm.fieldError', { field: known === undefined ? err.field : t(known.label), detail }) }
  }
  if (err instanceof Conflict) return { status: 409, field: null, text: t('adm.refused', { detail: err.message }) }
  if (err instanceof NotFound) return { status: 404, field: null, text: t('adm.refused', { detail: err.message }) }
  return null
}

/** The form's fields as strings (a field sent twice keeps its last value). */
export function formOf (req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (key !== '_csrf') out[key] = String(Array.isArray(value) ? value.at(-1) : value ?? '')
  }
  return out
}

/** A moment as the page's language writes it, in the shop's time zone; null → null. */
export function moment (ms: number | null, lang: Lang, zone: string): string | null {
  return ms === null ? null : formatsFor(lang, zone).dateTime(ms, 'medium')
}

/** Route options of a form post: admins only, with the CSRF token (checked after the body is parsed). */
export function adminPost (app: FastifyInstance, kit: ConsoleKit): ReturnType<ConsoleKit['page']> & { preHandler: FastifyInstance['csrfProtection'] } {
  return { ...kit.page('admin'), preHandler: app.csrfProtection }
}

/**
 * Runs a write; on success redirects to `back`, on a refusal renders the page again through
 * `again` with the problem and the values sent, so nothing typed is lost.
 */
export async function submit (reply: FastifyReply, kit: ConsoleKit, req: FastifyRequest, fields: FieldMap, write: () => void | Promise<void>,
  back: string, again: (problem: FormProblem) => Promise<FastifyReply> | FastifyReply): Promise<FastifyReply> {
  try {
    await write()
  } catch (err) {
    const problem = problemOf(err, fields, kit.langOf(req))
    if (problem === null) throw err
    req.log.info({ status: problem.status, field: problem.field, err: (err as Error).message }, 'console form refused')
    return await again(problem)
  }
  return kit.go(reply, back)
}
