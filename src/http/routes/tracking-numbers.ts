// /api/tracking-numbers: DIDs on sites and ads, each with a traffic source and/or a category.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFound } from '../../errors.js'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import {
  DidParams, NewTrackingNumberBody, TrackingNumberList, TrackingNumberPatchBody, TrackingNumberView
} from '../schemas/tracking-numbers.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.services

  app.get('/tracking-numbers', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: TrackingNumberList, ...authErrors } }
  }, async () => ({ trackingNumbers: catalog.listTrackingNumbers() }))

  app.get('/tracking-numbers/:did', {
    onRequest: requireRole('supervisor'),
    schema: { params: DidParams, response: { 200: TrackingNumberView, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const number = catalog.getTrackingNumber(req.params.did)
    if (number === undefined) throw new NotFound('tracking number', req.params.did)
    return number
  })

  app.post('/tracking-numbers', {
    onRequest: requireRole('admin'),
    schema: { body: NewTrackingNumberBody, response: { 201: TrackingNumberView, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => reply.status(201).send(catalog.createTrackingNumber(req.body)))

  app.patch('/tracking-numbers/:did', {
    onRequest: requireRole('admin'),
    schema: { params: DidParams, body: TrackingNumberPatchBody, response: { 200: TrackingNumberView, 404: ErrorBody, ...authErrors } }
  }, async (req) => catalog.updateTrackingNumber(req.params.did, req.body))

  app.delete('/tracking-numbers/:did', {
    onRequest: requireRole('admin'),
    schema: { params: DidParams, response: { 204: Type.Null(), 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    catalog.deleteTrackingNumber(req.params.did)
    return reply.status(204).send(null)
  })
}

export default routes
