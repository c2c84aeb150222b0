// /api/customers: the customer card (all numbers, calls both ways, leads, notes), lookup by phone
// or e-mail, notes, and merging two customers who are one person.
// Operators see the customers they served (answered or were rung for one of their calls) or own a
// lead of; supervisors and admins see everyone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { normalisePhone } from '../../domain/phone.js'
import { InvalidInput } from '../../errors.js'
import { authOf } from '../auth.js'
import { Forbidden } from '../errors.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { CustomerCard, CustomerList, CustomerLookupQuery, CustomerParams, MergeBody, Note, NoteBody, NoteParams } from '../schemas/customers.js'
import { actorOf } from './leads.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, customers: repo } = app.services

  /** Operators only reach customers they know; the message says why not. */
  const assertMayRead = (req: FastifyRequest, customerId: string): void => {
    const auth = authOf(req)
    if (auth.role !== 'operator') return
    if (auth.operatorId !== null && repo.operatorKnows(customerId, auth.operatorId)) return
    throw new Forbidden(`an operator token reads only customers its operator served or owns a lead of; customer ${customerId} needs role supervisor or admin`)
  }

  app.get('/customers', {
    schema: { querystring: CustomerLookupQuery, response: { 200: CustomerList, ...authErrors } }
  }, async (req) => {
    const { phone, email } = req.query
    if ((phone === undefined) === (email === undefined)) throw new InvalidInput('query', 'give exactly one of phone or email')
    let ids: string[]
    if (phone !== undefined) {
      const p = normalisePhone(phone, config.calls.defaultRegion)
      if (p.e164 === null) throw new InvalidInput('phone', `"${phone}" is not a phone number: ${p.problem ?? 'cannot be normalised'}`)
      const id = repo.byPhone(p.e164)
      ids = id === null ? [] : [id]
    } else {
      ids = repo.byEmail(email!)
    }
    const auth = authOf(req)
    if (auth.role === 'operator') ids = ids.filter((id) => auth.operatorId !== null && repo.operatorKnows(id, auth.operatorId))
    return { customers: ids.map((id) => repo.card(id)) }
  })

  app.get('/customers/:customerId', {
    schema: { params: CustomerParams, response: { 200: CustomerCard, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const card = repo.card(req.params.customerId)
    assertMayRead(req, card.customerId)
    return card
  })

  app.post('/customers/:customerId/notes', {
    schema: { params: CustomerParams, body: NoteBody, response: { 201: Note, 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    assertMayRead(req, req.params.customerId)
    const note = repo.addNote(req.params.customerId, req.body.text, actorOf(authOf(req)))
    return reply.code(201).send(note)
  })

  app.patch('/customers/:customerId/notes/:noteId', {
    schema: { params: NoteParams, body: NoteBody, response: { 200: Note, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const auth = authOf(req)
    assertMayRead(req, req.params.customerId)
    const note = repo.note(req.params.customerId, req.params.noteId)
    const actor = actorOf(auth)
    if (auth.role === 'operator' && note.createdBy !== actor) {
      throw new Forbidden(`an operator token edits only its own notes; note ${note.noteId} was written by ${note.createdBy}`)
    }
    return repo.editNote(req.params.customerId, req.params.noteId, req.body.text, actor)
  })

  // Merge: `customerId` in the body is folded into the customer of the path.
  app.post('/customers/:customerId/merge', {
    schema: { params: CustomerParams, body: MergeBody, response: { 200: CustomerCard, 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req) => {
    assertMayRead(req, req.params.customerId)
    assertMayRead(req, req.body.customerId)
    repo.merge(req.params.customerId, req.body.customerId, actorOf(authOf(req)))
    req.log.info({ customerId: req.params.customerId, mergedId: req.body.customerId }, 'customers merged')
    return repo.card(req.params.customerId)
  })
}

export default routes
