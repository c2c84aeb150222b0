// The console's live feed: bus events turned into numbered wallboard events, kept in a bounded log
// so a browser that reconnects with Last-Event-ID gets exactly what it missed. It keeps its own view
// of the operators and the waiting callers, from the events; the board is read only at start and
// when the catalog of operators changes.
import type { Bus, QaAlert as BusQaAlert } from '../bus.js'
import { boardGrades, type BoardGrades, type BoardThresholds } from '../domain/board-grades.js'
import { waitingViews, type OperatorStateChanged, type OperatorView, type QueueChanged, type WaitingCaller, type WaitingView } from '../domain/call-events.js'
import type { Availability } from '../domain/operator-state.js'
import type { TodayStats } from '../domain/today-figures.js'

export interface Alert {
  alertId: number
  kind: 'missed_call' | 'lead_overdue' | 'nobody_free' | 'qa' | 'customer'
  text: string
  atMs: number
  callId?: string | null
  leadId?: string | null
  operatorId?: string | null
}


export type FeedEvent =
  | { id: number; type: 'operator'; data: OperatorView }
  | { id: number; type: 'queue'; data: WaitingView[] }
  | { id: number; type: 'stats'; data: TodayStats }
  /** The figures' colours, after a queue or stats event that changed them. */
  | { id: number; type: 'grades'; data: BoardGrades }
  | { id: number; type: 'alert'; data: Alert }
  /** Only for the consoles of `operatorId`: their phone rings, pop the customer's card. */
  | { id: number; type: 'offered'; data: { callId: string; customerId: string | null; direction: string }; operatorId: string }

export type FeedEventBody = FeedEvent extends infer E ? E extends FeedEvent ? Omit<E, 'id'> : never : never

export interface Snapshot { lastEventId: number; serverNowMs: number; operators: OperatorView[]; waiting: WaitingView[]; stats: TodayStats; grades: BoardGrades; alerts: Alert[] }

export interface ConsoleFeedDeps {
  bus: Bus
  /** Every operator now: read at start and when operators are added, changed or removed. */
  operators: () => OperatorView[]
  /** The callers waiting at start; queue.changed tells the rest. */
  waiting: () => readonly WaitingCaller[]
  stats: () => TodayStats
  /** What colours the figures: the feed grades them, browsers only show the grades. */
  thresholds: BoardThresholds
  now: () => number
  /** Events kept for reconnecting clients. */
  backlog: number
  /** Who answered a call, so a QA alert reaches that operator's supervisor view with their name. */
  operatorOfCall?: (callId: string) => string | null
}

/**
 * An operator's view as the feed keeps and sends it, every key spelled out: a spread of the last view
 * with changed keys took a new hidden class for every change (V8 11; test/notify/hidden-classes.test.ts).
 */
function feedView (v: OperatorView, state: Availability, reason: string, sinceMs: number, pausedReason: string | null): OperatorView {
  return { operatorId: v.operatorId, name: v.name, endpoint: v.endpoint, state, reason, sinceMs, pausedReason, skills: v.skills ?? [] }
}

/** Who watches a wallboard. */
export interface FeedViewer { role: 'operator' | 'supervisor' | 'admin'; operatorId: string | null }

/**
 * Whether a viewer's wallboard shows an event. The team's state (operators, queue, stats, missed
 * calls, nobody free) is for everyone; the card pop-up only for the operator whose phone rings; an
 * alert about one operator's lead or call (its customer's name, words from the call) only for that
 * operator and supervisors: an operator sees only their own leads and calls.
 */
export function isVisibleTo (e: FeedEvent, viewer: FeedViewer): boolean {
  if (e.type === 'offered') return e.operatorId === viewer.operatorId
  if (e.type === 'alert') return isAlertVisibleTo(e.data, viewer)
  return true
}

function isAlertVisibleTo (a: Alert, viewer: FeedViewer): boolean {
  if (viewer.role !== 'operator' || (a.kind !== 'lead_overdue' && a.kind !== 'qa' && a.kind !== 'customer')) return true
  return viewer.operatorId !== null && a.operatorId === viewer.operatorId
}

/** The snapshot as this viewer may see it. */
export function snapshotFor (snap: Snapshot, viewer: FeedViewer): Snapshot {
  return { ...snap, alerts: snap.alerts.filter((a) => isAlertVisibleTo(a, viewer)) }
}

const keptAlerts = 30
/** "Nobody free" comes and goes with every call at a busy hour: say it at most this often. */
const nobodyFreeEveryMs = 5 * 60_000

export class ConsoleFeed {
  private readonly log: FeedEvent[] = []
  private nextId = 1
  private readonly listeners = new Set<(e: FeedEvent) => void>()
  private readonly alerts: Alert[] = []
  private statsDue = false
  private nobodyFree = false
  private nobodyFreeAlertAt = -Infinity
  /** Last state sent per operator, and how many are free or have a phone: "nobody free" without a pass over the board. */
  private readonly sent = new Map<string, string>()
  private availableCount = 0
  private registeredCount = 0
  private readonly off: Array<() => void> = []
  private stopped = false
  /** The feed's own view, kept by the events. */
  private readonly views = new Map<string, OperatorView>()
  private line: readonly WaitingCaller[] = []
  /** The last stats and grades sent: grades go out again only when they change. */
  private lastStats: TodayStats | null = null
  private sentGrades = ''

