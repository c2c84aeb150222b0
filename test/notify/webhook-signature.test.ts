import { createHmac } from 'node:crypto'
import t from 'tap'
import { signWebhook, verifyWebhook } from '../../src/notify/webhook-signature.js'

const secret = 'whsec_test_0123456789'
const body = '{"id":"evt_1","type":"lead.created","createdAt":"2023-11-14T22:13:20.000Z","data":{"leadId":"ld_1"}}'
const ts = 1_700_000_000

t.test('signs HMAC-SHA256 of "<timestamp>.<raw body>" in hex, as openssl would', async (t) => {
  const hex = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')
  t.equal(signWebhook(secret, ts, body), `v1=${hex}`)
})

t.test('accepts a signed request within the tolerance on either side, with headers in any case or as Headers', async (t) => {
  const signature = signWebhook(secret, ts, body)
  t.ok(verifyWebhook(secret, { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': signature }, body, ts))
  t.ok(verifyWebhook(secret, { 'X-Ringlead-Timestamp': String(ts), 'X-Ringlead-Signature': signature }, Buffer.from(body), ts - 300))
  t.ok(verifyWebhook(secret, new Headers({ 'X-Ringlead-Timestamp': String(ts), 'X-Ringlead-Signature': signature }), body, ts + 300))
  t.notOk(verifyWebhook(secret, { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': signature }, body, ts - 301), 'a timestamp from the future')
  t.notOk(verifyWebhook(secret, { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': signature }, body, ts + 10, 5), 'a tighter tolerance')
})

t.test('accepts any one of several signatures, so a secret can be rotated', async (t) => {
  const both = `${signWebhook('old secret', ts, body)}, ${signWebhook(secret, ts, body)}`
  t.ok(verifyWebhook(secret, { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': both }, body, ts))
  t.ok(verifyWebhook('old secret', { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': both }, body, ts))
})

t.test('rejects missing, malformed or mismatched signatures and an empty secret', async (t) => {
  const signature = signWebhook(secret, ts, body)
  const headers = { 'x-ringlead-timestamp': String(ts), 'x-ringlead-signature': signature }
  t.notOk(verifyWebhook(secret, { 'x-ringlead-timestamp': String(ts) }, body, ts), 'no signature')
  t.notOk(verifyWebhook(secret, { 'x-ringlead-signature': signature }, body, ts), 'no timestamp')
  t.notOk(verifyWebhook(secret, { ...headers, 'x-ringlead-timestamp': `${ts}.5` }, body, ts), 'a timestamp that is not whole seconds')
  t.notOk(verifyWebhook(secret, { ...headers, 'x-ringlead-timestamp': String(ts + 1) }, body, ts), 'the timestamp is signed too')
  t.notOk(verifyWebhook(secret, { ...headers, 'x-ringlead-signature': signature.replace('v1=', 'v0=') }, body, ts), 'an unknown scheme')
  t.notOk(verifyWebhook(secret, { ...headers, 'x-ringlead-signature': signature.slice(0, -1) }, body, ts), 'a truncated signature')
  t.notOk(verifyWebhook(secret, headers, `${body} `, ts), 'one byte more of body')
  t.notOk(verifyWebhook('', headers, body, ts), 'no secret to check with')
})
