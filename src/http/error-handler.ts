// The one place that turns errors into HTTP answers. Codes map to statuses; 5xx bodies say only
// that something broke and which request it was, the details go to the log.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { RingleadError } from '../errors.js'

const statusOfCode: Record<string, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TRANSITION_REFUSED: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  DIALPLAN_TEMPLATE: 422,
  DIALPLAN_ROLLED_BACK: 502,
  DIALPLAN_NOT_APPLIED: 503,
  UNAVAILABLE: 503,
  RECORDING_UNAVAILABLE: 410
}

/** Fastify's own request errors (before our code runs) in our words. */
export function fastifyClientError (err: FastifyError, req: FastifyRequest): { status: number; code: string; message: string } | undefined {
  const limit = req.server.services.config.http.bodyLimitBytes
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `body: larger than the limit of ${limit} bytes` }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `body: send JSON with Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})` }
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return { status: 400, code: 'INVALID_INPUT', message: 'body: not valid JSON' }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return { status: 400, code: 'INVALID_INPUT', message: 'body: empty, but Content-Type says application/json; send {} or leave out the header' }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return { status: 400, code: 'INVALID_INPUT', message: 'body: length does not match Content-Length' }
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, code: 'BAD_REQUEST', message: err.message }
  }
  return undefined
}

export async function errorHandler (err: FastifyError | RingleadError, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const known = err instanceof RingleadError || typeof err.code === 'string' ? statusOfCode[err.code] : undefined
  if (known !== undefined) {
    req.log.info({ code: err.code, status: known }, 'request refused')
    return reply.status(known).send({ error: err.code, message: err.message })
  }
  const client = err instanceof RingleadError ? undefined : fastifyClientError(err, req)
  if (client !== undefined) {
    req.log.info({ code: err.code, status: client.status }, 'request refused')
    return reply.status(client.status).send({ error: client.code, message: client.message })
  }
  req.log.error({ err }, 'request failed')
  return reply.status(500).send({ error: 'INTERNAL', message: `internal error in request ${req.id}; the server log has the details` })
}

export async function notFoundHandler (req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  return reply.status(404).send({ error: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` })
}