  constructor (private readonly deps: ConsoleFeedDeps) {}

  start (): void {
    const { bus } = this.deps
    const on = <K extends Parameters<Bus['on']>[0]>(name: K, fn: (...args: never[]) => void): void => {
      bus.on(name, fn as never)
      this.off.push(() => { bus.off(name, fn as never) })
    }
    on('operator.state', (e: OperatorStateChanged) => { this.operatorChanged(e) })
    // Operators added, changed or removed: the one time the whole board is compared.
    on('catalog.changed', (e: { what: string }) => { if (e.what === 'operators') this.resyncOperators() })
    on('queue.changed', (e: QueueChanged) => { this.queueChanged(e.callers) })
    // Who is rung for a waiting caller shows in the next snapshot; wallboards hear of joins and leaves.
    on('queue.ringing', (e: { callId: string; operatorId: string | null }) => {
      this.line = this.line.map((c) => (c.callId === e.callId ? { ...c, ringingOperatorId: e.operatorId } : c))
    })
    on('call.offered', (e: { callId: string; operatorId: string; customerId: string | null; direction: string }) => {
      this.push({ type: 'offered', operatorId: e.operatorId, data: { callId: e.callId, customerId: e.customerId, direction: e.direction } })
    })
    on('call.ended', (e: { callId: string; status: string; direction: string; callerPhone: string | null; endedAt: number }) => {
      if (e.direction === 'inbound' && (e.status === 'missed' || e.status === 'abandoned')) {
        this.alert({ kind: 'missed_call', text: e.callerPhone ?? 'anonymous', callId: e.callId, atMs: e.endedAt })
      }
      this.statsLater()
    })
    for (const name of ['lead.created', 'lead.status_changed', 'disposition.recorded', 'lead.updated'] as const) on(name, () => { this.statsLater() })
    on('lead.escalated', (e: { leadId: string; lead: Record<string, unknown>; atMs: number }) => {
      this.alert({ kind: 'lead_overdue', text: String(e.lead.name ?? e.lead.phone ?? e.leadId), leadId: e.leadId, operatorId: (e.lead.ownerId as string | null) ?? null, atMs: e.atMs })
      this.statsLater()
    })
    // The speech checks found profanity or rudeness: the supervisor sees it at once.
    on('call.qa_alert', (e: BusQaAlert) => {
      const first = e.findings[0]
      const said = [first?.title, first?.text ? `«${first.text}»` : null].filter(Boolean).join(': ') || `QA score ${e.score ?? '?'}`
      // A live one: the supervisor can still listen in.
      const text = e.live === true ? `${said} (call in progress)` : said
      this.alert({ kind: 'qa', text, callId: e.callId, operatorId: this.deps.operatorOfCall?.(e.callId) ?? null, atMs: e.atMs })
    })
    // The customer swore or was angry: the supervisor may want to call back or listen.
    on('call.customer_alert', (e: BusQaAlert) => {
      const first = e.findings[0]
      const text = [first?.title, first?.text ? `«${first.text}»` : null].filter(Boolean).join(': ')
      this.alert({ kind: 'customer', text, callId: e.callId, operatorId: this.deps.operatorOfCall?.(e.callId) ?? null, atMs: e.atMs })
    })
    for (const v of this.deps.operators()) {
      this.views.set(v.operatorId, v)
      this.note(v.operatorId, v.state)
    }
    this.line = [...this.deps.waiting()]
    this.lastStats = this.deps.stats()
    this.sentGrades = JSON.stringify(this.grades(this.lastStats))
  }

  stop (): void {
    this.stopped = true
    for (const off of this.off.splice(0)) off()
  }

  /** Everything a wallboard shows now, and the id of the last event it already includes. */
  snapshot (): Snapshot {
    const stats = this.deps.stats()
    return {
      lastEventId: this.nextId - 1,
      serverNowMs: this.deps.now(),
      operators: [...this.views.values()].map((v) => ({ ...v })),
      waiting: this.waiting(),
      stats,
      grades: this.grades(stats),
      alerts: [...this.alerts]
    }
  }

  /** Events after `lastId`; null when some of them have already left the log (the client takes a snapshot). */
  since (lastId: number): FeedEvent[] | null {
    if (lastId >= this.nextId) return null // an id from before a restart
    const first = this.log[0]
    if (lastId === this.nextId - 1) return []
    // The log holds up to twice the backlog (see push); only the backlog is replayed.
    if (first === undefined || Math.max(first.id, this.nextId - this.deps.backlog) > lastId + 1) return null
    return this.log.slice(lastId + 1 - first.id)
  }

