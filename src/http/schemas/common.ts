// Schemas shared by several resources. `hint` is what the value "must" do, for error messages.
import { Type, type TSchema } from '@sinclair/typebox'
import { unsafeNameChars, unsafeNameHint } from '../../domain/text.js'
import { categoryIdPattern, didPattern, endpointPattern, maxSkillLevel, minSkillLevel, mobilePattern } from '../../catalog/catalog-rules.js'

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'stable code, e.g. INVALID_INPUT, NOT_FOUND' }),
  message: Type.String()
})

/** Errors any authenticated route can give. */
export const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody, 500: ErrorBody } as const

export const EpochMs = Type.Integer({ description: 'epoch milliseconds' })

/**
 * Text shown as a name (of a person, operator, category, menu, number, token…): no control
 * characters and no bidirectional overrides, which could hide or reverse what it displays.
 */
export const SafeName = (limits: { minLength?: number; maxLength: number }) =>
  Type.String({ ...limits, pattern: `^[^${unsafeNameChars}]*$`, hint: unsafeNameHint })

export const Name = SafeName({ minLength: 1, maxLength: 200 })
export const OperatorId = Type.String({ minLength: 1, maxLength: 100 })
export const CategoryId = Type.String({ pattern: categoryIdPattern, hint: 'be a slug: lowercase letters, digits, - and _, starting with a letter or digit, at most 64 characters' })
export const Did = Type.String({ pattern: didPattern, hint: 'be digits with an optional leading +, like +74951234567' })
export const Endpoint = Type.String({ pattern: endpointPattern, hint: 'look like PJSIP/101' })
export const Mobile = Type.String({ pattern: mobilePattern, hint: 'be a phone number: digits with an optional leading +' })
export const Role = Type.Union([Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')])
export const SkillLevel = Type.Integer({ minimum: minSkillLevel, maximum: maxSkillLevel })
export const Skills = Type.Record(Type.String({ maxLength: 64 }), SkillLevel, { description: 'categoryId → level (higher is better)', maxProperties: 500 })

/** Per tracking number or category overrides of the routing policy (a partial RoutingPolicy). */
export const RoutingPolicyOverrides = Type.Object({
  ringTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
  stickyDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
  specialistsFirst: Type.Optional(Type.Boolean()),
  anyOperatorStep: Type.Optional(Type.Boolean()),
  ringAllStep: Type.Optional(Type.Boolean()),
  managerLast: Type.Optional(Type.Boolean()),
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  efficiencyWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 10 }))
}, { additionalProperties: false })
