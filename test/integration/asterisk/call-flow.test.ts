// The scenarios of test/calls/call-flow.test.ts against a real Asterisk 22, with sipp playing the
// carrier and the operators' phones. Skipped unless RINGLEAD_IT_ARI_URL is set (README.md).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import wavefile from 'wavefile'
import type { CallEnded } from '../../../src/domain/call-events.js'
import { labSettings, skipMessage } from './lab-settings.js'

const settings = labSettings()

if (settings === null) {
  t.plan(0, skipMessage)
} else {
  t.setTimeout(15 * 60_000)
  const { adminToken, checkAsterisk, until, within } = await import('./lab.js')
  const lt = await import('./lab-test.js')
  type Lab = Awaited<ReturnType<typeof lt.labFor>>
  const labFor = (t: Test, overrides: Parameters<typeof lt.labFor>[2] = {}): Promise<Lab> => lt.labFor(t, settings, overrides)
  const { noChannelsLeft, sippOk } = lt
  const dids = settings.dids

  /** Ana on 101 answers a call from `from` to the tracked number after 500 ms; the caller talks 2 s and hangs up. */
  const callAna = async (lab: Lab, from: string): Promise<{ e: CallEnded; carrier: ReturnType<Lab['call']> }> => {
    await lab.addNumber(dids.tracked, { source: 'google-ads' })
    await lab.addOperator('101', { name: 'Ana', behaviour: { kind: 'answer', afterMs: 500 } })
    const ended = lab.ended()
    const carrier = lab.call({ from, did: dids.tracked, caller: { kind: 'talk', talkMs: 2000 } })
    return { e: await within(30_000, 'call.ended', ended), carrier }
  }

  const version = await checkAsterisk(settings)
  t.comment(`real Asterisk ${version} at ${settings.ari.url}, SIP ${settings.sip.host}:${settings.sip.port}`)

  t.test('by default Asterisk\'s copies of a call\'s recordings are removed once ringlead stored its own', async (t) => {
    const lab = await labFor(t)
    const { e } = await callAna(lab, '+79031112299')
    t.equal(e.status, 'answered')
    const s = await lab.story(e.callId)
    t.equal(s.recordings.filter((r: { status: string }) => r.status === 'stored').length, 2, 'both parties stored here')
    const { ariRequest } = await import('./lab.js')
    // The mixed name too: Asterisk was asked for no such file, so none is left behind.
    const names = [...s.recordings.map((r: { name: string }) => r.name), `${e.callId}-mixed`]
    await until('Asterisk holds none of them', async () => {
      const codes = await Promise.all(names.map(async (name) => (await ariRequest(settings, 'GET', `/recordings/stored/${encodeURIComponent(name)}`)).status))
      return codes.every((c) => c === 404)
    })
    t.pass('Asterisk answers 404 for each')
  })

  t.test('on Asterisk\'s disk (recordings.spoolDir) the party files are moved from its spool, none fetched over ARI', { skip: settings.spoolDir === '' ? 'RINGLEAD_IT_SPOOL_DIR not set: Asterisk\'s disk is not this machine\'s' : false }, async (t) => {
    const lab = await labFor(t, { recordings: { spoolDir: settings.spoolDir } })
    const fetched: string[] = []
    const ari = lab.daemon.ari
    const fetch = ari.storedRecordingFile.bind(ari)
    ari.storedRecordingFile = async (name, o) => { fetched.push(name); return await fetch(name, o) }
    const { e, carrier } = await callAna(lab, '+79031112297')
    t.equal(e.status, 'answered')
    t.same(e.recordings.map((r) => r.kind).sort(), ['caller', 'operator'])
    const { wavComplete } = await import('../../../src/calls/wav-duration.js')
    for (const r of lab.daemon.repo.recordingsOf(e.callId)) {
      t.equal(r.status, 'stored', `${r.kind} stored (${r.error ?? 'no error'})`)
      const bytes = readFileSync(join(lab.daemon.config.recordings.dir, r.path ?? ''))
      t.ok(wavComplete(bytes) && bytes.length > 44 + 8000, `${r.kind}: a closed WAV with audio (${bytes.length} bytes)`)
      t.ok((r.durationMs ?? 0) >= 1000, `${r.kind}: its length from the header (${r.durationMs} ms)`)
      t.notOk(existsSync(join(settings.spoolDir, `${r.name}.wav`)), `${r.kind}: not left in Asterisk's spool`)
    }
    t.same(fetched, [], 'no file asked of ARI')
    await sippOk(t, carrier, 'the carrier hung up and got 200 OK')
    await noChannelsLeft(t, lab)
  })

  t.test('with recordings off (recordings.method none) the call is answered, talks and ends with nothing recorded', async (t) => {
    const lab = await labFor(t, { recordings: { method: 'none' } })
    const { e, carrier } = await callAna(lab, '+79031112298')
    t.equal(e.status, 'answered')
    t.ok(e.talkMs >= 1500, `talk time measured (${e.talkMs} ms)`)
    t.same(e.recordings, [])
    t.same((await lab.story(e.callId)).recordings, [], 'no recording rows')
    await sippOk(t, carrier, 'the carrier hung up and got 200 OK')
    await noChannelsLeft(t, lab)
  })

  t.test('the daemon reports both links to the real Asterisk as connected', async (t) => {
    const lab = await labFor(t)
    const res = await lab.daemon.app.inject({ method: 'GET', url: '/api/health' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { status: 'ok', ari: 'connected', ami: 'connected', asterisk: 'real', activeCalls: 0 })
    // Only the events ringlead reads are let through at Asterisk once the app is connected.
    const { ariRequest } = await import('./lab.js')
    const { READ_EVENTS } = await import('../../../src/asterisk/event-filter.js')
    type Filter = { events_allowed: Array<{ type: string }>, events_disallowed: Array<{ type: string }> }
    const app = async (): Promise<Filter> => (await ariRequest<Filter>(settings, 'GET', `/applications/${lab.daemon.config.ari.app}`)).body
    await until('the event filter is set', async () => (await app()).events_allowed.length > 0)
    t.same((await app()).events_allowed.map((e) => e.type), [...READ_EVENTS])
    t.same((await app()).events_disallowed, [])
  })

  t.test('an answered call is bridged, recorded per party and told whole by GET /api/calls/:id', async (t) => {
    // Asterisk's copies are kept here, to compare them byte for byte with ringlead's.
    const lab = await labFor(t, { recordings: { keepInAsterisk: true } })
    await lab.addCategory('dishwashers')
    await lab.addNumber(dids.tracked, { source: 'google-ads', categoryId: 'dishwashers' })
    const ana = await lab.addOperator('101', { skills: { dishwashers: 5 }, name: 'Ana', behaviour: { kind: 'answer', afterMs: 1000 } })
    const ended = lab.ended()
    const carrier = lab.call({ from: '+79031112233', callerName: 'Ivan', did: dids.tracked, caller: { kind: 'talk', talkMs: 3000 } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.status, 'answered')
    t.equal(e.answeredBy, ana)
    t.equal(e.callerPhone, '+79031112233')
    t.equal(e.did, dids.tracked)
    t.equal(e.categoryId, 'dishwashers')
    t.equal(e.hangupBy, 'caller')
    t.ok(e.talkMs >= 2000, `talk time measured (${e.talkMs} ms)`)
    t.same(e.recordings.map((r) => r.kind).sort(), ['caller', 'operator'], 'one file per party, no mixed one')

    const s = await lab.story(e.callId)
    t.equal(s.call.status, 'answered')
    t.equal(s.call.callerName, 'Ivan', 'caller name from the carrier\'s P-Asserted-Identity')
    t.match(s.trackingNumber, { did: dids.tracked, source: 'google-ads', categoryId: 'dishwashers' })
    t.match(s.customer, { phone: '+79031112233' })
    t.equal(s.plan.steps[0].kind, 'specialist')
    t.match(s.plan.steps[0].reasons[0], /specialist for dishwashers/)
    t.equal(s.attempts.length, 1)
    t.match(s.attempts[0], { operatorId: ana, result: 'answered' })
    t.equal(s.recordings.length, 2)
    for (const r of s.recordings) {
      t.equal(r.status, 'stored', `${r.kind} recording stored (${r.error ?? 'no error'})`)
      const file = join(lab.daemon.config.recordings.dir, r.path ?? '')
      t.ok(r.path !== null && existsSync(file), `${r.kind} file exists`)
      if (r.path !== null && existsSync(file)) {
        const bytes = readFileSync(file)
        t.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF', `${r.kind} file is a WAV`)
        t.ok(bytes.length > 44, `${r.kind} file has audio after the header (${bytes.length} bytes)`)
        const original = await lab.storedRecording(r.name)
        t.ok(original.equals(bytes), `${r.kind} copy is byte for byte what Asterisk stored (${original.length} bytes there, ${bytes.length} here)`)
      }
      t.ok(r.durationMs !== null, `${r.kind} RecordingFinished reported a duration (${r.durationMs} ms)`)
    }
    // The conversation, made from the two tracks Asterisk wrote: stereo, each channel one party's file.
    const played = await lab.daemon.app.inject({ method: 'GET', url: s.conversationUrl, headers: { authorization: `Bearer ${adminToken}` } })
    t.equal(played.statusCode, 200, `GET ${s.conversationUrl}`)
    const pcm = (bytes: Buffer): Int16Array[] => {
      const s = new wavefile.WaveFile(bytes).getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]
      return Array.isArray(s) ? s : [s]
    }
    const both = pcm(played.rawPayload)
    t.equal(both.length, 2, 'stereo')
    const party = (kind: string): Int16Array => pcm(readFileSync(join(lab.daemon.config.recordings.dir, s.recordings.find((r: { kind: string }) => r.kind === kind).path)))[0]!
    for (const [i, kind] of [[0, 'caller'], [1, 'operator']] as const) {
      const track = party(kind)
      t.ok(Buffer.from(both[i]!.buffer, both[i]!.byteOffset, track.length * 2).equals(Buffer.from(track.buffer, track.byteOffset, track.length * 2)), `channel ${i} is the ${kind}'s track, sample for sample`)
    }
    await sippOk(t, carrier, 'the carrier hung up and got 200 OK')
    await sippOk(t, lab.phone('101')!, 'the phone answered and was hung up by Asterisk')
    await noChannelsLeft(t, lab)
  })

  t.test('falls back operator to operator to the manager, recording each attempt with its cause', async (t) => {
    const lab = await labFor(t)
    const a = await lab.addOperator('101', { behaviour: { kind: 'no_answer' } })
    const b = await lab.addOperator('102', { behaviour: { kind: 'busy' } })
    const dir = await lab.addOperator('103', { isManager: true, behaviour: { kind: 'answer', afterMs: 500 } })
    const ended = lab.ended()
    const carrier = lab.call({ from: '89031112233', did: dids.unknown, caller: { kind: 'talk', talkMs: 2000 } })
    const e = await within(40_000, 'call.ended', ended)
    t.equal(e.status, 'answered')
    t.equal(e.answeredBy, dir)
    const s = await lab.story(e.callId)
    t.same(s.attempts.map((x: any) => [x.operatorId, x.result]), [[a, 'no_answer'], [b, 'busy'], [dir, 'answered']])
    const byOp = Object.fromEntries(s.attempts.map((x: any) => [x.operatorId, x]))
    t.match(byOp[a], { result: 'no_answer', cause: 19 })
    t.match(byOp[b], { result: 'busy', cause: 17 })
    t.match(byOp[dir], { result: 'answered', stepKind: 'manager' })
    t.equal(s.attempts.at(-1).operatorId, dir, 'manager rung last')
    await sippOk(t, lab.phone('101')!, 'the unanswered phone got CANCEL at the ring timeout')
    await sippOk(t, lab.phone('102')!, 'the busy phone got its ACK')
    await sippOk(t, carrier, 'the carrier call went through')
    await noChannelsLeft(t, lab)
  })

  t.test('a returning caller goes back to their operator whichever number they dial', async (t) => {
    const lab = await labFor(t)
    await lab.addNumber(dids.second, { source: 'site' })
    await lab.addOperator('101', { behaviour: { kind: 'answer', afterMs: 500, calls: 2 } })
    await lab.addOperator('102', { behaviour: { kind: 'answer', afterMs: 500, calls: 2 } })
    const firstEnded = lab.ended()
    lab.call({ from: '+79035550001', did: dids.unknown, caller: { kind: 'talk', talkMs: 1500 } })
    const first = await within(30_000, 'first call.ended', firstEnded)
    t.equal(first.status, 'answered')
    const operatorId = first.answeredBy!
    // Real phones report INUSE until Asterisk has torn the first call down.
    await until('the operator to be free again', () => lab.daemon.board.view(operatorId)?.state === 'available')
    const again = lab.ended()
    lab.call({ from: '+79035550001', did: dids.second, caller: { kind: 'talk', talkMs: 1500 } })
    const second = await within(30_000, 'second call.ended', again)
    t.equal(second.answeredBy, operatorId)
    t.equal(second.customerId, first.customerId)
    const s = await lab.story(second.callId)
    t.equal(s.plan.steps[0].kind, 'sticky')
    await noChannelsLeft(t, lab)
  })

  t.test('the caller hanging up while an operator rings stops the ringing at once', async (t) => {
    const lab = await labFor(t, { routing: { ringTimeoutSeconds: 60 } })
    const a = await lab.addOperator('101', { behaviour: { kind: 'no_answer' } })
    const ended = lab.ended()
    const carrier = lab.call({ from: '+79031112233', did: dids.unknown, caller: { kind: 'abandon', ringMs: 2000 } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.status, 'abandoned')
    t.equal(e.hangupBy, 'caller')
    t.same(e.attempts, [{ operatorId: a, result: 'cancelled' }])
    const callerExit = await within(15_000, 'carrier exit', carrier.exited)
    t.equal(callerExit.code, 0, 'the carrier CANCEL got 200 and 487')
    const phoneExit = await within(15_000, 'phone exit', lab.phone('101')!.exited)
    t.equal(phoneExit.code, 0, 'the phone got CANCEL')
    t.ok(phoneExit.atMs - callerExit.atMs < 3000, `the phone stopped ringing ${phoneExit.atMs - callerExit.atMs} ms after the caller left, not at the 60 s ring timeout`)
    await noChannelsLeft(t, lab)
    t.equal(lab.daemon.board.view(a)?.state, 'available', 'operator not left ringing')
  })

  t.test('a call nobody answers is written as missed with its attempts', async (t) => {
    const lab = await labFor(t)
    await lab.addOperator('101', { behaviour: { kind: 'no_answer' } })
    // 104's contact points at a port no test ever listens on: the INVITE is never answered.
    // (Asterisk retransmits that INVITE for ~32 s, with its CANCEL held back until a 1xx comes:
    // a phone that starts listening there meanwhile gets a stale INVITE and an instant CANCEL.)
    await lab.addOperator('104')
    const ended = lab.ended()
    const carrier = lab.call({ from: '+79031112233', did: dids.unknown, caller: { kind: 'wait_for_refusal' } })
    const e = await within(40_000, 'call.ended', ended)
    t.equal(e.status, 'missed')
    t.equal(e.hangupBy, 'system')
    t.equal(e.attempts.length, 2)
    t.ok(e.attempts.every((x) => x.result !== 'answered'), 'no attempt answered')
    const s = await lab.story(e.callId)
    t.equal(s.call.endReason, 'nobody answered')
    t.comment(`attempts: ${s.attempts.map((x: any) => `${x.endpoint} ${x.result} cause ${x.cause} ${x.causeText}`).join('; ')}`)
    await sippOk(t, carrier, 'the carrier got a final refusal for its INVITE')
    await noChannelsLeft(t, lab)
  })

  t.test('an operator hanging up first ends the call for the caller too', async (t) => {
    const lab = await labFor(t)
    await lab.addOperator('101', { behaviour: { kind: 'answer_then_hang_up', talkMs: 2000 } })
    const ended = lab.ended()
    const carrier = lab.call({ from: '+79031112233', did: dids.unknown, caller: { kind: 'wait_for_bye' } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.status, 'answered')
    t.equal(e.hangupBy, 'operator')
    await sippOk(t, carrier, 'the caller got a BYE from Asterisk')
    await sippOk(t, lab.phone('101')!, 'the phone\'s BYE got 200 OK')
    await noChannelsLeft(t, lab)
  })

  t.test('unknown DID and garbage caller id: the call is still routed, with warnings', async (t) => {
    const lab = await labFor(t)
    await lab.addOperator('101', { behaviour: { kind: 'answer', afterMs: 500 } })
    const ended = lab.ended()
    lab.call({ from: 'not-a-number', did: dids.unknown, caller: { kind: 'talk', talkMs: 1500 } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.status, 'answered')
    t.equal(e.customerId, null)
    t.equal(e.callerPhone, null)
    t.equal(e.callerRaw, 'not-a-number')
    const s = await lab.story(e.callId)
    t.match(s.call.warnings.join('\n'), new RegExp(`unknown DID "${dids.unknown}"`))
    t.match(s.call.warnings.join('\n'), /caller id "not-a-number"/)
    t.equal(s.trackingNumber, null)
    await noChannelsLeft(t, lab)
  })

  t.test('paused and unregistered operators are skipped with the reason in the plan', async (t) => {
    const lab = await labFor(t)
    const paused = await lab.addOperator('101')
    const away = await lab.addOperator(settings.awayEndpoint)
    const free = await lab.addOperator('103', { behaviour: { kind: 'answer', afterMs: 500 } })
    await lab.pause(paused)
    await until(`AMI to report PJSIP/${settings.awayEndpoint} unavailable`, () => lab.daemon.board.view(away)?.state === 'unregistered')
    t.equal(lab.daemon.board.view(free)?.state, 'available', 'a static contact counts as registered')
    const ended = lab.ended()
    lab.call({ from: '+79031112233', did: dids.unknown, caller: { kind: 'talk', talkMs: 1500 } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.answeredBy, free)
    const s = await lab.story(e.callId)
    const reasonOf = (id: string): string => s.plan.skipped.find((x: any) => x.operatorIds.includes(id))?.reason
    t.match(reasonOf(paused), /paused/)
    t.match(reasonOf(away), /not registered|unavailable/)
    t.equal(reasonOf(free), undefined)
    await noChannelsLeft(t, lab)
  })

  t.test('an operator whose endpoint Asterisk cannot dial is an unreachable attempt, and the next is tried', async (t) => {
    const lab = await labFor(t)
    // No such endpoint in pjsip.conf: Asterisk refuses the originate.
    const ghost = await lab.addOperator('rl-it-no-such-endpoint')
    const real = await lab.addOperator('101', { behaviour: { kind: 'answer', afterMs: 500 } })
    const ended = lab.ended()
    lab.call({ from: '+79031112233', did: dids.unknown, caller: { kind: 'talk', talkMs: 1500 } })
    const e = await within(30_000, 'call.ended', ended)
    t.equal(e.answeredBy, real)
    const s = await lab.story(e.callId)
    t.match(s.attempts.find((x: any) => x.operatorId === ghost), { result: 'unreachable' })
    await noChannelsLeft(t, lab)
  })
}
