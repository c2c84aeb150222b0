import t, { type Test } from 'tap'
import { pino } from 'pino'
import { Bus } from '../../src/bus.js'
import { loadConfig } from '../../src/config.js'
import type { CallEnded } from '../../src/domain/call-events.js'
import { openDb, type Db } from '../../src/db/open.js'
import { Outbox, parseWebhookUrls, retryDelayMs, type OutboxOptions, type WebhooksConfig } from '../../src/notify/outbox.js'
import { verifyWebhook } from '../../src/notify/webhook-signature.js'
import { startReceiver, type Receiver } from './receiver.js'

const t0 = 1_700_000_000_000
const secret = 'whsec_test_0123456789'

interface World {
  db: Db
  clock: { ms: number }
  receiver: Receiver
  config: WebhooksConfig
  outbox: Outbox
  logLines: () => Array<Record<string, unknown>>
  /** A new Outbox on the same database, as a restarted daemon would build it. */
  restart: (extra?: Partial<OutboxOptions>) => Outbox
  /** One pump pass at `ms` on the fake clock. */
  passAt: (ms: number, outbox?: Outbox) => ReturnType<Outbox['deliverDue']>
  rows: () => Array<Record<string, unknown>>
}

async function world (t: Test, webhooks: Partial<WebhooksConfig> = {}, extra: Partial<OutboxOptions> = {}, paths = ['/crm-a', '/crm-b']): Promise<World> {
  const clock = { ms: t0 }
  const receiver = await startReceiver({ secret, nowSeconds: () => Math.floor(clock.ms / 1000) })
  t.teardown(() => receiver.close())
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const lines: string[] = []
  const log = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line) } })
  const config = loadConfig({}, {
    webhooks: {
      urls: paths.map((p) => receiver.url(p)).join(', '), secret,
      timeoutMs: 1500, backoffBaseMs: 1000, backoffMaxMs: 60_000, maxAttempts: 10, pumpEveryMs: 10,
      ...webhooks
    }
  }).webhooks
  let seq = 0
  const restart = (more: Partial<OutboxOptions> = {}): Outbox => new Outbox({
    db, config, log, now: () => clock.ms, newId: (prefix) => `${prefix}_${++seq}`, random: () => 0.5, ...extra, ...more
  })
  const outbox = restart()
  return {
    db, clock, receiver, config, outbox, restart,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    passAt: (ms, which = outbox) => { clock.ms = ms; return which.deliverDue(ms) },
    rows: () => db.$client.prepare('select * from outbox order by created_at, rowid').all() as Array<Record<string, unknown>>
  }
}

const eventIds = (w: World, path: string): string[] => w.receiver.requests.filter((r) => r.path === path).map((r) => r.eventId)

t.test('writes one pending row per configured URL, sharing one event id and one payload', async (t) => {
  const w = await world(t)
  const eventId = w.outbox.enqueue('lead.created', { leadId: 'ld_1' })
  t.equal(eventId, 'evt_1')
  const rows = w.rows()
  t.equal(rows.length, 2)
  t.same(rows.map((r) => r.url), [w.receiver.url('/crm-a'), w.receiver.url('/crm-b')])
  for (const row of rows) {
    t.match(row, { event_id: 'evt_1', type: 'lead.created', state: 'pending', attempts: 0, next_attempt_at: t0, created_at: t0, lease_until: null })
    t.same(JSON.parse(String(row.payload)), { id: 'evt_1', type: 'lead.created', createdAt: new Date(t0).toISOString(), data: { leadId: 'ld_1' } })
  }
  t.not(rows[0]!.outbox_id, rows[1]!.outbox_id)
})

t.test('writes nothing and returns null when no URL is configured', async (t) => {
  const w = await world(t, {}, {}, [])
  t.equal(w.outbox.enqueue('lead.created', { leadId: 'ld_1' }), null)
  t.equal(w.rows().length, 0)
})

t.test('writes no webhook when the transaction that enqueued it rolls back, and writes it when it commits', async (t) => {
  const w = await world(t)
  t.throws(() => w.db.transaction((tx) => {
    w.outbox.enqueue('lead.status_changed', { leadId: 'ld_1', to: 'won' })
    tx.rollback()
  }))
  t.throws(() => w.db.$client.transaction(() => {
    w.outbox.enqueue('lead.status_changed', { leadId: 'ld_1', to: 'won' })
    throw new Error('the lead update failed')
  })())
  t.equal(w.rows().length, 0)
  w.db.transaction(() => { w.outbox.enqueue('lead.status_changed', { leadId: 'ld_1', to: 'won' }) })
  t.equal(w.rows().length, 2)
})

