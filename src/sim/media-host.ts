// What the playback and recording machinery needs from the simulated Asterisk.
import type { Logger } from 'pino'
import type { SimBridge, SimChannel } from './model.js'

export interface EmitOptions {
  /** Only WebSockets opened with subscribeAll=true see it. */
  allOnly?: boolean
}

export interface MediaHost {
  readonly secondsMs: number
  readonly recordingsDir: string
  readonly log: Logger | undefined
  emit (type: string, fields: Record<string, unknown>, apps: ReadonlySet<string>, opts?: EmitOptions): void
  getChannel (channelId: string): SimChannel | undefined
  getBridge (bridgeId: string): SimBridge | undefined
  /** Called when the mix of a bridge may change technology (recording started or stopped). */
  bridgeChanged (bridgeId: string): void
}
