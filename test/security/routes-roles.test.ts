// Every route of the OpenAPI document, called with no credentials and with each role (API token and
// console session), compared with the table below of what each role may do. A route missing from
// the table fails the test: a new route needs a decision here. An operator works as Ana; Ben is the
// other operator, and nothing of Ben's customers may reach Ana's credentials.
import t from 'tap'
import type { InjectOptions } from 'fastify'
import type { Role } from '../../src/domain/roles.js'
import { userByName } from '../../src/db/users-repo.js'
import { password, securityWorld, telegramSecret, type Credential, type SecurityWorld } from './helpers.js'

/** Whose resource a request is about: the operator's own (Ana's) or another operator's (Ben's). */
type Whose = 'own' | 'other'

interface Access {
  /** public: anyone; telegram: Telegram's secret header, no roles; else the lowest role allowed. */
  who: 'public' | 'telegram' | Role
  /** The answer when allowed. */
  ok: number
  /** Operators may act on their own (Ana's) resource only: Ben's is a 403. */
  ownOnly?: true
  /** A different success answer for some roles. */
  okFor?: Partial<Record<Role, number>>
  /** Path params, query, body and headers, built per request (so a delete gets a fresh row). */
  params?: (w: SecurityWorld, whose: Whose) => Record<string, string> | Promise<Record<string, string>>
  query?: (w: SecurityWorld, whose: Whose) => Record<string, string>
  body?: (w: SecurityWorld, whose: Whose, role: Role | null) => unknown
  form?: Record<string, string>
}

let unique = 0
const next = (): number => ++unique
const of = (w: SecurityWorld, whose: Whose) => (whose === 'own' ? w.ana : w.ben)
const opOf = (w: SecurityWorld, whose: Whose) => (whose === 'own' ? w.anaId : w.benId)

