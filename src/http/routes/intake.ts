// How leads come in over HTTP: the JSON API for any system (an API token, Idempotency-Key), the
// shop's web form (public, answers people with a redirect or a short page) and the Telegram Bot API
// webhook (Telegram's secret header). Registered outside the token scope: the JSON route checks the
// token itself.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Environment } from 'nunjucks'
import { RingleadError } from '../../errors.js'
import type { IntakeService } from '../../leads/intake-service.js'
import { pageViews } from '../console/views.js'
import { authenticate, authOf } from '../auth.js'
import { csrfForSessions } from '../session.js'
import { InvalidRequest, Unauthorized } from '../errors.js'
import { fastifyClientError } from '../error-handler.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { FormProblemPage, LeadForm, TelegramAnswer, TelegramUpdate } from '../schemas/intake.js'
import { IntakeAnswer, IntakeHeaders, IntakeReceipt, NewLeadBody } from '../schemas/leads.js'
import { actorOf, maySeeLead, presentLead } from './leads.js'

// ---- the web form ----

/** application/x-www-form-urlencoded → fields, trimmed; the first of repeated fields counts. */
function parseForm (body: string): Record<string, string> {
  const fields = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(body)) if (!fields.has(name)) fields.set(name, value.trim())
  return Object.fromEntries(fields) // own properties only: a field named __proto__ stays a field
}

const sameSite = 'http://ringlead.invalid'

/**
 * Where a person goes after sending the form: the form's `redirect` when it is a path on this site or
 * a URL on the thank-you page's site; anything else would make us an open redirect, so it is refused
 * and the thank-you page used.
 */
function landingOf (redirect: string | undefined, thankYouUrl: string, log: FastifyBaseLogger): string {
  if (redirect === undefined || redirect === '') return thankYouUrl
  if (!/[\\\u0000-\u001f]/.test(redirect)) {
    try {
      if (redirect.startsWith('/') && !redirect.startsWith('//') && new URL(redirect, sameSite).origin === sameSite) return redirect
      const target = new URL(redirect)
      const thanks = new URL(thankYouUrl, sameSite)
      if ((target.protocol === 'https:' || target.protocol === 'http:') && thanks.origin !== sameSite && target.origin === thanks.origin) return target.href
    } catch (err) {
      if (!(err instanceof TypeError)) throw err // not a URL
    }
  }
  log.warn({ redirect }, 'form redirect refused: not this site or the thank-you page\'s')
  return thankYouUrl
}

/** The form's refusals as a page a person can read; the app's JSON answers would mean nothing to them. */
const formErrorHandler = (views: Environment) => async (err: FastifyError | RingleadError, req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
  const sendPage = (status: number, title: string, lines: string[], after: string): FastifyReply =>
    reply.status(status).type('text/html; charset=utf-8').send(views.render('form-answer.njk', { title, lines, after }))
  const fix = 'Please go back, correct the form and send it again.'
  if (err instanceof InvalidRequest) {
    req.log.info({ code: err.code, status: 400 }, 'form refused')
    return sendPage(400, 'Please check the form', err.problems.map((p) => (p.field === 'body' ? 'the form arrived empty' : `${p.field}: ${p.message}`)), fix)
  }
  if (err instanceof RingleadError && err.code === 'INVALID_INPUT') {
    req.log.info({ code: err.code, status: 400 }, 'form refused')
    return sendPage(400, 'Please check the form', [err.message], fix)
  }
  const status = err instanceof RingleadError ? (err.code === 'RATE_LIMITED' ? 429 : undefined) : err.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    req.log.info({ code: err.code, status }, 'form refused')
    const line = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? `the form is larger than ${req.server.services.config.http.bodyLimitBytes} bytes; please shorten the message`
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `the form must be sent as application/x-www-form-urlencoded (got ${req.headers['content-type'] ?? 'none'})`
        : fastifyClientError(err, req)?.message ?? err.message // e.g. "body: not valid JSON", not Fastify's wording
    return sendPage(status, 'The form was not accepted', [line], fix)
  }
  req.log.error({ err }, 'request failed')
  return sendPage(500, 'Something went wrong on our side', [`your request was not saved (request ${req.id})`], 'Please try again later, or call us.')
}

// ---- Telegram ----

/** Compares in constant time, whatever the lengths. */
function isSecret (given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || expected === '') return false
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** Telegram sends contacts' numbers in international form, usually without the +. */
const internationalPhone = (phone: string): string => (/^\d+$/.test(phone) ? `+${phone}` : phone)

const displayName = (from: { first_name: string; last_name?: string; username?: string }): string =>
  ([from.first_name, from.last_name].filter((s) => s !== undefined && s !== '').join(' ') + (from.username ? ` (@${from.username})` : '')).slice(0, 200)

export const askForPhoneText = 'Thank you for your message! Please share your phone number so that we can call you back.'
export const sharePhoneButton = 'Share my phone number'

/** The Bot API call, in the webhook answer, that asks the chat for its phone with a one-tap button. */
const askForPhone = (chatId: number) => ({
  method: 'sendMessage' as const, chat_id: chatId, text: askForPhoneText,
  reply_markup: { keyboard: [[{ text: sharePhoneButton, request_contact: true }]], one_time_keyboard: true, resize_keyboard: true }
})

