// Login, logout, the first-run screen and the language switch. Every state change is a POST with
// the CSRF token; every redirect goes through kit.go.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { UserView } from '../../accounts/user-service.js'
import { RingleadError } from '../../errors.js'
import { rateLimited } from '../rate-limits.js'
import { sessionCookie, sessionUserOf } from '../session.js'
import { formatsFor } from './formats.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'
import { safeTarget } from './redirect.js'

export const langCookie = 'rl_lang'

export async function accountPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { config, accounts, now } = app.services
  const zone = config.leads.timeZone
  const { render, langOf, go, cookieBase } = kit
  await app.register(rateLimit, { global: false, errorResponseBuilder: rateLimited })

  const startSession = (reply: Parameters<ConsoleKit['go']>[0], user: UserView): void => {
    const secret = accounts.createSession(user.userId, now(), kit.sessionTtlMs)
    reply.setCookie(sessionCookie, secret, { ...cookieBase, maxAge: Math.floor(kit.sessionTtlMs / 1000) })
    reply.setCookie(langCookie, user.language, { ...cookieBase, httpOnly: false, maxAge: 365 * 86400 })
  }

  app.get('/', async (req, reply) => go(reply, sessionUserOf(req) === null ? (accounts.countUsers() === 0 ? '/setup' : '/login') : '/wallboard'))

  app.get('/login', async (req, reply) => {
    if (accounts.countUsers() === 0) return go(reply, '/setup')
    return render(req, reply, 'login.njk', { next: nextOf((req.query as { next?: unknown }).next) })
  })

  app.post('/login', {
    preHandler: app.csrfProtection, // after the form body is parsed
    config: { rateLimit: { max: config.limits.loginPerMinute, timeWindow: 60_000 } }
  }, async (req, reply) => {
    const body = (req.body ?? {}) as { username?: string; password?: string; next?: unknown }
    const result = await accounts.login(String(body.username ?? ''), String(body.password ?? ''), req.ip, now(), {
      maxFailures: config.console.maxFailedLogins, lockoutMs: config.console.lockoutMinutes * 60_000
    })
    if (!result.ok) {
      const lang = langOf(req)
      const t = translator(lang)
      req.log.info({ reason: result.reason }, 'console login refused') // never the password, never the username's secret
      const message = result.reason === 'locked' ? t('login.locked', { until: formatsFor(lang, zone).dateTime(result.untilMs, 'hm') }) : t('login.bad')
      return render(req, reply, 'login.njk', { error: message, username: body.username ?? '', next: nextOf(body.next) }, result.reason === 'locked' ? 429 : 401)
    }
    req.log.info({ userId: result.user.userId }, 'console login')
    startSession(reply, result.user)
    return go(reply, nextOf(body.next))
  })

  app.post('/logout', { preHandler: app.csrfProtection } /* after the form body is parsed */, async (req, reply) => {
    const secret = (req.cookies as Record<string, string | undefined>)[sessionCookie]
    if (secret !== undefined) accounts.deleteSession(secret)
    reply.clearCookie(sessionCookie, { path: '/' })
    return go(reply, '/login')
  })

  // Shown only while no user exists: the first account is the administrator.
  app.get('/setup', async (req, reply) => (accounts.countUsers() > 0 ? go(reply, '/login') : render(req, reply, 'setup.njk')))

  app.post('/setup', { preHandler: app.csrfProtection } /* after the form body is parsed */, async (req, reply) => {
    if (accounts.countUsers() > 0) return go(reply, '/login')
    const body = (req.body ?? {}) as Record<string, string | undefined>
    const t = translator(langOf(req))
    if ((body.password ?? '') !== (body.password2 ?? '')) return render(req, reply, 'setup.njk', { error: t('setup.mismatch'), form: { ...body, password: '', password2: '' } }, 400)
    try {
      const user = await accounts.createUser({ username: String(body.username ?? ''), displayName: body.displayName === undefined ? undefined : String(body.displayName), role: 'admin', password: String(body.password ?? ''), language: langOf(req) }, now())
      req.log.info({ userId: user.userId }, 'first console administrator created')
      startSession(reply, user)
      return go(reply, '/wallboard')
    } catch (err) {
      if (!(err instanceof RingleadError)) throw err
      return render(req, reply, 'setup.njk', { error: err.message, form: { ...body, password: '', password2: '' } }, 400)
    }
  })

  // The language switch is a form (POST with the CSRF token): it changes the stored settings.
  app.post('/lang/:lang', { preHandler: app.csrfProtection }, async (req, reply) => {
    const lang = (req.params as { lang: string }).lang === 'en' ? 'en' : 'ru'
    reply.setCookie(langCookie, lang, { ...cookieBase, httpOnly: false, maxAge: 365 * 86400 })
    const user = sessionUserOf(req)
    if (user !== null && user.language !== lang) await accounts.updateUser(user.userId, { language: lang }, now())
    return go(reply, (req.body as { back?: unknown } | undefined)?.back)
  })
  // Old links to the switch: back to the page, nothing changed.
  app.get('/lang/:lang', async (req, reply) => go(reply, (req.query as { back?: unknown }).back))
}

/** Where to go after login: the page asked for, or the wallboard. */
const nextOf = (next: unknown): string => {
  const target = safeTarget(next)
  return target === '/' ? '/wallboard' : target
}
