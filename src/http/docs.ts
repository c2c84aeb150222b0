// OpenAPI description of the REST API, built from the routes' TypeBox schemas: GET /api/docs/json.
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'

export async function registerDocs (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'ringlead API', version: '0.1.0', description: 'Calls, leads, operators, tracking numbers, voice menus, dialplan. Send Authorization: Bearer <token>, or the console session cookie.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }]
    },
    // The console's pages are not part of the API.
    transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') ? schema : { ...schema, hide: true }, url })
  })
  app.get('/api/docs/json', { schema: { hide: true } }, async () => app.swagger())
}