t.test('delivers every event exactly once to an idempotent receiver, in creation order per URL, through a 500, a timeout, an outage and recovery', async (t) => {
  const w = await world(t)
  const paths = ['/crm-a', '/crm-b']
  const e1 = w.outbox.enqueue('lead.created', { leadId: 'ld_1' })!
  const e2 = w.outbox.enqueue('lead.status_changed', { leadId: 'ld_1', to: 'in_work' })! // same millisecond as e1

  w.receiver.mode = 'fail'
  t.match(await w.passAt(t0), { claimed: 4, delivered: 0, failed: 2 })
  for (const p of paths) t.same(eventIds(w, p), [e1], 'the oldest event goes first; the next waits behind it')
  t.match(w.rows().find((r) => r.event_id === e1), { state: 'pending', attempts: 1, next_attempt_at: t0 + 1000, last_error: 'HTTP 500: database is locked' })
  t.match(w.rows().find((r) => r.event_id === e2), { state: 'pending', attempts: 0, lease_until: null })
  t.match(await w.passAt(t0 + 999), { claimed: 0 }, 'e2 is due but held back by e1 until e1 is due again')

  w.clock.ms = t0 + 1000
  const e3 = w.outbox.enqueue('lead.updated', { leadId: 'ld_1' })!
  w.receiver.mode = 'hang'
  t.match(await w.passAt(t0 + 1000), { claimed: 6, failed: 2 })
  t.match(w.rows().find((r) => r.event_id === e1), { attempts: 2, next_attempt_at: t0 + 1000 + 2000, last_error: 'timeout: no answer within 1500 ms' })
  for (const p of paths) t.same(w.receiver.stored(p), [e1], 'the receiver kept e1 though its answer never came')

  await w.receiver.down()
  t.match(await w.passAt(t0 + 3000), { claimed: 6, failed: 2 })
  t.match(w.rows().find((r) => r.event_id === e1), { attempts: 3, next_attempt_at: t0 + 3000 + 4000, last_error: /ECONNREFUSED/ })

  await w.receiver.up()
  w.receiver.mode = 'ok'
  t.match(await w.passAt(t0 + 7000), { claimed: 6, delivered: 6, failed: 0 })
  for (const p of paths) {
    t.same(eventIds(w, p), [e1, e1, e1, e2, e3], `${p}: e1 sent after the 500, the timeout and the outage; then each once, in order`)
    t.same(w.receiver.stored(p), [e1, e2, e3], `${p}: stored exactly once each, in order of creation`)
  }
  t.ok(w.receiver.requests.every((r) => r.verified), 'every request was signed')
  t.same(w.rows().map((r) => [r.event_id, r.state, r.attempts, r.delivered_at]), [
    [e1, 'delivered', 4, t0 + 7000], [e1, 'delivered', 4, t0 + 7000],
    [e2, 'delivered', 1, t0 + 7000], [e2, 'delivered', 1, t0 + 7000],
    [e3, 'delivered', 1, t0 + 7000], [e3, 'delivered', 1, t0 + 7000]
  ])
  const sent = w.receiver.requests.length
  t.match(await w.passAt(t0 + 3_600_000), { claimed: 0 })
  t.equal(w.receiver.requests.length, sent, 'nothing is sent again once delivered')
})

t.test('retries on a doubling, capped schedule with ±20% jitter, timed by the injected clock', async (t) => {
  const randoms = [0, 0.75, 0.5, 0.25, 0.5]
  const w = await world(t, { backoffBaseMs: 1000, backoffMaxMs: 5000, maxAttempts: 6 }, { random: () => randoms.shift()! }, ['/crm'])
  w.receiver.mode = 'fail'
  w.outbox.enqueue('call.ended', { callId: 'call_1' })
  const expectedDelays = [800, 2200, 4000, 4500, 5000] // 1000·0.8, 2000·1.1, 4000·1.0, 5000 (cap)·0.9, 5000·1.0
  let at = t0
  await w.passAt(at)
  for (const [i, delay] of expectedDelays.entries()) {
    const row = w.rows()[0]!
    t.equal(row.next_attempt_at, at + delay, `attempt ${i + 2} is due ${delay} ms after attempt ${i + 1}`)
    t.match(await w.passAt(at + delay - 1), { claimed: 0 }, 'not a millisecond early')
    at += delay
    await w.passAt(at)
  }
  t.equal(w.receiver.requests.length, 6)
  t.match(w.rows()[0], { state: 'dead', attempts: 6 })
  t.equal(retryDelayMs(30, { backoffBaseMs: 2000, backoffMaxMs: 3_600_000 }, 0.5), 3_600_000, 'capped at backoffMaxMs')
  t.equal(retryDelayMs(1, { backoffBaseMs: 2000, backoffMaxMs: 3_600_000 }, 0.999_999), 2400, 'jitter stays within +20%')
})

