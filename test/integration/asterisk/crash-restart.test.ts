// kill -9 of the daemon in the middle of a call on a real Asterisk 22, then a restart on the same
// SQLite file. Asterisk keeps the call going (or lets the caller go) while nobody drives it; the
// restarted daemon must finish the interrupted call's story: its call.ended (the CRM's webhook),
// a callback lead for a caller nobody answered, and recordings that do not stay "recording"
// forever. The daemon runs as a child process (src/main.ts). Skipped unless RINGLEAD_IT_ARI_URL is
// set (README.md beside this file).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import type { AriBridge, AriChannel } from './lab.js'
import { labSettings, skipMessage } from './lab-settings.js'

const settings = labSettings()

if (settings === null) {
  t.plan(0, skipMessage)
} else {
  t.setTimeout(15 * 60_000)
  const { checkAsterisk, clearAsterisk, ariRequest, until, within } = await import('./lab.js')
  const { startPhone, placeCall } = await import('./sipp.js')
  type SippRun = Awaited<ReturnType<typeof startPhone>>
  const { labEnv, startDaemonProcess, startWebhookReceiver } = await import('./daemon-process.js')
  type DaemonProcess = ReturnType<typeof startDaemonProcess>
  const { noChannelsLeft, sippOk } = await import('./lab-test.js')
  const dids = settings.dids

  const version = await checkAsterisk(settings)
  t.comment(`real Asterisk ${version} at ${settings.ari.url}`)

  const asterisk = {
    channels: async () => (await ariRequest<AriChannel[]>(settings, 'GET', '/channels')).body,
    bridges: async () => (await ariRequest<AriBridge[]>(settings, 'GET', '/bridges')).body
  }

  /** A scratch dir, a webhook receiver and the env of a daemon on one SQLite file; sipp and daemons stopped at the end. */
  const crashLab = async (t: Test): Promise<{ dir: string; dbPath: string; env: Record<string, string>; hooks: Awaited<ReturnType<typeof startWebhookReceiver>>; track: <T extends SippRun | DaemonProcess>(x: T) => T }> => {
    const leftovers = await clearAsterisk(settings)
    if (leftovers.length > 0) t.comment(`hung up leftovers of an earlier test: ${leftovers.join(', ')}`)
    const dir = mkdtempSync(join(tmpdir(), 'ringlead-it-crash-'))
    const dbPath = join(dir, 'ringlead.db')
    const hooks = await startWebhookReceiver()
    const running: Array<SippRun | DaemonProcess> = []
    t.teardown(async () => {
      const failed = !t.passing()
      if (failed) {
        t.comment(`logs kept in ${dir}`)
        for (const r of running) t.comment('diagnostics' in r ? r.diagnostics() : `daemon output:\n${r.output()}`)
      }
      await Promise.all(running.map((r) => r.stop()))
      await hooks.close()
      if (!failed && !settings.keepLogs) rmSync(dir, { recursive: true, force: true })
    })
    return { dir, dbPath, env: labEnv(settings, dbPath, join(dir, 'recordings'), hooks.url), hooks, track: (x) => { running.push(x); return x } }
  }

  /** A daemon process that is connected to ARI and AMI and sees operator `operatorId` as it should be. */
  const daemonUp = async (d: DaemonProcess): Promise<void> => {
    await d.url
    await until('the daemon connected to ARI and AMI', async () => {
      const h = await d.api('GET', '/api/health')
      return h.ari === 'connected' && h.ami === 'connected'
    }, 30_000)
  }

  /** call.ended rows the daemon queued for the CRM (the durable outbox), for one call. */
  const outboxCallEnded = (dbPath: string, callId: string): number => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true })
    try {
      const rows = db.prepare('SELECT payload FROM outbox WHERE type = ?').all('call.ended') as Array<{ payload: string }>
      return rows.filter((r) => (JSON.parse(r.payload) as { data?: { callId?: string } }).data?.callId === callId).length
    } finally { db.close() }
  }

  t.test('kill -9 mid-conversation: after the restart the call ends with call.ended and its recordings are settled', async (t) => {
    const lab = await crashLab(t)
    const first = lab.track(startDaemonProcess(lab.env))
    await daemonUp(first)
    const op = await first.api('POST', '/api/operators', { name: 'Ana', endpoint: 'PJSIP/101', isManager: false, skills: {} })
    lab.track(await startPhone(settings, lab.dir, '101', { kind: 'answer', afterMs: 500 }))
    await until('Ana available', async () => (await first.api('GET', `/api/operators/${op.operatorId}`)).live?.state === 'available', 15_000)
    // The caller talks 15 s after the answer, then hangs up: long enough for the kill and the restart.
    const carrier = lab.track(placeCall(settings, lab.dir, { from: '+79031112233', did: dids.unknown, caller: { kind: 'talk', talkMs: 15_000 } }, 1))
    let callId = ''
    await until('the call talking and recorded', async () => {
      const call = (await first.api('GET', '/api/calls')).calls[0]
      if (call?.status !== 'talking') return false
      callId = call.callId
      const story = await first.api('GET', `/api/calls/${callId}`)
      return story.recordings.length === 2 && story.recordings.every((r: { status: string }) => r.status === 'recording')
    }, 30_000)

    await first.kill9()
    // (a bridge being recorded may also list its recorder channel)
    t.ok((await asterisk.bridges()).some((b) => b.channels.length >= 2), 'Asterisk keeps the conversation going while ringlead is down')
    const second = lab.track(startDaemonProcess(lab.env))
    await daemonUp(second)
    await within(40_000, 'the caller hanging up', carrier.exited)
    await noChannelsLeft(t, asterisk)

    const story = await second.api('GET', `/api/calls/${callId}`)
    t.ok(story.call.endedAt !== null, `the call is closed (${story.call.status}: ${story.call.endReason})`)
    t.equal(story.answeredBy?.operatorId, op.operatorId, 'it stays answered by Ana')
    await until('call.ended queued for the CRM', () => outboxCallEnded(lab.dbPath, callId) > 0, 60_000)
      .catch(() => { t.fail('no call.ended row in the webhook outbox for the interrupted call') })
    t.ok(outboxCallEnded(lab.dbPath, callId) <= 1, 'at most one call.ended for the call')
    // Events the killed daemon had claimed wait for their lease (a few seconds here) and hold back the rest.
    await until('the call.ended webhook delivered', () => lab.hooks.received.some((h) => h.type === 'call.ended' && h.data.callId === callId), 60_000)
      .catch(() => { t.fail(`no call.ended webhook for ${callId}; received: ${lab.hooks.received.map((h) => h.type).join(', ')}`) })
    await until('no recording left "recording"', async () =>
      (await second.api('GET', `/api/calls/${callId}`)).recordings.every((r: { status: string }) => r.status !== 'recording'), 60_000)
      .catch(async () => {
        const recs = (await second.api('GET', `/api/calls/${callId}`)).recordings
        t.fail(`recordings still "recording" after the call ended: ${recs.map((r: { kind: string; status: string }) => `${r.kind} ${r.status}`).join(', ')}`)
      })
    await sippOk(t, carrier, 'the caller talked and hung up with 200 OK')
  })

  t.test('kill -9 while the caller rings: the caller who gave up meanwhile gets call.ended and a callback lead', async (t) => {
    const lab = await crashLab(t)
    const first = lab.track(startDaemonProcess(lab.env))
    await daemonUp(first)
    const op = await first.api('POST', '/api/operators', { name: 'Ana', endpoint: 'PJSIP/101', isManager: false, skills: {} })
    const phone = lab.track(await startPhone(settings, lab.dir, '101', { kind: 'no_answer' }))
    await until('Ana available', async () => (await first.api('GET', `/api/operators/${op.operatorId}`)).live?.state === 'available', 15_000)
    const caller = '+79035550001'
    // The caller gives up (CANCEL) 8 s after the first ringback, while ringlead is down.
    const carrier = lab.track(placeCall(settings, lab.dir, { from: caller, did: dids.unknown, caller: { kind: 'abandon', ringMs: 8000 } }, 1))
    let callId = ''
    await until('Ana\'s phone ringing for the call', async () => {
      const call = (await first.api('GET', '/api/calls')).calls[0]
      if (call?.status !== 'ringing') return false
      callId = call.callId
      return (await first.api('GET', `/api/calls/${callId}`)).attempts.some((a: { result: string }) => a.result === 'ringing')
    }, 30_000)
    await first.kill9()
    const stillRinging = await Promise.race([carrier.exited.then(() => false), new Promise<boolean>((resolve) => setImmediate(() => { resolve(true) }))])
    t.ok(stillRinging, 'the daemon died before the caller gave up')
    await within(30_000, 'the caller giving up', carrier.exited)
    // ringlead's own legs are named rl-…; the caller's channel has Asterisk's id.
    await until('the caller\'s channel gone from Asterisk', async () => (await asterisk.channels()).every((c) => c.id.startsWith('rl-')))

    const second = lab.track(startDaemonProcess(lab.env))
    await daemonUp(second)
    // Crash recovery runs once the restarted daemon reaches Asterisk: wait for it, not for the start.
    await until('crash recovery closed the call', async () => (await second.api('GET', `/api/calls/${callId}`)).call.endedAt !== null, 60_000)
      .catch(() => undefined)
    const story = await second.api('GET', `/api/calls/${callId}`)
    t.ok(story.call.endedAt !== null, `the call is closed (${story.call.status}: ${story.call.endReason})`)
    t.notOk(story.attempts.some((a: { result: string }) => a.result === 'ringing'), 'no attempt left ringing')
    await until('call.ended queued for the CRM', () => outboxCallEnded(lab.dbPath, callId) > 0, 60_000)
      .catch(() => { t.fail('no call.ended row in the webhook outbox for the interrupted call') })
    await until('a callback lead for the caller', async () => (await second.api('GET', '/api/leads')).leads.some((l: { phone: string }) => l.phone === caller), 60_000)
      .catch(async () => { t.fail(`no lead for ${caller}; leads: ${JSON.stringify((await second.api('GET', '/api/leads')).leads.map((l: { phone: string; channel: string }) => [l.phone, l.channel]))}`) })
    const lead = (await second.api('GET', '/api/leads')).leads.find((l: { phone: string }) => l.phone === caller)
    if (lead) t.match(lead, { channel: 'call', callId, status: 'new' }, 'the lead is the missed call, to be called back')
    await sippOk(t, carrier, 'the caller\'s CANCEL got 200 and 487')
    await within(30_000, 'the phone to stop ringing', phone.exited)
    await noChannelsLeft(t, asterisk)
  })
}