/** What each role may do, route by route. */
const table: Record<string, Access> = {
  'GET /api/health': { who: 'public', ok: 200 },
  'GET /api/tracking/number': { who: 'public', ok: 200, query: () => ({ source: 'ads', visitor: `visitor-${next()}` }) },
  'POST /api/forms/lead': { who: 'public', ok: 303, form: { name: 'Web visitor', phone: '+79995550000', message: 'call me' } },
  'POST /api/telegram/webhook': { who: 'telegram', ok: 200, body: () => ({ update_id: next(), message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, first_name: 'Tg' }, text: 'hi' } }) },
  // Intake with Ben's customer's phone: operators get the receipt (202), not Ben's lead.
  'POST /api/leads': { who: 'operator', ok: 200, okFor: { operator: 202 }, body: (w) => ({ phone: w.ben.phone, message: 'again' }) },
  'GET /api/leads': { who: 'operator', ok: 200 },
  'GET /api/leads/{leadId}': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ leadId: of(w, whose).leadId }) },
  'POST /api/leads/{leadId}/status': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ leadId: w.spare.leadOf(opOf(w, whose)) }), body: () => ({ status: 'in_progress' }) },
  'POST /api/leads/{leadId}/disposition': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ leadId: w.spare.leadOf(opOf(w, whose)) }), body: () => ({ outcome: 'refused', reason: 'price' }) },
  'POST /api/leads/{leadId}/owner': { who: 'supervisor', ok: 200, params: (w) => ({ leadId: w.spare.leadOf(w.benId) }), body: (w) => ({ operatorId: w.anaId }) },
  'POST /api/leads/{leadId}/notes': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ leadId: of(w, whose).leadId }), body: () => ({ text: 'called back' }) },

  'GET /api/operators': { who: 'operator', ok: 200 },
  'POST /api/operators': { who: 'admin', ok: 201, body: () => ({ name: 'New', endpoint: `PJSIP/5${next()}` }) },
  'GET /api/operators/{operatorId}': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ operatorId: opOf(w, whose) }) },
  'PATCH /api/operators/{operatorId}': { who: 'admin', ok: 200, params: (w) => ({ operatorId: w.spare.operator() }), body: () => ({ name: 'Renamed' }) },
  'DELETE /api/operators/{operatorId}': { who: 'admin', ok: 204, params: (w) => ({ operatorId: w.spare.operator() }) },
  'PUT /api/operators/{operatorId}/skills': { who: 'admin', ok: 200, params: (w) => ({ operatorId: w.spare.operator() }), body: () => ({ skills: { ovens: 3 } }) },
  'POST /api/operators/{operatorId}/pause': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ operatorId: opOf(w, whose) }), body: () => ({ reason: 'lunch' }) },
  'POST /api/operators/{operatorId}/unpause': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ operatorId: opOf(w, whose) }) },

  'GET /api/categories': { who: 'supervisor', ok: 200 },
  'POST /api/categories': { who: 'admin', ok: 201, body: () => ({ categoryId: `new-${next()}`, name: 'New' }) },
  'GET /api/categories/{categoryId}': { who: 'supervisor', ok: 200, params: () => ({ categoryId: 'ovens' }) },
  'PATCH /api/categories/{categoryId}': { who: 'admin', ok: 200, params: (w) => ({ categoryId: w.spare.category() }), body: () => ({ name: 'Renamed' }) },
  'DELETE /api/categories/{categoryId}': { who: 'admin', ok: 204, params: (w) => ({ categoryId: w.spare.category() }) },
  'PUT /api/categories/{categoryId}/speech-language': { who: 'admin', ok: 200, params: () => ({ categoryId: 'ovens' }), body: () => ({ language: 'en' }) },

  'GET /api/tracking-numbers': { who: 'supervisor', ok: 200 },
  'POST /api/tracking-numbers': { who: 'admin', ok: 201, body: () => ({ did: `7497${String(next()).padStart(7, '0')}`, source: 'site' }) },
  'GET /api/tracking-numbers/{did}': { who: 'supervisor', ok: 200, params: () => ({ did: '74950000001' }) },
  'PATCH /api/tracking-numbers/{did}': { who: 'admin', ok: 200, params: (w) => ({ did: w.spare.trackingNumber() }), body: () => ({ label: 'landing' }) },
  'DELETE /api/tracking-numbers/{did}': { who: 'admin', ok: 204, params: (w) => ({ did: w.spare.trackingNumber() }) },
  'PUT /api/tracking-numbers/{did}/speech-language': { who: 'admin', ok: 200, params: () => ({ did: '74950000001' }), body: () => ({ language: 'ru' }) },
  'GET /api/tracking/pools': { who: 'supervisor', ok: 200 },
  'PUT /api/tracking/pools/{source}': { who: 'admin', ok: 200, params: () => ({ source: 'ads' }), body: () => ({ defaultDid: '74950000010', numbers: ['74950000011', '74950000012', '74950000013'] }) },

  'GET /api/calls': { who: 'operator', ok: 200 },
  'POST /api/calls/outbound': {
    who: 'operator', ok: 202, ownOnly: true,
    body: (w, whose, role) => ({ phone: of(w, whose).phone, leadId: of(w, whose).leadId, ...(role === 'operator' ? {} : { operatorId: w.anaId }) })
  },
  'GET /api/calls/{callId}': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ callId: of(w, whose).callId }) },
  'GET /api/calls/{callId}/transcript': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ callId: of(w, whose).callId }) },
  'GET /api/calls/{callId}/recordings/{recordingId}': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ callId: of(w, whose).callId, recordingId: of(w, whose).recordingId }) },
  'GET /api/calls/{callId}/conversation': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ callId: of(w, whose).callId }) },
  // The supervisor's phone rings (the session names whose; a token names the supervisor user).
  'POST /api/calls/{callId}/listen': { who: 'supervisor', ok: 202, params: (w) => ({ callId: w.ben.callId }), body: (w) => ({ mode: 'whisper', userId: userByName(w.catalog.db, 'supervisor', { enabled: true })!.userId }) },
  'PUT /api/calls/{callId}/golden': { who: 'supervisor', ok: 200, params: (w) => ({ callId: w.ben.callId }), body: () => ({ golden: true }) },
  'GET /api/transcripts/search': { who: 'operator', ok: 200, query: () => ({ q: 'private' }) },

  // An operator looking up Ben's customer's phone finds nothing (200, empty): they never served them.
  'GET /api/customers': { who: 'operator', ok: 200, query: (w) => ({ phone: w.ben.phone }) },
  'GET /api/customers/{customerId}': { who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ customerId: of(w, whose).customerId }) },
  'POST /api/customers/{customerId}/notes': { who: 'operator', ok: 201, ownOnly: true, params: (w, whose) => ({ customerId: of(w, whose).customerId }), body: () => ({ text: 'prefers mornings' }) },
  // Ana edits her own note; supervisors and admins edit Ben's.
  'PATCH /api/customers/{customerId}/notes/{noteId}': {
    who: 'operator', ok: 200, ownOnly: true, params: (w, whose) => ({ customerId: of(w, whose).customerId, noteId: of(w, whose).noteId }), body: () => ({ text: 'edited' })
  },
  'POST /api/customers/{customerId}/merge': {
    who: 'operator', ok: 200, ownOnly: true,
    params: (w, whose) => ({ customerId: w.spare.customerOf(opOf(w, whose)) }), body: (w, whose) => ({ customerId: w.spare.customerOf(opOf(w, whose)) })
  },

  'GET /api/tokens': { who: 'admin', ok: 200 },
  'POST /api/tokens': { who: 'admin', ok: 201, body: (w) => ({ name: `crm ${next()}`, role: 'operator', operatorId: w.anaId }) },
  'DELETE /api/tokens/{tokenId}': { who: 'admin', ok: 204, params: (w) => ({ tokenId: w.spare.token() }) },
  'GET /api/users': { who: 'admin', ok: 200 },
  'POST /api/users': { who: 'admin', ok: 201, body: () => ({ username: `user${next()}`, role: 'supervisor', password }) },
  'PATCH /api/users/{userId}': { who: 'admin', ok: 200, params: async (w) => ({ userId: await w.spare.user() }), body: () => ({ displayName: 'Renamed' }) },

  'GET /api/menus': { who: 'supervisor', ok: 200 },
  'GET /api/menus/{menuId}': { who: 'supervisor', ok: 200, params: () => ({ menuId: 'main' }) },
  'PUT /api/menus/{menuId}': { who: 'admin', ok: 201, params: () => ({ menuId: `menu-${next()}` }), body: () => ({ name: 'Sales', defaultAction: { kind: 'route' } }) },
  'DELETE /api/menus/{menuId}': { who: 'admin', ok: 204, params: (w) => ({ menuId: w.spare.menu() }) },
  'GET /api/queue': { who: 'operator', ok: 200 },
  'GET /api/queue/stats': { who: 'supervisor', ok: 200 },

  // The golden fund is for training: every operator may list it (call ids and notes).
  'GET /api/golden': { who: 'operator', ok: 200 },
  'POST /api/golden': { who: 'supervisor', ok: 200, body: (w) => ({ callId: w.ana.callId, note: 'model greeting' }) },
  'DELETE /api/golden/{callId}': { who: 'supervisor', ok: 204, params: (w) => ({ callId: w.spare.goldenCallOf(w.anaId) }) },

  'GET /api/reports/operators': { who: 'operator', ok: 200 },
  'GET /api/reports/funnels': { who: 'supervisor', ok: 200 },
  'GET /api/reports/motivation': { who: 'operator', ok: 200 },
  'GET /api/reports/digest': { who: 'operator', ok: 200 },

  'GET /api/dialplan/diff': { who: 'admin', ok: 200 },
  'POST /api/dialplan/apply': { who: 'admin', ok: 200 },
  'GET /api/dialplan/versions': { who: 'admin', ok: 200 },
  'GET /api/dialplan/versions/{versionId}': { who: 'admin', ok: 200, params: (w) => ({ versionId: w.versionId }) },
  'POST /api/dialplan/versions/{versionId}/rollback': { who: 'admin', ok: 200, params: (w) => ({ versionId: w.versionId }) },

  'GET /api/speech/jobs': { who: 'supervisor', ok: 200 },
  'POST /api/speech/jobs/{jobId}/retry': { who: 'supervisor', ok: 200, params: (w) => ({ jobId: w.spare.failedJob() }) },
  'GET /api/qa/rule-sets': { who: 'supervisor', ok: 200 },
  'PUT /api/qa/rule-sets/{ruleSetId}': { who: 'supervisor', ok: 200, params: () => ({ ruleSetId: 'default' }), body: () => ({ name: 'Default', categoryId: null, rules: [] }) },
  'DELETE /api/qa/rule-sets/{ruleSetId}': { who: 'supervisor', ok: 204, params: (w) => ({ ruleSetId: w.spare.ruleSet() }) },
  'POST /api/qa/rule-sets/try': { who: 'supervisor', ok: 200, body: () => ({ rules: [{ kind: 'required', ruleId: 'greet', title: 'Greeting', speaker: 'operator', phrases: ['hello'] }], transcript: 'operator: hello' }) },
  // Judging QA findings is a supervisor's: operators may not mark their own findings wrong.
  'POST /api/calls/{callId}/qa/findings/{findingIndex}/verdict': { who: 'supervisor', ok: 200, params: (w) => ({ callId: w.ana.callId, findingIndex: '0' }), body: () => ({ verdict: 'wrong', note: 'said hello' }) },
  'DELETE /api/calls/{callId}/qa/findings/{findingIndex}/verdict': {
    who: 'supervisor', ok: 204,
    params: (w) => { w.app.services.speech!.markFindingWrong(w.ben.callId, 0, null, 'seed', 0); return { callId: w.ben.callId, findingIndex: '0' } }
  },
  'GET /api/qa/rule-precision': { who: 'supervisor', ok: 200 }
}

