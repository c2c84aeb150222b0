// AMI over TCP (ami-socket.ts): device and contact states of operators' phones, and commands.
// Reconnects with backoff by itself; translates, never decides.
import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import { systemClock, type CancelTimer, type Clock } from '../clock.js'
import { AMI_READ_EVENTS } from '../domain/ami-events.js'
import type { DeviceState } from '../domain/operator-state.js'
import { AsteriskCommandFailed, AsteriskCommandTimedOut, AsteriskConnectTimedOut } from './errors.js'
import { AmiSocket, type AmiMessage } from './ami-socket.js'
import { LinkHealth, type LinkStatus } from './link-health.js'

export interface AmiLinkOptions {
  host: string; port: number; user: string; secret: string
  log: Logger
  reconnectMinMs?: number; reconnectMaxMs?: number
  /** Deadline of one action (default 10 s). */
  actionTimeoutMs?: number
  /** Deadline of connecting and logging in (default 10 s): a server that accepts TCP and says nothing is given up on. */
  connectTimeoutMs?: number
  clock?: Clock
}

interface AmiLinkEvents {
  /** Device is a dial string such as PJSIP/101. */
  device: [{ device: string; state: DeviceState }]
  /** Endpoint is a dial string such as PJSIP/101; registered false = no contact. */
  contact: [{ endpoint: string; registered: boolean; status: string }]
  /** A Dial() began: `uniqueid`/`channel` is the dialling side (empty for originates), `dest*` the side dialled. */
  dialBegin: [DialBegin]
  /** A Dial() ended with DialStatus (ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL…). */
  dialEnd: [{ uniqueid: string; destUniqueid: string; dialStatus: string }]
  /** A channel is gone. */
  hangup: [{ uniqueid: string; linkedid: string; channel: string; cause: number | null; causeText: string }]
  connected: [{ reconnect: boolean }]
  disconnected: [{ reason: string }]
  event: [AmiMessage]
}

export interface DialBegin {
  uniqueid: string; linkedid: string; channel: string
  /** The dialling channel's extension: for a phone's own call, the number it dialled. */
  exten: string
  destUniqueid: string; destLinkedid: string; destChannel: string
  dialString: string
}

const deviceStates = new Set(['UNKNOWN', 'NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'])
const str = (v: AmiMessage[string]): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.join('\n') : '')
const isError = (res: AmiMessage): boolean => str(res.response).toLowerCase() === 'error'

/** ContactStatus values that mean the phone can be reached. */
function isRegistered (status: string): boolean {
  return ['reachable', 'created', 'nonqualified', 'updated'].includes(status.toLowerCase())
}

/**
 * The only unsolicited events ringlead reads. A session's whitelist filter (the Filter action, a
 * POSIX regex on the event's text) keeps the rest of the call class off the socket: Newchannel,
 * Newstate, Bridge*, NewConnectedLine… about two dozen per call, each parsed for nothing. Answers to
 * actions (DeviceStateList, PJSIPShowContacts) are not filtered.
 */
export const READ_EVENTS_FILTER = `^Event: (${AMI_READ_EVENTS.join('|')})[[:space:]]`

export class AmiLink extends EventEmitter<AmiLinkEvents> {
  private manager: AmiSocket | null = null
  private up = false
  private stopped = false
  private everConnected = false
  private cancelRetry: CancelTimer | null = null
  private delayMs: number
  private readonly log: Logger
  private readonly clock: Clock
  private readonly health: LinkHealth
  private actionSeq = 0
  private refreshing: Promise<void> | null = null
  private refreshAgain: Promise<void> | null = null
  private refreshLater: Promise<void> | null = null
  private cancelRefreshLater: (() => void) | null = null

  constructor (private readonly opts: AmiLinkOptions) {
    super()
    this.log = opts.log.child({ part: 'ami' })
    this.delayMs = opts.reconnectMinMs ?? 500
    this.clock = opts.clock ?? systemClock
    this.health = new LinkHealth(this.clock)
  }

  get connected (): boolean { return this.up }

  /** Whether the link is up and, when not, why and when it tries again. */
  status (): LinkStatus { return this.health.view() }

  start (): Promise<void> {
    this.stopped = false
    return new Promise((resolve) => {
      this.once('connected', () => { resolve() })
      this.connect()
    })
  }

  stop (): void {
    this.stopped = true
    this.cancelRetry?.()
    this.cancelRefreshLater?.()
    this.cancelRefreshLater = null
    this.health.stopped()
    const m = this.manager
    this.manager = null
    this.up = false
    if (m) {
      m.removeAllListeners('close')
      m.close()
    }
  }

