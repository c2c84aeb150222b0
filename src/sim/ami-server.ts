// AMI over TCP (CRLF framed "Key: Value" blocks), for the actions and events ringlead uses.
import { type Server, type Socket, createServer } from 'node:net'
import type { Logger } from 'pino'
import type { SimChannel } from './model.js'
import { parseMixMonitorOptions } from './mixmonitor.js'
import { type AmiFields, type World, amiChannelFields } from './world.js'

export interface AmiServerOptions { user: string; secret: string; disabledEvents?: readonly string[]; log?: Logger }

interface Session {
  socket: Socket; authed: boolean; events: boolean; buffer: string; closing: boolean
  /** Filter action: an event passes a whitelist pattern (when any) and no blacklist ("!") pattern. */
  include: RegExp[]; exclude: RegExp[]
}

/** Asterisk compiles filters as POSIX extended regexes: its bracket classes in JavaScript's words. */
function posixRegex (pattern: string): RegExp {
  const classes: Record<string, string> = { space: '\\s', digit: '\\d', alpha: 'A-Za-z', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', punct: '!-\\/:-@\\[-`{-~' }
  return new RegExp(pattern.replace(/\[:([a-z]+):\]/g, (m, name: string) => classes[name] ?? m))
}

function passes (s: Session, text: string): boolean {
  if (s.include.length > 0 && !s.include.some((r) => r.test(text))) return false
  return !s.exclude.some((r) => r.test(text))
}

type Message = Map<string, string> // lower-cased keys

const PRIVILEGE: Record<string, string> = {
  PeerStatus: 'system,all', ContactStatus: 'system,all', FullyBooted: 'system,all', Reload: 'system,all'
}

export class AmiServer {
  readonly tcp: Server
  private readonly sessions = new Set<Session>()

  constructor (private readonly world: World, private readonly opts: AmiServerOptions) {
    this.tcp = createServer((socket) => this.accept(socket))
  }

  /** Sends an unsolicited event to every logged-in session that wants events. */
  broadcast (event: string, fields: AmiFields): void {
    const privilege = PRIVILEGE[event] ?? 'call,all'
    const text = block([['Event', event], ['Privilege', privilege], ...fields])
    for (const s of this.sessions) if (s.authed && s.events && !s.closing && passes(s, text)) s.socket.write(text)
  }

  close (): void {
    for (const s of this.sessions) s.socket.destroy()
    this.tcp.close()
  }

  private accept (socket: Socket): void {
    const session: Session = { socket, authed: false, events: true, buffer: '', closing: false, include: [], exclude: [] }
    this.sessions.add(session)
    socket.setEncoding('utf8')
    socket.write('Asterisk Call Manager/11.0.0\r\n')
    socket.on('data', (chunk: string) => this.onData(session, chunk))
    socket.on('close', () => this.sessions.delete(session))
    socket.on('error', () => this.sessions.delete(session))
  }

  private onData (s: Session, chunk: string): void {
    s.buffer += chunk
    for (;;) {
      const m = /\r?\n\r?\n/.exec(s.buffer)
      if (!m) return
      const raw = s.buffer.slice(0, m.index)
      s.buffer = s.buffer.slice(m.index + m[0].length)
      if (raw.trim() === '') continue
      const msg: Message = new Map()
      for (const line of raw.split(/\r?\n/)) {
        const i = line.indexOf(':')
        if (i > 0) msg.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim())
      }
      if (!s.closing) this.onAction(s, msg)
    }
  }

  private reply (s: Session, msg: Message, response: string, fields: AmiFields): void {
    const id = msg.get('actionid')
    s.socket.write(block([['Response', response], ...(id !== undefined ? [['ActionID', id] as [string, string]] : []), ...fields]))
  }

  private onAction (s: Session, msg: Message): void {
    const action = (msg.get('action') ?? '').toLowerCase()
    const id = msg.get('actionid')
    const withId: AmiFields = id !== undefined ? [['ActionID', id]] : []
    if (action === 'login') return this.login(s, msg)
    if (action === 'logoff') {
      this.reply(s, msg, 'Goodbye', [['Message', 'Thanks for all the fish.']])
      s.closing = true
      s.socket.end()
      return
    }
    if (!s.authed) return this.reply(s, msg, 'Error', [['Message', 'Permission denied']])
    switch (action) {
      case 'ping':
        return this.reply(s, msg, 'Success', [['Ping', 'Pong'], ['Timestamp', (Date.now() / 1000).toFixed(6)]])
      case 'events': {
        const mask = (msg.get('eventmask') ?? 'on').toLowerCase()
        s.events = mask !== 'off'
        return this.reply(s, msg, 'Success', [['Events', s.events ? 'On' : 'Off']])
      }
      case 'devicestatelist': {
        const items = this.world.deviceStates()
        this.reply(s, msg, 'Success', [['EventList', 'start'], ['Message', 'Device State Changes will follow']])
        for (const d of items) s.socket.write(block([['Event', 'DeviceStateChange'], ...withId, ['Device', d.device], ['State', d.state]]))
        s.socket.write(block([['Event', 'DeviceStateListComplete'], ...withId, ['EventList', 'Complete'], ['ListItems', String(items.length)]]))
        return
      }
      case 'pjsipshowcontacts': {
        const contacts = this.world.contacts()
        this.reply(s, msg, 'Success', [['EventList', 'start'], ['Message', 'A listing of Contacts follows, presented as ContactList events']])
        for (const c of contacts) s.socket.write(block(contactList(c, withId)))
        s.socket.write(block([['Event', 'ContactListComplete'], ...withId, ['EventList', 'Complete'], ['ListItems', String(contacts.length)]]))
        return
      }
      case 'coreshowchannels': {
        const chans = this.world.coreShowChannels()
        this.reply(s, msg, 'Success', [['EventList', 'start'], ['Message', 'Channels will follow']])
        for (const ch of chans) {
          s.socket.write(block([['Event', 'CoreShowChannel'], ...withId, ...amiChannelFields(ch),
            ['Application', ch.dialplan.app_name], ['ApplicationData', ch.dialplan.app_data],
            ['Duration', hms(Date.now() - ch.createdAt.getTime())], ['BridgeId', ch.bridgeId ?? '']]))
        }
        s.socket.write(block([['Event', 'CoreShowChannelsComplete'], ...withId, ['EventList', 'Complete'], ['ListItems', String(chans.length)]]))
        return
      }
      case 'filter': {
        if ((msg.get('operation') ?? '').toLowerCase() !== 'add') return this.reply(s, msg, 'Error', [['Message', 'Unknown operation']])
        const filter = msg.get('filter') ?? ''
        const blacklist = filter.startsWith('!')
        let pattern: RegExp
        try { pattern = posixRegex(blacklist ? filter.slice(1) : filter) } catch {
          return this.reply(s, msg, 'Error', [['Message', 'Filter did not compile.  Check the syntax of the filter given.']])
        }
        ;(blacklist ? s.exclude : s.include).push(pattern)
        return this.reply(s, msg, 'Success', [['Message', 'Success']])
      }
      case 'command': return this.command(s, msg)
      case 'originate': return this.originate(s, msg)
      case 'mixmonitor': return this.mixMonitor(s, msg)
      case 'stopmixmonitor': return this.stopMixMonitor(s, msg)
      default:
        return this.reply(s, msg, 'Error', [['Message', `Invalid/unknown command: ${msg.get('action') ?? ''}. Use Action: ListCommands to show available commands.`]])
    }
  }

  private login (s: Session, msg: Message): void {
    if (msg.get('username') === this.opts.user && msg.get('secret') === this.opts.secret) {
      s.authed = true
      // Only "Events" counts; asterisk-manager's "Event: off" is ignored by Asterisk too.
      const events = msg.get('events')
      if (events !== undefined) s.events = events.toLowerCase() !== 'off'
      this.reply(s, msg, 'Success', [['Message', 'Authentication accepted']])
      const uptime = String(this.world.uptimeSeconds())
      s.socket.write(block([['Event', 'FullyBooted'], ['Privilege', 'system,all'], ['Uptime', uptime], ['LastReload', uptime], ['Status', 'Fully Booted']]))
      return
    }
    // Asterisk delays a failed login by about a second, answers, then drops the connection.
    s.closing = true
    setTimeout(() => {
      if (s.socket.destroyed) return
      this.reply(s, msg, 'Error', [['Message', 'Authentication failed']])
      s.socket.end()
    }, this.world.secondsMs)
  }

  private command (s: Session, msg: Message): void {
    const cmd = (msg.get('command') ?? '').trim()
    const out = this.cli(cmd)
    this.reply(s, msg, out.ok ? 'Success' : 'Error', [['Message', 'Command output follows'], ...out.lines.map((l) => ['Output', l] as [string, string])])
  }

  private cli (cmd: string): { ok: boolean; lines: string[] } {
    const words = cmd.split(/\s+/).filter((w) => w !== '')
    const lower = words.map((w) => w.toLowerCase())
    const is = (...prefix: string[]) => prefix.every((w, i) => lower[i] === w)
    if (is('dialplan', 'reload') && words.length === 2) return this.world.reloadDialplan()
    if (is('core', 'show', 'version')) return { ok: true, lines: ['Asterisk 22.10.1 built by ringlead @ sim on a x86_64 running Linux'] }
    if (is('core', 'show', 'channels', 'concise')) {
      return {
        ok: true,
        lines: this.world.coreShowChannels().map((ch) => {
          const seconds = Math.floor((Date.now() - ch.createdAt.getTime()) / 1000)
          return [ch.name, ch.dialplan.context, ch.dialplan.exten, ch.dialplan.priority, ch.state, ch.dialplan.app_name, ch.dialplan.app_data,
            ch.caller.number, '', '', 3, seconds, ch.bridgeId ?? '', ch.id].join('!')
        })
      }
    }
    if (is('dialplan', 'show')) return this.world.showDialplan(words[2])
    if (is('manager', 'show', 'settings') && words.length === 3) {
      // Asterisk 22's layout, abridged to the line a client reads.
      return { ok: true, lines: ['', 'Global Settings:', '----------------', `  Disabled events:           ${(this.opts.disabledEvents ?? []).join(',')}`] }
    }
    return { ok: false, lines: [`No such command '${cmd}' (type 'core show help ${words.slice(0, 2).join(' ')}' for other possible commands)`] }
  }

  /** A channel by name, or by uniqueid as Asterisk's lookup falls back to. */
  private channelOf (ref: string): SimChannel | undefined {
    return this.world.getChannel(ref) ?? this.world.coreShowChannels().find((ch) => ch.name.toLowerCase() === ref.toLowerCase())
  }

  private mixMonitor (s: Session, msg: Message): void {
    const ref = msg.get('channel') ?? ''
    if (ref === '') return this.reply(s, msg, 'Error', [['Message', 'No channel specified']])
    const ch = this.channelOf(ref)
    if (ch === undefined) return this.reply(s, msg, 'Error', [['Message', 'No such channel']])
    const { read, write } = parseMixMonitorOptions(msg.get('options') ?? '')
    const file = msg.get('file') ?? ''
    try {
      this.world.recorder.monitors.start(ch, { mixed: file === '' ? null : file, read, write })
    } catch {
      return this.reply(s, msg, 'Error', [['Message', 'Could not start monitoring channel']])
    }
    // Asterisk answers Success with no Message line.
    this.reply(s, msg, 'Success', [])
    this.world.ami('MixMonitorStart', amiChannelFields(ch))
  }

  private stopMixMonitor (s: Session, msg: Message): void {
    const ref = msg.get('channel') ?? ''
    if (ref === '') return this.reply(s, msg, 'Error', [['Message', 'No channel specified']])
    const ch = this.channelOf(ref)
    if (ch === undefined) return this.reply(s, msg, 'Error', [['Message', 'No such channel']])
    if (!this.world.recorder.monitors.stop(ch.id)) return this.reply(s, msg, 'Error', [['Message', 'Could not stop monitoring channel']])
    this.reply(s, msg, 'Success', [])
    this.world.ami('MixMonitorStop', amiChannelFields(ch))
  }

  private originate (s: Session, msg: Message): void {
    const channel = msg.get('channel') ?? ''
    const application = msg.get('application')
    const data = msg.get('data') ?? ''
    const isAsync = ['true', 'yes', '1'].includes((msg.get('async') ?? '').toLowerCase())
    const timeout = msg.get('timeout') !== undefined ? Number(msg.get('timeout')) : undefined
    const callerId = msg.get('callerid')
    const wait = application?.toLowerCase() === 'wait' ? Math.max(0, Number(data) || 0) : 1
    if (isAsync) this.reply(s, msg, 'Success', [['Message', 'Originate successfully queued']])
    this.world.amiOriginate(channel, callerId, timeout, wait, (ok, reason, ch) => {
      if (!isAsync) {
        this.reply(s, msg, ok ? 'Success' : 'Error', [['Message', ok ? 'Originate successfully queued' : 'Originate failed']])
        return
      }
      const id = msg.get('actionid')
      const target: AmiFields = application !== undefined
        ? [['Application', application], ['Data', data]]
        : [['Context', msg.get('context') ?? ''], ['Exten', msg.get('exten') ?? ''], ['Priority', msg.get('priority') ?? '1']]
      const caller = ch?.caller ?? { name: '', number: '' }
      const fields: AmiFields = [
        ...(id !== undefined ? [['ActionID', id] as [string, string]] : []),
        ['Response', ok ? 'Success' : 'Failure'], ['Channel', channel], ...target, ['Reason', String(reason)],
        ['Uniqueid', ok && ch ? ch.id : '<unknown>'],
        ['CallerIDNum', caller.number || '<unknown>'], ['CallerIDName', caller.name || '<unknown>']
      ]
      if (!s.socket.destroyed) s.socket.write(block([['Event', 'OriginateResponse'], ['Privilege', 'call,all'], ...fields]))
    })
  }
}

function block (fields: AmiFields): string {
  return fields.map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n'
}

function hms (ms: number): string {
  const total = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`
}

function contactList (c: { resource: string; uri: string; port: number }, withId: AmiFields): AmiFields {
  return [
    ['Event', 'ContactList'], ...withId, ['ObjectType', 'contact'], ['ObjectName', `${c.resource};@${c.resource.padEnd(8, '0')}sim`],
    ['ViaAddr', '127.0.0.1'], ['QualifyTimeout', '3.000000'], ['Qualify2xxOnly', 'false'], ['CallId', `reg-${c.resource}@127.0.0.1`],
    ['RegServer', ''], ['PruneOnBoot', 'no'], ['Path', ''], ['Endpoint', c.resource], ['ViaPort', String(c.port)],
    ['AuthenticateQualify', 'no'], ['Uri', c.uri], ['QualifyFrequency', '0'], ['UserAgent', `sim-phone-${c.resource}`],
    ['ExpirationTime', String(Math.floor(Date.now() / 1000) + 120)], ['OutboundProxy', ''], ['Status', 'NonQualified'], ['RoundtripUsec', 'N/A']
  ]
}
