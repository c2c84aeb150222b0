// kill -9 with calls in every state, then a start on the same database: each call gets its outcome.
import { existsSync } from 'node:fs'
import t from 'tap'
import { api, killHard, readRows, simAndDb, startDaemonProcess, stopChild, webhookReceiver } from '../helpers/daemon-process.js'
import { until } from '../helpers/world.js'

// Each test starts daemon processes two or three times: slow on a loaded machine, whatever the code.
t.setTimeout(400_000)

interface CallRowView { call_id: string; status: string; answered_by: string | null; ended_at: number | null; talk_ms: number | null; hangup_by: string | null; end_reason: string | null; outcome_published_at: number | null; caller_phone: string }

t.test('kill -9 under calls: each cut call gets call.ended and its webhook, an unanswered caller a callback lead, recordings are finished; an adopted conversation writes its real end', async (t) => {
  const { sim, dbPath, env: base } = await simAndDb(t, 'ringlead-crash-', ['101', '102', '103'])
  const hooks = await webhookReceiver(t)
  const env = { ...base, RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS: '60', RINGLEAD_WEBHOOKS_URLS: hooks.url, RINGLEAD_WEBHOOKS_PUMP_EVERY_MS: '50', RINGLEAD_WEBHOOKS_TIMEOUT_MS: '200' }
  sim.addEndpoint('101', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  sim.addEndpoint('102', { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  sim.addEndpoint('103', { registered: false, behaviour: { kind: 'noanswer' } })
  const first = startDaemonProcess(env)
  t.teardown(() => stopChild(first.child))
  const url1 = await first.url
  await until('daemon connected to ARI', async () => (await api(url1, '/api/health')).ari === 'connected', 20_000)

  const adopted = sim.placeCall({ from: '+79031110001', did: '74950000000' })
  // By the caller's own channel: live alerts, when on, add two-channel bridges of their own.
  const talking = (channelId: string): boolean => sim.bridges().some((b) => b.channelIds.length === 2 && b.channelIds.includes(channelId))
  await until('first conversation', () => talking(adopted.channelId), 15_000)
  const cut = sim.placeCall({ from: '+79031110002', did: '74950000000' })
  await until('second conversation', () => talking(cut.channelId), 15_000)
  sim.register('103') // the only free operator now, and they never answer
  const ringing = sim.placeCall({ from: '+79031110003', did: '74950000000' })
  await until('103 ringing', () => sim.channels().some((c) => c.name?.startsWith('PJSIP/103')), 15_000)
  await until('all three rows written', () => readRows(dbPath, 'SELECT call_id FROM calls').length === 3)
  const callOf = (phone: string): string => readRows<CallRowView>(dbPath, 'SELECT * FROM calls WHERE caller_phone = ?', phone)[0]!.call_id
  const [adoptedId, cutId, ringingId] = ['+79031110001', '+79031110002', '+79031110003'].map(callOf) as [string, string, string]

  await killHard(first.child)
  // While ringlead is down: the second conversation ends, the ringing caller gives up.
  const cutBridge = sim.bridges().find((b) => b.channels.includes(cut.channelId))!
  for (const id of cutBridge.channels) sim.hangup(id)
  sim.hangup(ringing.channelId)
  await cut.ended
  await ringing.ended

  const restartedAt = Date.now()
  const second = startDaemonProcess(env)
  t.teardown(() => stopChild(second.child))
  await second.url
  const call = (callId: string): CallRowView => readRows<CallRowView>(dbPath, 'SELECT * FROM calls WHERE call_id = ?', callId)[0]!
  await until('the cut calls published', () => call(cutId).outcome_published_at !== null && call(ringingId).outcome_published_at !== null, 20_000)

  t.match(call(cutId), { status: 'interrupted', answered_by: /^op_10[12]$/, end_reason: /ringlead stopped during the call/ })
  t.match(call(ringingId), { status: 'interrupted', answered_by: null })
  t.equal(readRows(dbPath, "SELECT * FROM call_attempts WHERE call_id = ? AND result = 'ringing'", ringingId).length, 0, 'no attempt left ringing')
  const lead = readRows(dbPath, 'SELECT * FROM leads WHERE phone = ?', '+79031110003')
  t.equal(lead.length, 1, 'the caller nobody answered has a callback lead')
  t.match(lead[0], { status: 'new', message: /missed call \(interrupted\)/ })
  t.ok(lead[0]!.deadline_at, 'with a deadline')
  const endedRows = (callId: string): unknown[] => readRows(dbPath, "SELECT * FROM outbox WHERE type = 'call.ended' AND payload LIKE ?", `%"callId":"${callId}"%`)
  t.equal(endedRows(cutId).length, 1, 'one call.ended webhook for the cut conversation')
  t.equal(endedRows(ringingId).length, 1, 'one call.ended webhook for the ringing caller')
  await until('webhooks delivered', () => [cutId, ringingId].every((id) => hooks.events().some((e) => e.type === 'call.ended' && e.data.callId === id)), 20_000)
  const cutRecordings = readRows<{ status: string; error: string | null; path: string | null }>(dbPath, 'SELECT * FROM recordings WHERE call_id = ?', cutId)
  t.equal(cutRecordings.length, 2, 'one per party')
  t.same(cutRecordings.filter((r) => r.status === 'recording'), [], 'no recording left recording')
  for (const r of cutRecordings) {
    if (r.status === 'stored') t.ok(existsSync(`${base.RINGLEAD_RECORDINGS_DIR}/${r.path}`), 'copied from Asterisk')
    else t.match(r, { status: 'missing', error: /^lost: / })
  }
  t.ok(cutRecordings.some((r) => r.status === 'stored'), 'the files Asterisk finished are kept')

  // The first conversation went on through the restart: its row waits for its real end.
  t.match(call(adoptedId), { status: 'talking', outcome_published_at: null })
  sim.hangup(adopted.channelId)
  await adopted.ended
  await until('adopted call written', () => call(adoptedId).outcome_published_at !== null, 20_000)
    .catch((err: Error) => { t.comment(call(adoptedId), readRows(dbPath, 'SELECT * FROM recordings WHERE call_id = ?', adoptedId)); throw err })
  const ended = call(adoptedId)
  t.match(ended, { status: 'answered', answered_by: /^op_10[12]$/, hangup_by: 'caller', end_reason: null })
  t.ok(ended.ended_at! >= restartedAt, 'ended after the restart')
  t.ok(ended.talk_ms! >= ended.ended_at! - restartedAt, 'talk time runs to the real end')
  t.equal(endedRows(adoptedId).length, 1)
  t.same(readRows(dbPath, "SELECT * FROM recordings WHERE call_id = ? AND status = 'recording'", adoptedId), [])
  t.equal(readRows(dbPath, 'SELECT * FROM leads WHERE phone = ?', '+79031110001').length, 1, 'answered lead for the adopted call')

  // A second start changes nothing: every outcome went out once.
  await killHard(second.child)
  const third = startDaemonProcess(env)
  t.teardown(() => stopChild(third.child))
  const url3 = await third.url
  await until('connected again', async () => (await api(url3, '/api/health')).ari === 'connected', 20_000)
  t.equal(readRows(dbPath, "SELECT * FROM outbox WHERE type = 'call.ended'").length, 3)
  t.equal(readRows(dbPath, 'SELECT * FROM leads').length, 3)
})

