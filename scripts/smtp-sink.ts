// A local SMTP server that accepts any message and prints it: for trying digests without a real
// mail server. `node --import tsx scripts/smtp-sink.ts [port]` (default 2525), then run the daemon
// with RINGLEAD_SMTP_HOST=127.0.0.1 RINGLEAD_SMTP_PORT=2525. Any user name and password are accepted.
import { SMTPServer } from 'smtp-server'

const port = Number(process.argv[2] ?? 2525)
const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  onAuth: (auth, _session, done) => { done(null, { user: auth.username }) },
  onData (stream, session, done) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      console.log(`--- to ${session.envelope.rcptTo.map((r) => r.address).join(', ')}\n${Buffer.concat(chunks).toString('utf8')}`)
      done()
    })
  }
})
server.listen(port, '127.0.0.1', () => { console.log(`SMTP sink on 127.0.0.1:${port}`) })
