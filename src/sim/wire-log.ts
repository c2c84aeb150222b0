// Everything the ARI side of the simulator put on the wire, kept for the conformance test.

export interface WireResponse {
  kind: 'response'
  method: string
  /** The declared path template, e.g. /channels/{channelId}; null when no declared API matched. */
  pathTemplate: string | null
  /** The Swagger operation nickname, e.g. originate; null for 404/405/401. */
  nickname: string | null
  /** The resource (api-docs file) the operation belongs to, e.g. channels. */
  resource: string | null
  status: number
  body: unknown
}

export interface WireEvent {
  kind: 'event'
  application: string
  body: Record<string, unknown>
}

export type WireEntry = WireResponse | WireEvent

export class WireLog {
  readonly entries: WireEntry[] = []
  responses (): WireResponse[] { return this.entries.filter((e): e is WireResponse => e.kind === 'response') }
  events (): WireEvent[] { return this.entries.filter((e): e is WireEvent => e.kind === 'event') }
  add (entry: WireEntry): void { this.entries.push(entry) }
  clear (): void { this.entries.length = 0 }
}
