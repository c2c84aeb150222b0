import { Type } from '@sinclair/typebox'
import { CategoryId, EpochMs, Name, Nullable, RoutingPolicyOverrides } from './common.js'

export const CategoryParams = Type.Object({ categoryId: Type.String({ minLength: 1, maxLength: 100 }) })

export const CategoryView = Type.Object({
  categoryId: Type.String(),
  name: Type.String(),
  routingPolicy: Nullable(RoutingPolicyOverrides),
  createdAt: EpochMs
})

export const CategoryList = Type.Object({ categories: Type.Array(CategoryView) })

export const NewCategoryBody = Type.Object({
  categoryId: CategoryId,
  name: Name,
  routingPolicy: Type.Optional(Nullable(RoutingPolicyOverrides))
}, { additionalProperties: false })

export const CategoryPatchBody = Type.Object({
  name: Type.Optional(Name),
  routingPolicy: Type.Optional(Nullable(RoutingPolicyOverrides))
}, { additionalProperties: false, minProperties: 1 })
