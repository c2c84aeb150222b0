// What the simulated Asterisk is told and tells: its options, calls placed into it and their handles.
import type { Logger } from 'pino'
import type { AmiFields } from './channel-fields.js'
import type { SimChannel } from './model.js'

export interface AriOutEvent { body: Record<string, unknown>; apps: ReadonlySet<string>; allOnly: boolean }

/** Where the world's events go; the ARI WebSocket hub and the AMI server plug in here. */
export interface WorldSinks {
  ari (event: AriOutEvent): void
  ami (event: string, fields: AmiFields): void
  isAppActive (app: string): boolean
}

export interface WorldOptions {
  secondsMs: number
  recordingsDir: string
  asteriskId: string
  stasisApp: string
  sounds?: Record<string, number>
  log?: Logger
}

export interface OriginateParams {
  endpoint?: string
  app?: string
  appArgs?: string
  extension?: string
  callerId?: string
  timeout?: string
  channelId?: string
  variables?: Record<string, string>
}

export interface InboundCall {
  from: string
  callerName?: string
  did: string
  hangupAfterMs?: number
  dtmf?: Array<{ digit: string; afterMs: number }>
}

/** A call an operator dials on the phone itself, through the dialplan to the trunk (not through ringlead). */
export interface DirectDial {
  /** The customer answers after this long; unset = nobody answers and the operator gives up. */
  answerAfterMs?: number
  /** Talk time once answered (default 2 simulated seconds). */
  talkMs?: number
  /** Who hangs up after talking (default the customer). */
  hangupBy?: 'operator' | 'customer'
  /** The number is busy: 486 from the trunk after a moment. */
  busy?: boolean
  /** Unanswered: the operator hangs up after this long (default 3 simulated seconds). */
  giveUpAfterMs?: number
}

export interface DirectDialHandle { channelId: string; ended: Promise<void> }

export interface InboundHandle { channelId: string; ended: Promise<{ cause: number; declined: boolean }> }


/** Outcome hooks for a dial, shared by ARI originate and AMI Originate. */
export interface DialHooks {
  answered (ch: SimChannel): void
  failed (ch: SimChannel, reason: 'busy' | 'noanswer' | 'unreachable'): void
}

export const TIMER_B_SECONDS = 32
export const DTMF_DURATION_MS = 280
