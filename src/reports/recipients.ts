// Who gets digests. Until users with e-mails exist, the config lists them; `recipients()` is the
// one place that changes when they do.
import type { Role } from '../domain/roles.js'

export interface Recipient { email: string; role: Role; operatorId: string | null }

const roles: readonly Role[] = ['operator', 'supervisor', 'admin']
const emailShape = /^[^\s@:,]+@[^\s@:,]+\.[^\s@:,]+$/

/** "boss@shop.ru:supervisor, ann@shop.ru:operator:op_ann" → recipients; problems name the bad entry. */
export function parseRecipients (text: string): { recipients: Recipient[]; problems: string[] } {
  const recipients: Recipient[] = []
  const problems: string[] = []
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [email = '', role = '', operatorId] = entry.split(':')
    if (!emailShape.test(email)) { problems.push(`"${entry}": ${email} is not an e-mail address`); continue }
    if (!roles.includes(role as Role)) { problems.push(`"${entry}": role must be one of ${roles.join(', ')}`); continue }
    if (role === 'operator' && !operatorId) { problems.push(`"${entry}": an operator needs their operator id: email:operator:<operatorId>`); continue }
    recipients.push({ email, role: role as Role, operatorId: operatorId ?? null })
  }
  return { recipients, problems }
}
