// E-mail over SMTP with nodemailer. Sends what it is given; whom to send to is decided elsewhere.
import nodemailer from 'nodemailer'
import type { Config } from '../config.js'

export interface Mail { to: string; subject: string; html: string }
export interface Mailer {
  send (mail: Mail): Promise<void>
  close (): void
}

export function smtpMailer (smtp: Config['smtp'], timeoutMs = 30_000): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user !== '' ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs
  })
  return {
    async send (mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, html: mail.html })
    },
    close () { transport.close() }
  }
}
