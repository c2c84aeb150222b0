import { Type } from '@sinclair/typebox'
import { Did, EpochMs, Nullable, RoutingPolicyOverrides, SafeName } from './common.js'

export const DidParams = Type.Object({ did: Did })

/**
 * The source goes into the dialplan (Stasis arguments), so it keeps to the dialplan's alphabet: the
 * pattern refuses control characters and ASCII punctuation other than _ . : @ + / - (the service
 * checks the rest: letters and digits of any script, spaces).
 */
const Source = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[^\\u0000-\\u001f\\u007f!"#$%&\'()*,;<=>?[\\\\\\]^`{|}~]+$',
  hint: 'be letters, digits, spaces and _ . : @ + / - (it goes into the dialplan)',
  description: 'traffic source, e.g. google-ads'
})
const Label = SafeName({ maxLength: 200 })
/** Any text here; an unknown category is answered with 400 naming it. */
const CategoryRef = Type.String({ minLength: 1, maxLength: 100 })
/** The voice menu callers on this number hear; an unknown one is answered with 400 naming it. */
const MenuRef = Type.String({ minLength: 1, maxLength: 64 })

export const TrackingNumberView = Type.Object({
  did: Type.String(),
  source: Nullable(Type.String()),
  categoryId: Nullable(Type.String()),
  label: Nullable(Type.String()),
  routingPolicy: Nullable(RoutingPolicyOverrides),
  menuId: Nullable(Type.String()),
  createdAt: EpochMs
})

export const TrackingNumberList = Type.Object({ trackingNumbers: Type.Array(TrackingNumberView) })

export const NewTrackingNumberBody = Type.Object({
  did: Did,
  source: Type.Optional(Nullable(Source)),
  categoryId: Type.Optional(Nullable(CategoryRef)),
  label: Type.Optional(Nullable(Label)),
  routingPolicy: Type.Optional(Nullable(RoutingPolicyOverrides)),
  menuId: Type.Optional(Nullable(MenuRef))
}, { additionalProperties: false })

export const TrackingNumberPatchBody = Type.Object({
  source: Type.Optional(Nullable(Source)),
  categoryId: Type.Optional(Nullable(CategoryRef)),
  label: Type.Optional(Nullable(Label)),
  routingPolicy: Type.Optional(Nullable(RoutingPolicyOverrides)),
  menuId: Type.Optional(Nullable(MenuRef))
}, { additionalProperties: false, minProperties: 1 })