t.test('dead-letters an event after maxAttempts, logs it at error with its event id, and lets later events through', async (t) => {
  const w = await world(t, { maxAttempts: 3 }, {}, ['/crm'])
  w.receiver.mode = 'fail'
  const e1 = w.outbox.enqueue('lead.escalated', { leadId: 'ld_1' })!
  const e2 = w.outbox.enqueue('lead.updated', { leadId: 'ld_1' })!
  await w.passAt(t0)
  await w.passAt(t0 + 1000)
  await w.passAt(t0 + 3000)
  t.match(w.rows()[0], { event_id: e1, state: 'dead', attempts: 3, last_error: 'HTTP 500: database is locked' })
  const dead = w.logLines().filter((l) => l.msg === 'webhook dead-lettered')
  t.equal(dead.length, 1)
  t.match(dead[0], { level: 50, eventId: e1, type: 'lead.escalated', attempts: 3 })
  t.notOk(w.logLines().some((l) => JSON.stringify(l).includes(secret)), 'the secret is never logged')

  w.receiver.mode = 'ok'
  await w.passAt(t0 + 3000)
  t.same(w.receiver.stored('/crm'), [e2], 'the dead event no longer holds the queue')
  t.same(w.outbox.list({ state: 'dead', limit: 10 }).map((e) => e.eventId), [e1])

  const outboxId = String(w.rows()[0]!.outbox_id)
  t.match(w.outbox.retry(outboxId), { state: 'pending', attempts: 0, nextAttemptAt: t0 + 3000 })
  await w.passAt(t0 + 3000)
  t.same(w.receiver.stored('/crm'), [e2, e1], 'a retried dead event is delivered')
  t.same(w.outbox.list({ state: 'dead' }), [])
})

t.test('dead-letters at once when the receiver answers 410 Gone', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  w.receiver.mode = 'gone'
  w.outbox.enqueue('lead.created', { leadId: 'ld_1' })
  await w.passAt(t0)
  t.match(w.rows()[0], { state: 'dead', attempts: 1, last_error: 'HTTP 410: endpoint removed' })
})

t.test('retry refuses a delivery that does not exist or is not dead; list checks its filters', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  w.outbox.enqueue('lead.created', { leadId: 'ld_1' })
  t.throws(() => w.outbox.retry('obx_nope'), { code: 'NOT_FOUND', message: 'webhook delivery obx_nope not found' })
  t.throws(() => w.outbox.retry(String(w.rows()[0]!.outbox_id)), { code: 'CONFLICT' })
  t.throws(() => w.outbox.list({ limit: 0 }), { code: 'INVALID_INPUT' })
  t.throws(() => w.outbox.list({ state: 'lost' as 'dead' }), { code: 'INVALID_INPUT' })
  t.match(w.outbox.list(), [{ type: 'lead.created', state: 'pending', url: w.receiver.url('/crm') }])
})

t.test('signs each request so verifyWebhook accepts it, and rejects a changed body, an old timestamp or another secret', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  w.outbox.enqueue('disposition.recorded', { leadId: 'ld_1', outcome: 'deal' })
  await w.passAt(t0)
  const req = w.receiver.requests[0]!
  const nowSeconds = Math.floor(t0 / 1000)
  t.match(req.headers, {
    'content-type': 'application/json',
    'x-ringlead-event': 'disposition.recorded',
    'x-ringlead-event-id': 'evt_1',
    'x-ringlead-timestamp': String(nowSeconds),
    'x-ringlead-signature': /^v1=[0-9a-f]{64}$/
  })
  t.equal(req.body, w.rows()[0]!.payload, 'the body is the stored payload, byte for byte')
  t.ok(verifyWebhook(secret, req.headers, req.body, nowSeconds))
  t.ok(verifyWebhook(secret, req.headers, req.body, nowSeconds + 300), 'within the tolerance')
  t.notOk(verifyWebhook(secret, req.headers, req.body.replace('deal', 'refusal'), nowSeconds), 'a changed body')
  t.notOk(verifyWebhook(secret, req.headers, req.body, nowSeconds + 301), 'a timestamp older than the tolerance')
  t.notOk(verifyWebhook('another secret', req.headers, req.body, nowSeconds), 'another secret')
})

