// The catalog service bound to one store: operators, categories and tracking numbers, read and
// written. The HTTP layer holds this object, never the database or the write context; each method
// is the function of catalog-service.ts with its context filled in.
import * as c from './catalog-service.js'
import type { Category, CatalogContext, Operator, TrackingNumber } from './catalog-service.js'

export class Catalog {
  constructor (private readonly ctx: CatalogContext) {}

  // ---- operators ----
  getOperator (operatorId: string): Operator | undefined { return c.getOperator(this.ctx.db, operatorId) }
  listOperators (options: { includeRemoved?: boolean } = {}): Operator[] { return c.listOperators(this.ctx.db, options) }
  createOperator (input: c.NewOperator): Operator { return c.createOperator(this.ctx, input) }
  updateOperator (operatorId: string, changes: c.OperatorChanges): Operator { return c.updateOperator(this.ctx, operatorId, changes) }
  replaceSkills (operatorId: string, skills: Record<string, number>): Operator { return c.replaceSkills(this.ctx, operatorId, skills) }
  removeOperator (operatorId: string): Operator { return c.removeOperator(this.ctx, operatorId) }
  pauseOperator (operatorId: string, reason: string | null = null): Operator { return c.pauseOperator(this.ctx, operatorId, reason) }
  unpauseOperator (operatorId: string): Operator { return c.unpauseOperator(this.ctx, operatorId) }

  // ---- categories ----
  getCategory (categoryId: string): Category | undefined { return c.getCategory(this.ctx.db, categoryId) }
  listCategories (): Category[] { return c.listCategories(this.ctx.db) }
  createCategory (input: c.NewCategory): Category { return c.createCategory(this.ctx, input) }
  updateCategory (categoryId: string, changes: c.CategoryChanges): Category { return c.updateCategory(this.ctx, categoryId, changes) }
  deleteCategory (categoryId: string): void { c.deleteCategory(this.ctx, categoryId) }

  // ---- tracking numbers ----
  getTrackingNumber (did: string): TrackingNumber | undefined { return c.getTrackingNumber(this.ctx.db, did) }
  listTrackingNumbers (): TrackingNumber[] { return c.listTrackingNumbers(this.ctx.db) }
  createTrackingNumber (input: c.NewTrackingNumber): TrackingNumber { return c.createTrackingNumber(this.ctx, input) }
  updateTrackingNumber (did: string, changes: c.TrackingNumberChanges): TrackingNumber { return c.updateTrackingNumber(this.ctx, did, changes) }
  deleteTrackingNumber (did: string): void { c.deleteTrackingNumber(this.ctx, did) }
}