  subscribe (listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  get clients (): number { return this.listeners.size }

  /** Raise an alert on every wallboard (also the hook for alerts from other parts). */
  alert (a: Omit<Alert, 'alertId'>): void {
    const alert: Alert = { ...a, alertId: this.nextId }
    this.alerts.unshift(alert)
    this.alerts.length = Math.min(this.alerts.length, keptAlerts)
    this.push({ type: 'alert', data: alert })
  }

  /** Today's figures changed outside a call or lead event (the day turned). */
  statsChanged (): void { this.statsLater() }

  private waiting (): WaitingView[] { return waitingViews(this.line, this.deps.now()) }

  private queueChanged (callers: WaitingCaller[]): void {
    this.line = callers
    this.push({ type: 'queue', data: this.waiting() })
    this.gradesChanged()
    this.checkNobodyFree()
  }

  private grades (stats: TodayStats | null): BoardGrades {
    return boardGrades(this.line, stats?.serviceLevel ?? { pct: null, offered: 0, byCategory: {} }, this.deps.thresholds)
  }

  private gradesChanged (): void {
    const grades = this.grades(this.lastStats)
    const text = JSON.stringify(grades)
    if (text === this.sentGrades) return
    this.sentGrades = text
    this.push({ type: 'grades', data: grades })
  }

  private operatorChanged (e: OperatorStateChanged): void {
    const view = this.views.get(e.operatorId)
    if (view === undefined) return // not yet in the catalog the feed knows: the resync sends it
    const state = e.state as Availability
    const next = feedView(view, state, e.reason, state === view.state ? view.sinceMs : e.atMs, state === 'paused' ? view.pausedReason ?? null : null)
    this.views.set(e.operatorId, next)
    this.sendOperator(next)
  }

  /** `view` is the feed's own, never changed after: a change makes a new one (operatorChanged, resyncOperators). */
  private sendOperator (view: OperatorView): void {
    this.note(view.operatorId, view.state)
    this.push({ type: 'operator', data: view })
    this.checkNobodyFree()
  }

  private resyncOperators (): void {
    const views = this.deps.operators()
    const present = new Set(views.map((v) => v.operatorId))
    for (const operatorId of [...this.sent.keys()]) {
      if (!present.has(operatorId)) { this.note(operatorId, null); this.views.delete(operatorId) }
    }
    for (const given of views) {
      // The feed's own copy: what the board hands out may change under it.
      const v = feedView(given, given.state, given.reason, given.sinceMs, given.pausedReason ?? null)
      const before = this.views.get(v.operatorId)
      this.views.set(v.operatorId, v)
      // A pause's reason may change while the operator stays paused (a second pause with another
      // reason), and skills change the board's view per category: both are sent without a state change.
      const same = this.sent.get(v.operatorId) === v.state && (before?.pausedReason ?? null) === (v.pausedReason ?? null) &&
        (before?.skills ?? []).join(',') === (v.skills ?? []).join(',')
      if (!same) this.sendOperator(v)
    }
  }

  /** Records the state last sent for an operator (null: removed), keeping the counts in step. */
  private note (operatorId: string, state: string | null): void {
    const before = this.sent.get(operatorId)
    if (before === 'available') this.availableCount--
    if (before !== undefined && before !== 'unregistered') this.registeredCount--
    if (state === null) { this.sent.delete(operatorId); return }
    this.sent.set(operatorId, state)
    if (state === 'available') this.availableCount++
    if (state !== 'unregistered') this.registeredCount++
  }

  private checkNobodyFree (): void {
    // Only worth saying while someone waits: "nobody free, 0 waiting" is a quiet moment, not an alert.
    const nobody = this.sent.size > 0 && this.availableCount === 0 && this.registeredCount > 0 && this.line.length > 0
    if (nobody && !this.nobodyFree && this.deps.now() - this.nobodyFreeAlertAt >= nobodyFreeEveryMs) {
      this.nobodyFreeAlertAt = this.deps.now()
      this.alert({ kind: 'nobody_free', text: `${this.line.length}`, atMs: this.nobodyFreeAlertAt })
    }
    this.nobodyFree = nobody
  }

  /** Stats change with every call and lead event; one recount per turn of the event loop is enough. */
  private statsLater (): void {
    if (this.statsDue) return
    this.statsDue = true
    setImmediate(() => {
      this.statsDue = false
      if (this.stopped) return // the database may be closed by now
      this.lastStats = this.deps.stats()
      this.push({ type: 'stats', data: this.lastStats })
      this.gradesChanged()
    })
  }

  private push (body: FeedEventBody): void {
    // The id first: a spread followed by a key it lacks made a new hidden class for every event (V8 11).
    const event = { id: this.nextId++, ...body } as FeedEvent
    this.log.push(event)
    // Trimmed by halves: dropping the oldest at every push moved the whole log (2,000 events) each time.
    if (this.log.length >= 2 * this.deps.backlog) this.log.splice(0, this.log.length - this.deps.backlog)
    for (const listener of this.listeners) listener(event)
  }
}
