// Security headers on every answer (@fastify/helmet). The console's pages load scripts, styles and
// data only from this origin and never inline, so the policy needs no 'unsafe-inline'.
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"]
}

export async function registerSecurityHeaders (app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    // Not upgrade-insecure-requests: a console on plain http://host:port must still load its files.
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // Shops' pages on other sites load /tracking.js and ask /api/tracking/number.
    crossOriginResourcePolicy: false,
    // Set by the TLS proxy in front, which knows the host names it serves (see the Security notes).
    strictTransportSecurity: false
  })
}