/** The intake service; the intake routes are registered only with the lead service, which comes with it. */
function intakeServiceOf (app: FastifyInstance): IntakeService {
  const intake = app.services.intake
  if (intake === undefined) throw new Error('intake routes registered without the intake service')
  return intake
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { now, config, statusMatrix: matrix } = app.services
  const intake = intakeServiceOf(app as unknown as FastifyInstance)
  const views = pageViews(config.leads.timeZone)

  // JSON, any system with an API token. A retry with the same Idempotency-Key and body gets the
  // same lead (200, Idempotent-Replayed: true); the same key with another body is a 422. An operator
  // sees the lead only when it is theirs; otherwise a 202 receipt, whether the phone was another
  // operator's customer or the new lead went to someone else (so it tells nothing about the phone).
  app.post('/leads', {
    onRequest: [authenticate, csrfForSessions], // a console session must also send its CSRF token
    schema: { headers: IntakeHeaders, body: NewLeadBody, response: { 200: IntakeAnswer, 201: IntakeAnswer, 202: IntakeReceipt, 422: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    const auth = authOf(req)
    const body = req.body
    const utm = Object.fromEntries(Object.entries(body.utm ?? {}).filter(([, v]) => v !== undefined && v !== ''))
    const answer = intake.takeApiLead({
      channel: 'api', name: body.name, phone: body.phone, email: body.email, message: body.message, source: body.source,
      categoryId: body.categoryId, utm: Object.keys(utm).length > 0 ? utm : null, externalId: body.externalId
    }, actorOf(auth), { scope: auth.tokenId, key: req.headers['idempotency-key'], request: body })
    req.log.info({ leadId: answer.lead.leadId, created: answer.created, replayed: answer.replayed }, 'api lead taken')
    if (answer.replayed) void reply.header('idempotent-replayed', 'true')
    if (!maySeeLead(auth, answer.lead)) {
      return reply.status(202).send({ accepted: true as const, message: 'request taken; its lead is not this operator\'s, so it is not shown' })
    }
    return reply.status(answer.created ? 201 : 200).send({ lead: presentLead(answer.lead, now(), matrix), created: answer.created })
  })

  // The shop's HTML form: no token, urlencoded, a honeypot; people get a redirect or a short page.
  const formScope: FastifyPluginAsyncTypebox = async (form) => {
    form.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, parseForm(body as string))
    })
    form.setErrorHandler(formErrorHandler(views))

    form.post('/forms/lead', {
      schema: { body: LeadForm, response: { 303: Type.Null(), 400: FormProblemPage, 413: FormProblemPage, 415: FormProblemPage, 500: FormProblemPage } }
    }, async (req, reply) => {
      const f = req.body
      const to = landingOf(f.redirect, config.forms.thankYouUrl, req.log)
      if (f.website !== undefined && f.website !== '') {
        req.log.info('form honeypot filled: nothing created')
        return reply.redirect(to, 303)
      }
      const given = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value)
      const categoryId = given(f.category)
      const utm: Record<string, string> = {}
      for (const name of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const) {
        const value = given(f[name])
        if (value !== null) utm[name] = value
      }
      const { lead, created } = intake.takeFormLead({
        channel: 'form', name: given(f.name), phone: given(f.phone), email: given(f.email), message: given(f.message),
        source: given(f.source) ?? config.forms.source, categoryId, utm: Object.keys(utm).length > 0 ? utm : null
      })
      req.log.info({ leadId: lead.leadId, created }, 'form lead taken')
      return reply.redirect(to, 303)
    })
  }
  await app.register(formScope)

  // Telegram Bot API webhook; off (404) while no secret is configured.
  const secret = config.telegram.secretToken
  if (secret === '') return

  app.post('/telegram/webhook', {
    onRequest: async (req) => {
      if (!isSecret(req.headers['x-telegram-bot-api-secret-token'], secret)) throw new Unauthorized('X-Telegram-Bot-Api-Secret-Token is missing or wrong')
    },
    schema: { body: TelegramUpdate, response: { 200: TelegramAnswer, ...authErrors } }
  }, async (req) => {
    const update = req.body
    const m = update.message
    const ignored = (why: string) => {
      req.log.info({ updateId: update.update_id, why }, 'telegram update ignored')
      return { ok: true as const, outcome: 'ignored' as const, leadId: null }
    }
    if (m === undefined) return ignored('not a new message')
    if (m.chat.type !== 'private') return ignored(`a ${m.chat.type} chat`)
    if (m.from === undefined || m.from.is_bot === true) return ignored('not from a person')

    const externalId = `tg:${m.chat.id}`
    const phone = m.contact === undefined ? null : internationalPhone(m.contact.phone_number)
    // The chat is the customer's id until they share a phone: the first message makes the lead,
    // later ones (and the shared contact, which fills in the phone) find it by the chat or the phone.
    const answer = intake.takeTelegramMessage({
      channel: 'telegram', name: displayName(m.from), phone, message: m.text ?? m.caption ?? null, source: config.telegram.source, externalId
    }, { updateId: update.update_id, content: update }, () => {
      req.log.warn({ updateId: update.update_id }, 'telegram resent an update with other content; kept the first')
    })
    // Until the lead has a phone, every answer asks for it (a replay too: Telegram resends an update
    // only when our first answer, and the question in it, did not reach it).
    const askPhone = answer.lead.phone === null
    req.log.info({ updateId: update.update_id, leadId: answer.lead.leadId, outcome: answer.outcome, askPhone }, 'telegram update taken')
    return { ok: true as const, outcome: answer.outcome, leadId: answer.lead.leadId, ...(askPhone ? askForPhone(m.chat.id) : {}) }
  })
}

export default routes
