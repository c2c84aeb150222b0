// What the routes work with, as typed decorators: `app.services.accounts`, `app.services.catalog`, …
// Services only, each bound to the store by the composition root (app.ts): no database here.
import fp from 'fastify-plugin'
import type { Bus } from '../bus.js'
import type { CallRecords } from '../calls/call-records.js'
import type { CustomerService } from '../customers/customer-service.js'
import type { Config } from '../config.js'
import type { HealthService } from '../health/health-service.js'
import type { Catalog } from '../catalog/catalog.js'
import type { AccountService } from '../accounts/account-service.js'
import type { TrackingService } from '../pbx/tracking-service.js'
import type { TokenAuth } from '../accounts/token-service.js'
import type { StatusMatrix } from '../domain/lead-status.js'
import type { ClickToCallInput } from '../calls/click-to-call.js'
import type { IntakeService } from '../leads/intake-service.js'
import type { LeadService } from '../leads/lead-service.js'
import type { MenuService } from '../catalog/menu-service.js'
import type { WaitingView } from '../calls/call-queue.js'
import type { ListenRequest, ListenStarted } from '../calls/supervision-service.js'
import type { DialplanService } from '../pbx/dialplan-service.js'
import type { SpeechService } from '../speech/speech-service.js'

import type { ReportService } from '../reports/report-service.js'

/** The live wallboard's view of an operator (state from Asterisk and ringlead's own calls). */
export interface OperatorLiveView { state: string; reason: string; sinceMs: number }
export interface Board { view (operatorId: string): OperatorLiveView | undefined }

export interface Services {
  bus: Bus
  config: Config
  now: () => number
  board?: Board
  /** Calls as recorded: pages, stories, queue figures. */
  callRecords: CallRecords
  health: HealthService
  /** Customer cards, lookups, notes and merges. */
  customers: CustomerService
  /** Operators, categories and tracking numbers: reads and writes. */
  catalog: Catalog
  /** API tokens, console users and sessions, golden calls. */
  accounts: AccountService
  /** Tracking pools and the number a site visitor is shown. */
  tracking: TrackingService
  /** The lead lifecycle; lead routes exist only when it is given. */
  leads?: LeadService
  /** Leads from the API, the web form and Telegram; present with `leads`. */
  intake?: IntakeService
  dialplan?: DialplanService
  /** Click-to-call (POST /api/calls/outbound); absent when the app runs without the call center. */
  outbound?: (input: ClickToCallInput) => { callId: string }
  /** Listening in on a call (POST /api/calls/{callId}/listen); absent without the call center. */
  listen?: (req: ListenRequest) => ListenStarted
  /** The status matrix the lead service works with (for the overdue-in-status flag). */
  statusMatrix: StatusMatrix
  menus: MenuService
  /** Callers waiting for a free operator, in serving order; none without a call center. */
  waiting: () => WaitingView[]
  /** Speech; the speech routes answer 404 without it. */
  speech?: SpeechService
  /** The numbers: efficiency table, funnels, motivation, digests. */
  reports: ReportService
}

declare module 'fastify' {
  interface FastifyInstance { services: Services }
  interface FastifyRequest {
    /** Who the bearer token speaks for; set on every authenticated /api route. */
    auth: TokenAuth | null
  }
}

export const services = fp<Services>(async (app, options) => {
  app.decorate('services', options)
}, { name: 'ringlead-services', fastify: '5.x' })
