// Public intake: the shop's web form and the Telegram Bot API webhook.
import { Type } from '@sinclair/typebox'
import { SafeName } from './common.js'
import { emailPattern } from './leads.js'

const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }))

/**
 * What an HTML form posts (application/x-www-form-urlencoded, values trimmed). Every field may be
 * empty, as browsers send them; other fields (a submit button, a consent box…) are ignored.
 */
export const LeadForm = Type.Object({
  name: Type.Optional(SafeName({ maxLength: 200 })),
  phone: Field(50),
  email: Type.Optional(Type.String({ maxLength: 254, pattern: `^$|${emailPattern}`, hint: 'be an e-mail address like name@example.com' })),
  message: Field(5000),
  source: Field(100),
  category: Field(100),
  utm_source: Field(200),
  utm_medium: Field(200),
  utm_campaign: Field(200),
  utm_term: Field(200),
  utm_content: Field(200),
  /** Where to send the person afterwards: a path, or a URL on the thank-you page's site. */
  redirect: Field(2000),
  /** Honeypot: hidden from people, filled in by bots. */
  website: Type.Optional(Type.String())
}, { additionalProperties: true })

/** The HTML page a person sees when the form is refused. */
export const FormProblemPage = Type.String({ description: 'text/html page naming the field' })

// Telegram's objects carry many more fields than these; the rest are ignored.
const TelegramUser = Type.Object({
  id: Type.Integer(),
  is_bot: Type.Optional(Type.Boolean()),
  first_name: Type.String(),
  last_name: Type.Optional(Type.String()),
  username: Type.Optional(Type.String())
})

const TelegramChat = Type.Object({ id: Type.Integer(), type: Type.String() })

const TelegramContact = Type.Object({
  phone_number: Type.String({ minLength: 1, maxLength: 50 }),
  first_name: Type.String(),
  last_name: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.Integer())
})

const TelegramMessage = Type.Object({
  message_id: Type.Integer(),
  date: Type.Integer(),
  chat: TelegramChat,
  from: Type.Optional(TelegramUser),
  text: Type.Optional(Type.String()),
  caption: Type.Optional(Type.String()),
  contact: Type.Optional(TelegramContact)
})

/** https://core.telegram.org/bots/api#update: only `message` updates make leads. */
export const TelegramUpdate = Type.Object({
  update_id: Type.Integer(),
  message: Type.Optional(TelegramMessage)
})

export const TelegramOutcome = Type.Union([
  Type.Literal('created'), Type.Literal('updated'), Type.Literal('replayed'), Type.Literal('ignored'), Type.Literal('asked_for_contact')
])

/**
 * Telegram reads a webhook answer that names a `method` as a Bot API call: here, asking a customer
 * who wrote without a phone to share it with a one-tap button.
 */
export const TelegramAnswer = Type.Object({
  ok: Type.Literal(true),
  outcome: TelegramOutcome,
  leadId: Type.Union([Type.String(), Type.Null()]),
  method: Type.Optional(Type.Literal('sendMessage')),
  chat_id: Type.Optional(Type.Integer()),
  text: Type.Optional(Type.String()),
  reply_markup: Type.Optional(Type.Object({
    keyboard: Type.Array(Type.Array(Type.Object({ text: Type.String(), request_contact: Type.Boolean() }))),
    one_time_keyboard: Type.Boolean(),
    resize_keyboard: Type.Boolean()
  }))
})