const rank: Record<Role, number> = { operator: 0, supervisor: 1, admin: 2 }

function expected (access: Access, cred: Credential, whose: Whose): number {
  if (access.who === 'public') return access.ok
  if (access.who === 'telegram') return 401 // roles mean nothing here: only Telegram's secret opens it
  if (cred.role === null) return 401
  if (rank[cred.role] < rank[access.who]) return 403
  if (access.ownOnly === true && cred.role === 'operator' && whose === 'other') return 403
  return access.okFor?.[cred.role] ?? access.ok
}

/**
 * Ben's things, as text that must not appear in what Ana's operator credentials get back: his
 * customer's phone, name, notes and words anywhere; his ids in an answer that lets Ana in (a refusal
 * may repeat the id Ana sent).
 */
function benMarkers (w: SecurityWorld): { content: RegExp[]; ids: RegExp[] } {
  const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return {
    content: [w.ben.phone, w.ben.name, 'ben-private'].map((s) => new RegExp(literal(s))),
    ids: [w.ben.leadId, w.ben.customerId, w.ben.callId, w.ben.recordingId, w.ben.noteId].map((s) => new RegExp(`(?<![A-Za-z0-9_])${literal(s)}(?![A-Za-z0-9_])`))
  }
}

t.test('every route answers each role as the table says: 401 without credentials, 403 below the role, no 5xx, no leaks', async (t) => {
  const w = await securityWorld()
  t.teardown(() => w.close())
  const doc = (await w.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> }
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
  t.ok(routes.length >= 70, `the OpenAPI document lists the API (${routes.length} routes)`)
  const missing = routes.filter((r) => table[r] === undefined)
  t.same(missing, [], 'every route of the OpenAPI document has a row in the table')
  t.same(Object.keys(table).filter((r) => !routes.includes(r)), [], 'every row of the table is a route')

  const markers = benMarkers(w)
  let checked = 0
  let serverErrors = 0
  let leaks = 0
  const wrong: string[] = []
  for (const route of routes) {
    const access = table[route]
    if (access === undefined) continue
    const [method, path] = route.split(' ') as [InjectOptions['method'], string]
    for (const cred of w.credentials) {
      // An operator tries both their own resource and Ben's; everyone else works on Ben's.
      const cases: Whose[] = access.ownOnly === true && cred.role === 'operator' ? ['own', 'other'] : ['other']
      for (const whose of cases) {
        const params = access.params === undefined ? {} : await access.params(w, whose)
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`))
        const query = access.query?.(w, whose)
        const opts: InjectOptions = { method, url: query === undefined ? url : `${url}?${new URLSearchParams(query).toString()}` }
        if (access.form !== undefined) {
          opts.headers = { 'content-type': 'application/x-www-form-urlencoded' }
          opts.payload = new URLSearchParams(access.form).toString()
        } else if (access.body !== undefined) {
          opts.payload = access.body(w, whose, cred.role) as InjectOptions['payload']
        }
        const res = await w.inject(cred, opts)
        checked++
        const want = expected(access, cred, whose)
        if (res.statusCode >= 500) serverErrors++
        if (res.statusCode !== want) wrong.push(`${route} as ${cred.name} (${whose}): ${res.statusCode}, want ${want}: ${res.body.slice(0, 200)}`)
        if (cred.role === 'operator') {
          const found = [...markers.content, ...(res.statusCode < 400 ? markers.ids : [])].filter((m) => m.test(res.body))
          if (found.length > 0) {
            leaks++
            wrong.push(`${route} as ${cred.name} (${whose}) leaks Ben's ${found.join(', ')}: ${res.body.slice(0, 200)}`)
          }
        }
      }
    }
  }
  // Telegram's webhook with its secret: the one credential it takes.
  const tg = await w.app.inject({
    method: 'POST', url: '/api/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': telegramSecret },
    payload: table['POST /api/telegram/webhook']!.body!(w, 'other', null) as InjectOptions['payload']
  })
  checked++
  if (tg.statusCode !== 200) wrong.push(`POST /api/telegram/webhook with the secret: ${tg.statusCode}`)

  t.same(wrong, [], 'every answer is the table\'s')
  t.equal(serverErrors, 0, 'no 5xx')
  t.equal(leaks, 0, 'no leaks of Ben\'s customers to Ana')
  t.ok(checked >= routes.length * w.credentials.length, 'every route with every credential')
  t.comment(`routes × credentials: ${routes.length} × ${w.credentials.length} = ${routes.length * w.credentials.length}; requests made: ${checked} (operators try their own and Ben's, and Telegram's secret); 5xx: ${serverErrors}; leaks: ${leaks}`)
})