  private connect (): void {
    if (this.stopped) return
    const m = new AmiSocket()
    this.manager = m
    this.health.connecting()
    let settled = false
    const connectTimeoutMs = this.opts.connectTimeoutMs ?? 10_000
    const cancelDeadline = this.clock.setTimeout(() => { fail(new AsteriskConnectTimedOut('AMI connect and login', connectTimeoutMs).message) }, connectTimeoutMs)
    const fail = (reason: string): void => {
      if (settled) return
      settled = true
      cancelDeadline()
      const wasUp = this.up
      this.up = false
      if (wasUp) this.emit('disconnected', { reason })
      m.removeAllListeners('close')
      m.close()
      if (this.stopped) return
      const retryInMs = this.delayMs
      this.health.failed(reason, retryInMs)
      this.log.warn({ reason, retryInMs }, 'AMI not connected')
      this.cancelRetry = this.clock.setTimeout(() => { this.connect() }, retryInMs)
      this.delayMs = Math.min(this.delayMs * 2, this.opts.reconnectMaxMs ?? 15_000)
    }
    m.on('error', (err: Error) => { fail(err.message) })
    m.on('close', () => { fail('connection closed') })
    m.on('event', (e) => { this.onEvent(e) })
    m.connect(this.opts.port, this.opts.host, (err) => {
      if (err) return fail(err.message)
      m.send({ action: 'Login', username: this.opts.user, secret: this.opts.secret, actionid: 'rl-login' }).then((res) => {
        if (isError(res)) return fail(`login refused: ${str(res.message) || 'no reason given'}`)
        if (settled) return // the deadline gave up on this connection
        cancelDeadline()
        this.up = true
        this.health.connected()
        this.delayMs = this.opts.reconnectMinMs ?? 500
        const reconnect = this.everConnected
        this.everConnected = true
        this.log.info({ reconnect }, 'AMI connected')
        this.emit('connected', { reconnect })
        void this.refreshStates().catch((e: Error) => { this.log.warn({ err: e.message }, 'AMI state refresh failed') })
        void this.action({ action: 'Filter', operation: 'Add', filter: READ_EVENTS_FILTER })
          .catch((e: Error) => { this.log.info({ err: e.message }, 'AMI event filter not set: every event is received') })
      }, (e: Error) => { fail(e.message) })
    })
  }

  private onEvent (e: AmiMessage): void {
    this.emit('event', e)
    const type = str(e.event).toLowerCase()
    if (type === 'devicestatechange') {
      const state = str(e.state).toUpperCase()
      if (deviceStates.has(state)) this.emit('device', { device: str(e.device), state: state as DeviceState })
    } else if (type === 'contactstatus') {
      const aor = str(e.endpointname) || str(e.aor)
      const status = str(e.contactstatus)
      if (aor) this.emit('contact', { endpoint: `PJSIP/${aor}`, registered: isRegistered(status), status })
    } else if (type === 'contactlist') {
      const aor = str(e.endpoint)
      const status = str(e.status)
      if (aor) this.emit('contact', { endpoint: `PJSIP/${aor}`, registered: isRegistered(status), status })
    } else if (type === 'dialbegin') {
      this.emit('dialBegin', {
        uniqueid: str(e.uniqueid), linkedid: str(e.linkedid), channel: str(e.channel), exten: str(e.exten),
        destUniqueid: str(e.destuniqueid), destLinkedid: str(e.destlinkedid), destChannel: str(e.destchannel), dialString: str(e.dialstring)
      })
    } else if (type === 'dialend') {
      this.emit('dialEnd', { uniqueid: str(e.uniqueid), destUniqueid: str(e.destuniqueid), dialStatus: str(e.dialstatus).toUpperCase() })
    } else if (type === 'hangup') {
      const cause = Number.parseInt(str(e.cause), 10)
      this.emit('hangup', { uniqueid: str(e.uniqueid), linkedid: str(e.linkedid), channel: str(e.channel), cause: Number.isNaN(cause) ? null : cause, causeText: str(e['cause-txt']) })
    } else if (type === 'peerstatus') {
      const peer = str(e.peer)
      const status = str(e.peerstatus)
      if (peer.startsWith('PJSIP/')) this.emit('contact', { endpoint: peer, registered: isRegistered(status), status })
    }
  }

