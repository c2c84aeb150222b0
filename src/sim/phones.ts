// The simulator's phones (PJSIP endpoints): registration, how each answers, and the device state
// chan_pjsip aggregates from registration and channels, told over ARI and AMI.
import { ariFail } from './ari-error.js'
import type { AmiFields } from './channel-fields.js'
import type { EmitOptions } from './media-host.js'
import type { SimChannel } from './model.js'

export type PhoneBehaviour =
  /**
   * menuKeys: the person answers voice menus, pressing one of these keys (at random) after each prompt starts.
   * keysOnAnswer: keys pressed the instant the phone is picked up.
   */
  | { kind: 'answer'; afterMs: number; hangupAfterMs?: number; menuKeys?: string; keysOnAnswer?: string }
  | { kind: 'noanswer' }
  | { kind: 'busy'; afterMs?: number }
  | { kind: 'unreachable' }

export type DeviceState = 'NOT_INUSE' | 'INUSE' | 'RINGING' | 'RINGINUSE' | 'UNAVAILABLE' | 'BUSY'

export interface Endpoint { resource: string; registered: boolean; behaviour: PhoneBehaviour; device: DeviceState; contactPort: number }

/** What the phones need of the world: its channels, and its ARI and AMI events. */
export interface PhonesHost {
  readonly secondsMs: number
  /** The live channels of one endpoint, in creation order. */
  channelsOnEndpoint (resource: string): Iterable<SimChannel>
  /** Whether any live channel of the endpoint rings, and whether any is in use. */
  endpointInUse (resource: string): { ringing: boolean; inUse: boolean }
  emit (type: string, fields: Record<string, unknown>, apps: ReadonlySet<string>, opts?: EmitOptions): void
  ami (event: string, fields: AmiFields): void
}

export class Phones {
  private readonly endpoints = new Map<string, Endpoint>()

  constructor (private readonly host: PhonesHost) {
    this.endpoints.set('carrier', { resource: 'carrier', registered: true, behaviour: { kind: 'answer', afterMs: 0 }, device: 'NOT_INUSE', contactPort: 5070 })
  }

  get (resource: string): Endpoint | undefined { return this.endpoints.get(resource) }
  has (resource: string): boolean { return this.endpoints.has(resource) }

  add (resource: string, opts: { registered?: boolean; behaviour?: PhoneBehaviour } = {}): void {
    const registered = opts.registered ?? true
    const port = 5061 + this.endpoints.size
    this.endpoints.set(resource, { resource, registered, behaviour: opts.behaviour ?? { kind: 'answer', afterMs: this.host.secondsMs }, device: registered ? 'NOT_INUSE' : 'UNAVAILABLE', contactPort: port })
  }

  setBehaviour (resource: string, behaviour: PhoneBehaviour): void {
    this.orThrow(resource).behaviour = behaviour
  }

  register (resource: string): void {
    const ep = this.orThrow(resource)
    if (ep.registered) return
    ep.registered = true
    this.amiContactEvents(ep, 'Reachable', 'Created')
    this.host.emit('EndpointStateChange', { endpoint: this.snapshot(ep) }, new Set(), { allOnly: true })
    this.refreshDevice(resource)
  }

  unregister (resource: string): void {
    const ep = this.orThrow(resource)
    if (!ep.registered) return
    ep.registered = false
    this.amiContactEvents(ep, 'Unreachable', 'Removed')
    this.host.emit('EndpointStateChange', { endpoint: this.snapshot(ep) }, new Set(), { allOnly: true })
    this.refreshDevice(resource)
  }

  list (tech?: string): Array<Record<string, unknown>> {
    if (tech !== undefined && tech !== 'PJSIP') throw ariFail(404, `No Endpoints found - invalid tech ${tech}`)
    return [...this.endpoints.values()].reverse().map((ep) => this.snapshot(ep))
  }

  snapshotOf (tech: string, resource: string): Record<string, unknown> {
    const ep = tech === 'PJSIP' ? this.endpoints.get(resource) : undefined
    if (!ep) throw ariFail(404, 'Endpoint not found')
    return this.snapshot(ep)
  }

  contacts (): Array<{ resource: string; uri: string; port: number }> {
    return [...this.endpoints.values()].filter((ep) => ep.registered && ep.resource !== 'carrier')
      .map((ep) => ({ resource: ep.resource, uri: `sip:${ep.resource}@127.0.0.1:${ep.contactPort}`, port: ep.contactPort }))
  }

  deviceStates (): Array<{ device: string; state: DeviceState }> {
    return [...this.endpoints.values()].map((ep) => ({ device: `PJSIP/${ep.resource}`, state: ep.device }))
  }

  private orThrow (resource: string): Endpoint {
    const ep = this.endpoints.get(resource)
    if (!ep) throw new Error(`endpoint PJSIP/${resource} not configured in the simulator`)
    return ep
  }

  private snapshot (ep: Endpoint): Record<string, unknown> {
    const channelIds = [...this.host.channelsOnEndpoint(ep.resource)].map((c) => c.id)
    return { technology: 'PJSIP', resource: ep.resource, state: ep.registered ? 'online' : 'offline', channel_ids: channelIds }
  }

  /** Device state of a phone as chan_pjsip aggregates it from registration and channels. */
  refreshDevice (resource: string): void {
    const ep = this.endpoints.get(resource)
    if (!ep) return
    const { ringing, inUse } = this.host.endpointInUse(resource)
    let next: DeviceState
    if (ringing && inUse) next = 'RINGINUSE'
    else if (inUse) next = 'INUSE'
    else if (ringing) next = 'RINGING'
    else next = ep.registered ? 'NOT_INUSE' : 'UNAVAILABLE'
    if (next === ep.device) return
    ep.device = next
    this.host.ami('DeviceStateChange', [['Device', `PJSIP/${resource}`], ['State', next]])
  }

  private amiContactEvents (ep: Endpoint, peerStatus: string, contactStatus: string): void {
    this.host.ami('PeerStatus', [['ChannelType', 'PJSIP'], ['Peer', `PJSIP/${ep.resource}`], ['PeerStatus', peerStatus]])
    const uri = `sip:${ep.resource}@127.0.0.1:${ep.contactPort}`
    this.host.ami('ContactStatus', [['URI', uri], ['ContactStatus', contactStatus], ['AOR', ep.resource], ['EndpointName', ep.resource], ['RoundtripUsec', '0']])
    if (contactStatus === 'Created') {
      // A fresh registration without qualify is reported NonQualified right after Created.
      this.host.ami('ContactStatus', [['URI', uri], ['ContactStatus', 'NonQualified'], ['AOR', ep.resource], ['EndpointName', ep.resource], ['RoundtripUsec', '0']])
    }
  }
}