t.test('sends unsigned requests, and warns once at start, when no secret is configured', async (t) => {
  const w = await world(t, { secret: '' }, {}, ['/crm'])
  w.outbox.start()
  w.outbox.start()
  await w.outbox.stop()
  t.equal(w.logLines().filter((l) => l.level === 40 && /unsigned/.test(String(l.msg))).length, 1)
  w.outbox.enqueue('lead.created', { leadId: 'ld_1' })
  await w.passAt(t0)
  const req = w.receiver.requests[0]!
  t.notOk('x-ringlead-signature' in req.headers)
  t.equal(req.headers['x-ringlead-event-id'], 'evt_1')
  t.equal(w.rows()[0]!.state, 'delivered')
})

t.test('delivers again an event a dead daemon had claimed, once its lease runs out', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  const e1 = w.outbox.enqueue('call.started', { callId: 'call_1' })!
  t.equal(w.outbox.claimDue(t0).length, 1, 'claimed, then the process dies before sending')
  t.match(w.rows()[0], { state: 'delivering', lease_until: t0 + w.outbox.leaseMs })

  const next = w.restart()
  t.match(await w.passAt(t0 + 1000, next), { claimed: 0 }, 'the lease still holds it')
  t.match(await w.passAt(t0 + next.leaseMs, next), { claimed: 0 }, 'up to the last millisecond of the lease')
  t.match(await w.passAt(t0 + next.leaseMs + 1, next), { claimed: 1, delivered: 1 })
  t.same(w.receiver.stored('/crm'), [e1])
  t.match(w.rows()[0], { state: 'delivered', attempts: 1, lease_until: null })
})

t.test('enqueues the call, lead and disposition events from the bus, and nothing else', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  const bus = new Bus()
  const off = w.outbox.subscribe(bus)
  const lead = { leadId: 'ld_1', lead: { status: 'new' }, change: { kind: 'created', actor: 'system' }, atMs: t0 }
  const ended: CallEnded = {
    callId: 'call_1', direction: 'inbound', status: 'missed', callerPhone: '+79990000000', callerRaw: '89990000000',
    customerId: null, did: '74950000000', source: 'site', categoryId: null, answeredBy: null, attempts: [],
    startedAt: t0, answeredAt: null, endedAt: t0 + 20_000, ringMs: 20_000, talkMs: 0, hangupBy: 'caller', recordings: [],
    menuPath: [], waitMs: null, endReason: 'nobody answered'
  }
  bus.emit('call.started', { callId: 'call_1', callerPhone: null, did: '74950000000', source: null, categoryId: null, startedAt: t0 })
  bus.emit('call.ended', ended)
  for (const type of ['lead.created', 'lead.updated', 'lead.status_changed', 'lead.escalated', 'disposition.recorded'] as const) bus.emit(type, lead)
  bus.emit('operator.state', { operatorId: 'op_1', state: 'idle', reason: 'test', atMs: t0 })
  bus.emit('catalog.changed', { what: 'operators' })
  t.same(w.rows().map((r) => r.type), ['call.started', 'call.ended', 'lead.created', 'lead.updated', 'lead.status_changed', 'lead.escalated', 'disposition.recorded'])
  t.same(JSON.parse(String(w.rows()[1]!.payload)).data, ended)

  w.db.$client.close()
  t.doesNotThrow(() => bus.emit('lead.created', lead), 'a failed enqueue does not fail the producer')
  t.match(w.logLines().find((l) => l.msg === 'webhook not enqueued'), { level: 50, type: 'lead.created' })
  off()
  t.equal(bus.listenerCount('lead.created'), 0)
})

t.test('start pumps on its own timer; stop lets the delivery in flight finish and releases the rest', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  w.receiver.mode = 'hold'
  const e1 = w.outbox.enqueue('lead.created', { leadId: 'ld_1' })!
  const e2 = w.outbox.enqueue('lead.updated', { leadId: 'ld_1' })!
  const arrived = w.receiver.nextRequest()
  w.outbox.start()
  t.equal((await arrived).eventId, e1)
  const stopped = w.outbox.stop()
  w.receiver.release()
  await stopped
  t.same(w.rows().map((r) => [r.event_id, r.state, r.attempts, r.lease_until]), [[e1, 'delivered', 1, null], [e2, 'pending', 0, null]])
  t.same(w.receiver.requests.map((r) => r.eventId), [e1], 'nothing is sent after stop')
})

t.test('refuses a webhook URL that is not http(s), without printing its query', async (t) => {
  t.same(parseWebhookUrls(' http://a.example/x , ,https://b.example/y,http://a.example/x'), ['http://a.example/x', 'https://b.example/y'])
  t.throws(() => parseWebhookUrls('ftp://crm.example/in?token=abc'), { code: 'INVALID_INPUT', message: /ftp:\/\/crm\.example\/in\?…/ })
  t.throws(() => parseWebhookUrls('crm.example/in'), { code: 'INVALID_INPUT' })
})

