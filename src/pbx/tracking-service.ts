// Dynamic number insertion bound to one store: the pools and the number a visitor is shown. The
// HTTP layer holds this object, never the database; each method is tracking-pools.ts's function
// with the store, ids and the configured hold time filled in.
import type { CatalogContext } from '../catalog/catalog-service.js'
import * as pools from './tracking-pools.js'
import type { NumberForVisitor, PoolInput, PoolView, Utm } from './tracking-pools.js'

type WarnLog = Parameters<typeof pools.numberForVisitor>[0]['log']

export class TrackingService {
  constructor (private readonly ctx: CatalogContext, private readonly defaultHoldMinutes: number) {}

  listPools (nowMs: number, only?: string): PoolView[] { return pools.listPools(this.ctx.db, nowMs, only) }
  putPool (source: string, input: PoolInput): PoolView { return pools.putPool(this.ctx, source, input) }
  /** The number for this visitor; `log` is the request's, so a warning names the request. */
  numberForVisitor (log: WarnLog, req: { source: string; visitor: string; utm: Utm }, nowMs: number): NumberForVisitor {
    return pools.numberForVisitor({ db: this.ctx.db, log, newId: this.ctx.newId, defaultHoldMinutes: this.defaultHoldMinutes }, req, nowMs)
  }
}
