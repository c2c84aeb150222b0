import { Type } from '@sinclair/typebox'
import { EpochMs, Name, Nullable } from './common.js'

const Ref = Type.String({ minLength: 1, maxLength: 100 })
const MediaUri = Type.String({
  minLength: 3, maxLength: 200,
  description: 'sound:<name> (built-in: sound:ringlead/…), recording:<name> (the shop\'s own), digits:<n> or number:<n>'
})

export const MenuAction = Type.Union([
  Type.Object({ kind: Type.Literal('route') }, { additionalProperties: false, description: 'the routing policy of the number' }),
  Type.Object({ kind: Type.Literal('category'), categoryId: Ref }, { additionalProperties: false, description: 'route as a call about this category' }),
  Type.Object({ kind: Type.Literal('menu'), menuId: Ref }, { additionalProperties: false, description: 'a sub-menu' }),
  Type.Object({ kind: Type.Literal('operator'), operatorId: Ref }, { additionalProperties: false, description: 'ring this operator first' }),
  Type.Object({ kind: Type.Literal('group'), operatorIds: Type.Array(Ref, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false, description: 'ring these operators at once' }),
  Type.Object({ kind: Type.Literal('callback') }, { additionalProperties: false, description: 'take a callback request and hang up' })
])

export const MenuParams = Type.Object({ menuId: Type.String({ minLength: 1, maxLength: 64 }) })

export const MenuBody = Type.Object({
  name: Name,
  greeting: Type.Optional(Type.Array(MediaUri, { maxItems: 20, description: 'played once on entry; default none' })),
  prompt: Type.Optional(Type.Array(MediaUri, { maxItems: 20, description: 'the choices, played on entry and on every repeat' })),
  options: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9*#]$' }), MenuAction, { description: 'key → action' })),
  timeoutSeconds: Type.Optional(Type.Number({ minimum: 0.1, maximum: 60, description: 'wait for a key after the prompt; default 5' })),
  repeats: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'prompts again after silence or a wrong key; default 2' })),
  defaultAction: MenuAction,
  afterHours: Type.Optional(Nullable(MenuAction)),
  isDefault: Type.Optional(Type.Boolean({ description: 'the menu of every number that names none' }))
}, { additionalProperties: false })

export const MenuView = Type.Object({
  menuId: Type.String(),
  name: Type.String(),
  greeting: Type.Array(Type.String()),
  prompt: Type.Array(Type.String()),
  options: Type.Record(Type.String(), MenuAction),
  timeoutSeconds: Type.Number(),
  repeats: Type.Integer(),
  defaultAction: MenuAction,
  afterHours: Nullable(MenuAction),
  isDefault: Type.Boolean(),
  updatedAt: EpochMs
})

export const MenuList = Type.Object({ menus: Type.Array(MenuView) })