t.test('keeps, but does not send, events for a URL that is no longer configured, and says so at start', async (t) => {
  const w = await world(t, {}, {}, ['/old'])
  w.outbox.enqueue('lead.created', { leadId: 'ld_1' })
  const moved = w.restart({ config: { ...w.config, urls: w.receiver.url('/new') } })
  moved.start()
  await moved.stop()
  t.match(w.logLines().find((l) => l.msg === 'undelivered webhooks for URLs no longer configured are kept but not sent'), { level: 40, parked: 1 })
  t.match(await w.passAt(t0, moved), { claimed: 0 })
  t.equal(w.receiver.requests.length, 0)
  t.match(w.rows(), [{ state: 'pending', url: w.receiver.url('/old') }])
})

t.test('subscribes to only the bus events it is told to', async (t) => {
  const w = await world(t, {}, {}, ['/crm'])
  const bus = new Bus()
  w.outbox.subscribe(bus, ['call.ended'])
  bus.emit('call.started', { callId: 'call_1', callerPhone: null, did: '74950000000', source: null, categoryId: null, startedAt: t0 })
  t.equal(w.rows().length, 0)
})

t.test('a batch\'s delivery marks wait in the write journal while another process locks the database, then land: nothing is sent twice', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const { default: Database } = await import('better-sqlite3')
  const { WriteBehind } = await import('../../src/db/write-behind.js')
  const { VirtualClock } = await import('../helpers/virtual-clock.js')
  const dir = mkdtempSync(join(tmpdir(), 'rl-outbox-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const db = openDb(join(dir, 'db.sqlite'), 50)
  t.teardown(() => { db.$client.close() })
  const clock = new VirtualClock(t0)
  const writes = new WriteBehind({ db, journalPath: join(dir, 'writes.journal'), clock, log: pino({ level: 'silent' }) })
  const receiver = await startReceiver({ secret, nowSeconds: () => Math.floor(clock.now() / 1000) })
  t.teardown(() => receiver.close())
  const config = loadConfig({}, { webhooks: { urls: receiver.url('/crm'), secret, timeoutMs: 1500, pumpEveryMs: 10 } }).webhooks
  let seq = 0
  const outbox = new Outbox({ db, config, log: pino({ level: 'silent' }), now: () => clock.now(), newId: (p) => `${p}_${++seq}`, writes })
  const sent = [outbox.enqueue('call.started', { callId: 'c1' }), outbox.enqueue('call.ended', { callId: 'c1' }), outbox.enqueue('lead.created', { leadId: 'l1' })]
  const states = (): unknown[] => (db.$client.prepare('select state from outbox order by rowid').all() as Array<{ state: string }>).map((r) => r.state)

  t.match(await outbox.deliverDue(clock.now()), { claimed: 3, delivered: 3 })
  t.same(states(), ['delivered', 'delivered', 'delivered'], 'marked when the pass resolves')

  const more = [outbox.enqueue('call.started', { callId: 'c2' }), outbox.enqueue('call.ended', { callId: 'c2' })]
  const other = new Database(join(dir, 'db.sqlite'))
  other.exec('BEGIN IMMEDIATE') // another process holds the write lock
  t.match(await outbox.deliverDue(clock.now()), { claimed: 0 }, 'the lock holds the claim off, as before')
  other.exec('COMMIT')
  // The lock comes back while the batch is in flight: the marks cannot land.
  const pass = outbox.deliverDue(clock.now())
  await new Promise<void>((resolve) => { const wait = (): void => { if (receiver.requests.length >= 4) { other.exec('BEGIN IMMEDIATE'); resolve() } else setImmediate(wait) }; wait() })
  t.match(await pass, { claimed: 2, delivered: 2 })
  t.same(states().slice(3), ['delivering', 'delivering'], 'locked: not in the database yet')
  t.equal(writes.pending, 1, 'kept in the journal')
  other.exec('COMMIT')
  other.close()
  await clock.advance(100)
  t.same(states().slice(3), ['delivered', 'delivered'], 'landed once the lock was gone')
  t.equal(writes.pending, 0)
  t.match(await outbox.deliverDue(clock.now() + outbox.leaseMs + 1), { claimed: 0 }, 'nothing to send again after the lease')
  t.same(receiver.requests.map((r) => r.eventId), [...sent, ...more], 'each event sent once')
})