  /**
   * Ask Asterisk for every device and contact state; answers arrive as the usual events. Asked
   * again while a refresh runs, one more follows it for all who asked: each refresh lists every
   * device, hundreds of events with hundreds of operators.
   */
  refreshStates (): Promise<void> {
    if (this.refreshing === null) {
      this.refreshing = this.listStates().finally(() => { this.refreshing = null })
      return this.refreshing
    }
    this.refreshAgain ??= this.refreshing.catch(() => undefined).then(() => {
      this.refreshAgain = null
      return this.refreshStates()
    })
    return this.refreshAgain
  }

  /**
   * A refresh `afterMs` from now, shared by everyone who asks until it starts: operators added one
   * after another through the API (each answered in a few ms) then cost one list, not one each.
   */
  refreshSoon (afterMs = 250): Promise<void> {
    this.refreshLater ??= new Promise<void>((resolve, reject) => {
      const cancel = this.clock.setTimeout(() => {
        this.refreshLater = null
        this.cancelRefreshLater = null
        this.refreshStates().then(resolve, reject)
      }, afterMs)
      // Stopped before it starts: there is nothing left to refresh.
      this.cancelRefreshLater = () => { cancel(); this.refreshLater = null; resolve() }
    })
    return this.refreshLater
  }

  private async listStates (): Promise<void> {
    // Each list stands alone: DeviceStateList needs res_manager_devicestate, and Asterisk answers
    // PJSIPShowContacts with an error when only static contacts exist ("No Contacts found").
    const results = await Promise.allSettled([this.action({ action: 'DeviceStateList' }), this.action({ action: 'PJSIPShowContacts' })])
    const problems = results.flatMap((r) => r.status === 'rejected' && !/No Contacts found/i.test((r.reason as Error).message) ? [(r.reason as Error).message] : [])
    if (problems.length > 0) throw new Error(problems.join('; '))
  }

  action (action: Record<string, string | number | undefined>): Promise<AmiMessage> {
    const m = this.manager
    if (!m || !this.up) return Promise.reject(new AsteriskCommandFailed(String(action.action), '', 'AMI not connected', { protocol: 'AMI' }))
    const actionid = `rl-${++this.actionSeq}`
    const timeoutMs = this.opts.actionTimeoutMs ?? 10_000
    return new Promise((resolve, reject) => {
      const cancel = this.clock.setTimeout(() => {
        m.forget(actionid)
        reject(new AsteriskCommandTimedOut(String(action.action), '', timeoutMs, 'AMI'))
      }, timeoutMs)
      m.send({ ...action, actionid }).then((res) => {
        cancel()
        // A failed Command carries Asterisk's words in its Output lines, not in Message.
        if (isError(res)) reject(new AsteriskCommandFailed(String(action.action), '', [str(res.message), str(res.output)].filter((s) => s !== '').join(': ') || 'error', { protocol: 'AMI' }))
        else resolve(res)
      }, (err: Error) => {
        cancel()
        reject(new AsteriskCommandFailed(String(action.action), '', err.message, { protocol: 'AMI' }))
      })
    })
  }

  /**
   * Starts MixMonitor on a channel (its name or its uniqueid, which is the ARI channel id): one
   * audiohook writing what the channel says (`read`) and what it hears (`write`). No mixed file: File
   * is empty, as app_mixmonitor allows with r() or t(). Paths are absolute or relative to Asterisk's
   * monitor spool directory.
   */
  async mixMonitor (channel: string, files: { read: string; write: string }): Promise<void> {
    await this.action({ action: 'MixMonitor', channel, file: '', options: `r(${files.read})t(${files.write})` })
  }

  /** Stops the channel's MixMonitor: its files are closed when Asterisk answers. */
  async stopMixMonitor (channel: string): Promise<void> {
    await this.action({ action: 'StopMixMonitor', channel })
  }

  /**
   * The events Asterisk's manager.conf disables (`disabledevents`), from `manager show settings`;
   * null when Asterisk does not say (a version without the setting).
   */
  async disabledEvents (): Promise<string[] | null> {
    const lines = (await this.command('manager show settings')).flatMap((l) => l.split('\n'))
    const line = lines.map((l) => /^\s*Disabled events:(.*)$/.exec(l)).find((m) => m !== null)
    if (line === undefined) return null
    return line[1]!.split(',').map((name) => name.trim()).filter((name) => name !== '')
  }

  /** Runs a CLI command and returns its output lines. */
  async command (cli: string): Promise<string[]> {
    const res = await this.action({ action: 'Command', command: cli })
    const out = res.output
    return Array.isArray(out) ? out : typeof out === 'string' ? [out] : []
  }
}
