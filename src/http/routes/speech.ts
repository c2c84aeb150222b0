// Recordings (with range requests), transcripts, search, QA rule sets and the transcription queue.
import send from '@fastify/send'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { QaRule } from '../../domain/qa.js'
import { InvalidInput, NotFound } from '../../errors.js'
import { RecordingUnavailable } from '../../speech/errors.js'
import { defaultRuleSet } from '../../speech/default-rule-set.js'
import { assertRole, authOf, requireRole } from '../auth.js'
import { Forbidden } from '../errors.js'
import { CallParams } from '../schemas/calls.js'
import { authErrors, CategoryId, Did, ErrorBody } from '../schemas/common.js'
import { Job, Language, RuleSet, RuleSetBody, RuleTry, RuleTryBody, SpeechView } from '../schemas/speech.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { now } = app.services
  const speech = app.services.speech!

  /** Operators see their own calls only, as on GET /calls/:callId. */
  const assertCallVisible = (req: FastifyRequest, callId: string): void => {
    const access = speech.callAccess(callId, authOf(req))
    if (access === 'unknown') throw new NotFound('call', callId)
    if (access === 'not_theirs') {
      throw new Forbidden(`an operator token may read only calls its operator answered or was rung for; call ${callId} needs role supervisor or admin`)
    }
  }

  app.get('/calls/:callId/transcript', {
    schema: { params: CallParams, response: { 200: SpeechView, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    assertCallVisible(req, req.params.callId)
    return speech.transcript(req.params.callId)
  })

  /** Sends a stored recording's file, with range requests (the console's player seeks with them). */
  const sendRecording = async (req: FastifyRequest, reply: FastifyReply, rec: { recordingId: string; path: string }): Promise<FastifyReply> => {
    const file = await send(req.raw, rec.path, { root: speech.recordingsDir, acceptRanges: true, cacheControl: false, etag: true, lastModified: true, dotfiles: 'deny' })
    if (file.type === 'error') {
      const err = file.metadata.error as Error & { status?: number }
      if (err.status === 404) throw new RecordingUnavailable(`recording ${rec.recordingId} is missing: its file ${rec.path} is gone from the recordings directory`)
      throw err
    }
    reply.code(file.statusCode).headers(file.headers as Record<string, string>).header('content-type', 'audio/wav')
    return await reply.send(file.stream)
  }

  app.get('/calls/:callId/recordings/:recordingId', {
    schema: { params: Type.Object({ callId: CallParams.properties.callId, recordingId: Type.String({ minLength: 1, maxLength: 100 }) }) }
  }, async (req, reply) => {
    assertCallVisible(req, req.params.callId)
    return await sendRecording(req, reply, speech.storedRecording(req.params.callId, req.params.recordingId))
  })

  // The whole conversation: the mixed recording, or (made on first play) the two parties in stereo.
  app.get('/calls/:callId/conversation', {
    schema: { params: CallParams }
  }, async (req, reply) => {
    assertCallVisible(req, req.params.callId)
    return await sendRecording(req, reply, await speech.conversation(req.params.callId))
  })

  app.put('/calls/:callId/golden', {
    onRequest: requireRole('supervisor'),
    schema: { params: CallParams, body: Type.Object({ golden: Type.Boolean() }, { additionalProperties: false }), response: { 200: Type.Object({ callId: Type.String(), golden: Type.Boolean(), recordings: Type.Integer() }), 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    assertCallVisible(req, req.params.callId)
    const n = speech.setGolden(req.params.callId, req.body.golden)
    req.log.info({ callId: req.params.callId, golden: req.body.golden }, 'golden fund mark set')
    return { callId: req.params.callId, golden: req.body.golden, recordings: n }
  })

  app.get('/transcripts/search', {
    schema: {
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ callId: Type.String(), snippet: Type.String() })) }), ...authErrors }
    }
  }, async (req) => {
    return { items: speech.search(req.query.q, req.query.limit ?? 50, authOf(req)) }
  })

  // ---- the queue ----

  app.get('/speech/jobs', {
    onRequest: requireRole('supervisor'),
    schema: {
      querystring: Type.Object({ state: Type.Optional(Job.properties.state), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })) }),
      response: { 200: Type.Object({ engine: Type.Object({}, { additionalProperties: true }), counts: Type.Record(Type.String(), Type.Integer()), items: Type.Array(Job) }), ...authErrors }
    }
  }, async (req) => speech.queue(req.query.state, req.query.limit ?? 50))

  app.post('/speech/jobs/:jobId/retry', {
    onRequest: requireRole('supervisor'),
    schema: { params: Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: Job, 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req) => {
    return speech.retry(req.params.jobId, now())
  })

  // ---- languages ----

  app.put('/categories/:categoryId/speech-language', {
    onRequest: requireRole('admin'),
    schema: { params: Type.Object({ categoryId: CategoryId }), body: Type.Object({ language: Type.Union([Language, Type.Null()]) }), response: { 200: Type.Object({ categoryId: Type.String(), language: Type.Union([Language, Type.Null()]) }), 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    speech.setCategoryLanguage(req.params.categoryId, req.body.language)
    return { categoryId: req.params.categoryId, language: req.body.language }
  })

  app.put('/tracking-numbers/:did/speech-language', {
    onRequest: requireRole('admin'),
    schema: { params: Type.Object({ did: Did }), body: Type.Object({ language: Type.Union([Language, Type.Null()]) }), response: { 200: Type.Object({ did: Type.String(), language: Type.Union([Language, Type.Null()]) }), 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    speech.setTrackingNumberLanguage(req.params.did, req.body.language)
    return { did: req.params.did, language: req.body.language }
  })

  // ---- QA rule sets ----

  app.get('/qa/rule-sets', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: Type.Object({ items: Type.Array(RuleSet), fallback: RuleSet }), ...authErrors } }
  }, async () => ({ items: speech.ruleSets(), fallback: defaultRuleSet }))

  app.put('/qa/rule-sets/:ruleSetId', {
    onRequest: requireRole('supervisor'),
    schema: { params: Type.Object({ ruleSetId: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }) }), body: RuleSetBody, response: { 200: RuleSet, 409: ErrorBody, ...authErrors } }
  }, async (req) => {
    assertRole(req, 'supervisor')
    const rules = req.body.rules as QaRule[]
    const view = speech.putRuleSet({ ruleSetId: req.params.ruleSetId, name: req.body.name, categoryId: req.body.categoryId, rules, updatedAt: now() })
    req.log.info({ ruleSetId: view.ruleSetId, rules: rules.length }, 'QA rule set saved')
    return view
  })

  // Nothing is stored: the same scoring the calls get, on rules being written.
  app.post('/qa/rule-sets/try', {
    onRequest: requireRole('supervisor'),
    schema: { body: RuleTryBody, response: { 200: RuleTry, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const { rules, transcript, callId } = req.body
    if (callId === undefined && transcript === undefined) throw new InvalidInput('transcript', 'give transcript (lines "operator: text" / "customer: text") or callId')
    return speech.tryRules(rules as QaRule[], callId !== undefined ? { callId } : { text: transcript! })
  })

  app.delete('/qa/rule-sets/:ruleSetId', {
    onRequest: requireRole('supervisor'),
    schema: { params: Type.Object({ ruleSetId: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), 404: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    speech.deleteRuleSet(req.params.ruleSetId)
    return await reply.code(204).send(null)
  })
}

export default routes
