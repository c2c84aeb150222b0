// /api/users (admin): console accounts. /api/golden: the golden fund of exemplary calls.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { NotFound } from '../../errors.js'
import type { GoldenCall } from '../../accounts/user-service.js'
import { authOf, requireRole } from '../auth.js'
import { actorOf } from './leads.js'
import { authErrors, ErrorBody, EpochMs, Nullable, SafeName } from '../schemas/common.js'

const Role = Type.Union([Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')])
const Language = Type.Union([Type.Literal('ru'), Type.Literal('en')])
const UserView = Type.Object({
  userId: Type.String(), username: Type.String(), displayName: Type.String(), role: Role,
  operatorId: Nullable(Type.String()), phoneEndpoint: Nullable(Type.String()), language: Language, createdAt: EpochMs, disabledAt: Nullable(EpochMs)
})
const NewUserBody = Type.Object({
  username: Type.String({ minLength: 2, maxLength: 64 }),
  displayName: Type.Optional(SafeName({ maxLength: 200 })),
  role: Role,
  operatorId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  phoneEndpoint: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 160, description: 'the phone that rings when this person listens in on a call and has no operator, e.g. PJSIP/150' }))),
  language: Type.Optional(Language),
  password: Type.String({ minLength: 1, maxLength: 200 })
}, { additionalProperties: false })
const UserChangeBody = Type.Object({
  displayName: Type.Optional(SafeName({ maxLength: 200 })),
  role: Type.Optional(Role),
  operatorId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  phoneEndpoint: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 160, description: 'the phone that rings when this person listens in on a call and has no operator, e.g. PJSIP/150' }))),
  language: Type.Optional(Language),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
}, { additionalProperties: false })
const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 100 }) })
const Golden = Type.Object({
  callId: Type.String(), note: Type.String(), markedBy: Type.String(), markedAt: EpochMs,
  markedByName: Nullable(Type.String({ description: 'the name of whoever marked it (a user or an operator); null for an API token' }))
})
const GoldenBody = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 100 }), note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts, catalog, now } = app.services
  /** The golden call with the name of whoever marked it (actor `user:…` or `operator:…`). */
  const named = (g: GoldenCall): GoldenCall & { markedByName: string | null } => {
    const [kind, id = ''] = g.markedBy.split(/:(.*)/s)
    const name = kind === 'user' ? accounts.getUser(id)?.displayName : kind === 'operator' ? catalog.getOperator(id)?.name : undefined
    return { ...g, markedByName: name ?? null }
  }

  app.get('/users', {
    onRequest: requireRole('admin'),
    schema: { response: { 200: Type.Object({ users: Type.Array(UserView) }), ...authErrors } }
  }, async () => ({ users: accounts.listUsers() }))

  app.post('/users', {
    onRequest: requireRole('admin'),
    schema: { body: NewUserBody, response: { 201: UserView, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => reply.code(201).send(await accounts.createUser(req.body, now())))

  app.patch('/users/:userId', {
    onRequest: requireRole('admin'),
    schema: { params: UserParams, body: UserChangeBody, response: { 200: UserView, 404: ErrorBody, ...authErrors } }
  }, async (req) => await accounts.updateUser(req.params.userId, req.body, now()))

  // Operators listen to the golden fund too: it is for training.
  app.get('/golden', {
    schema: { response: { 200: Type.Object({ calls: Type.Array(Golden) }), ...authErrors } }
  }, async () => ({ calls: accounts.listGolden().map(named) }))

  app.post('/golden', {
    onRequest: requireRole('supervisor'),
    schema: { body: GoldenBody, response: { 200: Golden, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    if (app.services.callRecords.story(req.body.callId) === undefined) throw new NotFound('call', req.body.callId)
    return named(accounts.markGolden(req.body.callId, req.body.note, actorOf(authOf(req)), now()))
  })

  app.delete('/golden/:callId', {
    onRequest: requireRole('supervisor'),
    schema: { params: Type.Object({ callId: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 204: Type.Null(), ...authErrors } }
  }, async (req, reply) => { accounts.unmarkGolden(req.params.callId); return reply.code(204).send(null) })
}

export default routes
