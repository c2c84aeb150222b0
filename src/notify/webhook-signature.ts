// Signing of outgoing webhooks, and the check a receiver runs. Pure crypto: no clock, no I/O.
//
// X-Ringlead-Signature: v1=<hex HMAC-SHA256(secret, "<X-Ringlead-Timestamp>.<raw body>")>
// The timestamp is in the signed string, so a captured request cannot be replayed after the
// receiver's tolerance window, and the body cannot be changed without breaking the signature.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const signatureHeader = 'x-ringlead-signature'
export const timestampHeader = 'x-ringlead-timestamp'
export const eventTypeHeader = 'x-ringlead-event'
export const eventIdHeader = 'x-ringlead-event-id'
export const signatureScheme = 'v1'

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

function hmacHex (secret: string, timestampSeconds: number | string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex')
}

/** The X-Ringlead-Signature value for a body sent at `timestampSeconds` (unix seconds). */
export function signWebhook (secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return `${signatureScheme}=${hmacHex(secret, timestampSeconds, rawBody)}`
}

function header (headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue
    return Array.isArray(value) ? value.join(',') : value
  }
  return undefined
}

/**
 * True when the request carries a v1 signature of `rawBody` made with `secret`, and its timestamp is
 * within `toleranceSeconds` of `nowSeconds` (either side). `rawBody` must be the bytes as received,
 * before any JSON parsing. Several comma-separated signatures are accepted (any one may match), so a
 * sender can sign with an old and a new secret while the secret is rotated.
 */
export function verifyWebhook (
  secret: string, headers: WebhookHeaders, rawBody: string | Buffer, nowSeconds: number, toleranceSeconds = 300
): boolean {
  if (secret === '') return false
  const timestamp = header(headers, timestampHeader)?.trim()
  const signatures = header(headers, signatureHeader)
  if (timestamp === undefined || signatures === undefined || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'utf8')
  let matched = false
  for (const part of signatures.split(',')) {
    const [scheme, value] = part.trim().split('=', 2)
    if (scheme !== signatureScheme || value === undefined) continue
    const given = Buffer.from(value, 'utf8')
    // Lengths are public (a hex SHA-256 is always 64 characters); the bytes are compared in constant time.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true
  }
  return matched
}
