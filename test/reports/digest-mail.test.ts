// Digests over a real SMTP server on loopback (smtp-server): who gets what, with auth, and what a
// failed send does.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { SMTPServer } from 'smtp-server'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { callAttempts, calls } from '../../src/db/schema.js'
import { digestExpressions } from '../../src/jobs/digests.js'
import { smtpMailer } from '../../src/notify/mailer.js'
import { DigestSender } from '../../src/reports/digest-sender.js'
import { parseRecipients } from '../../src/reports/recipients.js'
import { ReportService, reportSettingsFrom } from '../../src/reports/report-service.js'
import { anaId, leadsTestApp, t0 } from '../http/leads-helpers.js'

interface Received { from: string; to: string[]; raw: string }

/** Headers and a quoted-printable or base64 body, decoded enough to read. */
function decode (raw: string): { subject: string; body: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/)
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const subjectRaw = /^Subject: (.*)$/mi.exec(unfolded)?.[1] ?? ''
  const subject = subjectRaw.replace(/=\?utf-8\?([QB])\?(.*?)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
  let body = rest.join('\n\n')
  if (/Content-Transfer-Encoding: quoted-printable/i.test(raw)) {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
  } else if (/Content-Transfer-Encoding: base64/i.test(raw)) {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  }
  return { subject, body }
}

async function smtp (password: string): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth (auth, _session, done) {
      if (auth.username === 'ringlead' && auth.password === password) return done(null, { user: 'ringlead' })
      return done(new Error('bad credentials'))
    },
    onData (stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') })
        done()
      })
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

t.test('each recipient gets the digest of their role over SMTP with auth; a refused login is logged without the password', async (t) => {
  const server = await smtp('s3cret-pass')
  t.teardown(server.close)
  const w = await leadsTestApp({ leads: { timeZone: 'UTC' } })
  t.teardown(() => w.close())
  w.db.insert(calls).values({ callId: 'c1', direction: 'inbound', status: 'answered', channelId: 'ch1', callerRaw: '1', did: '2', answeredBy: anaId, startedAt: t0, talkMs: 1000 }).run()
  w.db.insert(callAttempts).values({ attemptId: 'a1', callId: 'c1', stepIndex: 0, stepKind: 'any', operatorId: anaId, endpoint: 'PJSIP/101', startedAt: t0, result: 'answered', ringMs: 7000 }).run()
  const lead = w.leads.intake({ channel: 'api', phone: '+79990000001', ownerId: anaId }, 'test').lead.leadId
  w.leads.changeStatus(lead, 'deal', { actor: 'test', dealAmount: 123_456 })

  const config = loadConfig({}, {
    leads: { timeZone: 'UTC' },
    console: { defaultLanguage: 'en' },
    reports: { digestRecipients: 'boss@shop.example:supervisor, ana@shop.example:operator:op_ana' },
    smtp: { host: '127.0.0.1', port: server.port, user: 'ringlead', password: 's3cret-pass', from: 'ringlead <reports@shop.example>' }
  })
  const reports = new ReportService(w.db, reportSettingsFrom(config))
  const logLines: string[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => { logLines.push(line) } })
  const mailer = smtpMailer(config.smtp)
  t.teardown(() => mailer.close())
  const run = await new DigestSender({ reports, mailer, log }).run(t0 + 60_000)
  t.same(run, { sent: ['boss@shop.example', 'ana@shop.example'], failed: [] })
  t.equal(server.received.length, 2)

  const boss = server.received.find((m) => m.to.includes('boss@shop.example'))!
  t.equal(boss.from, 'reports@shop.example')
  const bossMail = decode(boss.raw)
  t.match(bossMail.subject, 'ringlead 14.11.2023 22:14: 1 offered, 0% missed, 1 deals, RUB\u00a01,234.56')
  t.match(bossMail.body, /Team numbers today/)
  t.match(bossMail.body, /RUB\u00a01,234\.56/)
  t.match(bossMail.body, />7 s</, 'average answer time')

  const ana = decode(server.received.find((m) => m.to.includes('ana@shop.example'))!.raw)
  t.match(ana.subject, 'you answered 1, missed 0, deals 1')
  t.match(ana.body, /Leaderboard/)

  // Wrong password: the send fails, is logged, and the password is nowhere in the log.
  const badMailer = smtpMailer({ ...config.smtp, password: 'wrong-pass-xyz' })
  t.teardown(() => badMailer.close())
  const failed = await new DigestSender({ reports, mailer: badMailer, log }).run(t0 + 120_000)
  t.same(failed, { sent: [], failed: ['boss@shop.example', 'ana@shop.example'] })
  t.equal(server.received.length, 2, 'nothing more arrived')
  t.ok(logLines.some((l) => l.includes('digest not sent')), 'the failure is logged')
  t.notOk(logLines.some((l) => l.includes('wrong-pass-xyz') || l.includes('s3cret-pass')), 'no password in the log')
})

t.test('recipients and schedules are checked at start, naming the bad entry', async (t) => {
  t.same(parseRecipients('a@b.ru:supervisor,c@d.ru:operator:op_c').recipients, [
    { email: 'a@b.ru', role: 'supervisor', operatorId: null }, { email: 'c@d.ru', role: 'operator', operatorId: 'op_c' }
  ])
  t.match(parseRecipients('a@b.ru:boss').problems, [/role must be one of/])
  t.match(parseRecipients('c@d.ru:operator').problems, [/needs their operator id/])
  t.match(parseRecipients('nobody:admin').problems, [/not an e-mail address/])
  t.same(digestExpressions('0 10 * * *; 0 14 * * *;0 18 * * *'), ['0 10 * * *', '0 14 * * *', '0 18 * * *'])
  t.throws(() => digestExpressions('0 10 * * *;at ten'), /"at ten" is not a cron expression/)
  t.throws(() => reportSettingsFrom(loadConfig({ RINGLEAD_REPORTS_MOTIVATION_TIERS: 'lots' })), /RINGLEAD_REPORTS_MOTIVATION_TIERS/)
})
