// The console's wallboard: the live feed of operators, waiting callers and alerts, with today's
// figures kept in memory by the events (the database is read at start and at each midnight).
import type { Bus } from '../bus.js'
import type { Clock } from '../clock.js'
import type { Db } from '../db/open.js'
import { boardThresholds } from '../domain/board-grades.js'
import type { Config } from '../config.js'
import type { OperatorView, WaitingCaller } from '../domain/call-events.js'
import { WallboardStatsReader } from '../db/wallboard-stats.js'
import { ConsoleFeed } from './console-feed.js'
import { LiveFigures } from './live-figures.js'

export interface WallboardDeps {
  bus: Bus
  clock: Clock
  db: Db
  /** Every operator now (at start and when the catalog of operators changes). */
  operators: () => OperatorView[]
  /** The callers waiting at start. */
  waiting: () => readonly WaitingCaller[]
  /** The shop's time zone: today's figures start at its midnight. */
  timeZone: string
  /** The service level's seconds and the thresholds that colour the figures. */
  wallboard: Config['wallboard']
  backlog: number
  operatorOfCall: (callId: string) => string | null
}

export function startWallboard (d: WallboardDeps): { feed: ConsoleFeed; figures: LiveFigures; stop: () => void } {
  const figures = new LiveFigures({ bus: d.bus, clock: d.clock, source: new WallboardStatsReader(d.db), timeZone: d.timeZone, serviceLevelMs: d.wallboard.serviceLevelSeconds * 1000, dayTurned: () => { feed.statsChanged() } })
  const feed = new ConsoleFeed({
    bus: d.bus, now: () => d.clock.now(), backlog: d.backlog,
    operators: d.operators,
    waiting: d.waiting,
    operatorOfCall: d.operatorOfCall,
    stats: () => figures.stats(),
    thresholds: boardThresholds(d.wallboard)
  })
  figures.start()
  feed.start()
  return { feed, figures, stop: () => { feed.stop(); figures.stop() } }
}
