// The simulated Asterisk's dialling: the dialplan run for calls Stasis does not take, phones
// dialling out themselves, and originate (ARI and AMI) with each phone's behaviour.
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { allocationFailed, ariFail } from './ari-error.js'
import { channelSuffix } from './asterisk-text.js'
import { type CallerId, type SimChannel, channelSnapshot } from './model.js'
import { findExtension, loadDialplan, showContext } from './dialplan.js'
import { type AmiFields, amiChannelFields, DEFAULT_RING_SECONDS, operatorTone, parseCallerId, prefixed, ringSeconds } from './channel-fields.js'
import type { PhoneBehaviour } from './phones.js'
import type { DialHooks, DirectDial, DirectDialHandle, OriginateParams } from './world-types.js'
import { TIMER_B_SECONDS } from './world-types.js'
import { ChannelWorld } from './world-channels.js'

export abstract class DialingWorld extends ChannelWorld {
  // ---- dialplan ------------------------------------------------------------------------------------

  /** `dialplan reload`: reads the dialplan files again, unless a test told it to fail. */
  reloadDialplan (): { ok: boolean; lines: string[] } {
    const fault = this.reloadFault
    this.reloadFault = null // one reload fails; the one that puts the previous version back works
    if (fault === 'reject') return { ok: false, lines: ['Unable to reload dialplan: pbx_config declined the reload'] }
    if (fault !== 'ignore') this.contexts = loadDialplan(this.dialplanFiles)
    return { ok: true, lines: ['Dialplan reloaded.'] }
  }

  /** `dialplan show [context]`. */
  showDialplan (context?: string): { ok: boolean; lines: string[] } {
    if (context === undefined) {
      const all = [...this.contexts].flatMap(([name, exts]) => [...showContext(name, exts), ''])
      return { ok: true, lines: [...all, `-= ${this.contexts.size} contexts =-`] }
    }
    const exts = this.contexts.get(context)
    if (!exts) return { ok: false, lines: [`There is no existence of '${context}' context`] }
    const priorities = exts.reduce((n, e) => n + e.priorities.length, 0)
    return { ok: true, lines: [...showContext(context, exts), '', `-= ${exts.length} extension${exts.length === 1 ? '' : 's'} (${priorities} priorit${priorities === 1 ? 'y' : 'ies'}) in 1 context. =-`] }
  }

  dialplanTrace (channelId: string): string[] { return [...this.dialplanTraces.get(channelId) ?? []] }

  /** Walks the dialplan for a channel Stasis did not take: NoOp, Set, Goto, GotoIf on STASISSTATUS, Dial, Hangup. */
  protected async runDialplan (ch: SimChannel, context: string, exten: string): Promise<void> {
    const trace: string[] = []
    this.dialplanTraces.set(ch.id, trace)
    if (this.dialplanTraces.size > 1000) this.dialplanTraces.delete(this.dialplanTraces.keys().next().value!) // a long demo keeps the latest only
    const vars = new Map<string, string>([['EXTEN', exten]])
    const expand = (text: string): string => text.replace(/\$\{([A-Za-z_()]+)\}/g, (_, name: string) => vars.get(name) ?? '')
    let ext = findExtension(this.contexts.get(context) ?? [], exten)
    let index = 0
    for (let steps = 0; ext && steps < 100 && !ch.gone; steps++) {
      const p = ext.priorities[index]
      if (!p) break
      const data = expand(p.data)
      index++
      if (p.app === 'Stasis') {
        vars.set('STASISSTATUS', 'FAILED') // the app is not registered: that is why we walk the dialplan
        trace.push(`Stasis(${data}) FAILED`)
      } else if (p.app === 'Goto' || p.app === 'GotoIf') {
        let target = data
        if (p.app === 'GotoIf') {
          const m = /^\$\["([^"]*)"\s*=\s*"([^"]*)"\]\?([^:]*)(?::(.*))?$/.exec(data)
          target = m ? (m[1] === m[2] ? m[3]! : m[4] ?? '') : ''
          if (target === '') continue
        }
        const parts = target.split(',')
        const [ctxName, extName, prio] = parts.length >= 3 ? parts : parts.length === 2 ? [context, ...parts] : [context, exten, parts[0]]
        if (ctxName !== context || extName !== exten) {
          context = ctxName!
          exten = extName!
          vars.set('EXTEN', exten)
          ext = findExtension(this.contexts.get(context) ?? [], exten)
        }
        const byLabel = ext?.priorities.findIndex((q) => q.label === prio) ?? -1
        index = byLabel >= 0 ? byLabel : Math.max(0, Number(prio) - 1)
        trace.push(`Goto(${context},${exten},${prio})`)
      } else if (p.app === 'Dial') {
        const [targets = '', seconds = '30'] = data.split(',')
        const result = await this.dialplanDial(ch, targets.split('&').filter((t) => t !== ''), Number(seconds) || 30)
        vars.set('DIALSTATUS', result.status)
        trace.push(`Dial(${targets},${seconds}) ${result.status}${result.answeredBy ? ` ${result.answeredBy}` : ''}`)
        if (result.status === 'ANSWER') return // the call is connected; it ends when either side hangs up
      } else if (p.app === 'Hangup') {
        trace.push('Hangup()')
        this.tearDown(ch, 16)
        return
      } else if (p.app === 'Set') {
        const eq = data.indexOf('=')
        if (eq > 0) vars.set(data.slice(0, eq), data.slice(eq + 1))
      }
    }
    if (!ch.gone) { trace.push('end of dialplan'); this.tearDown(ch, 16) }
  }

  /** Dial(PJSIP/a&PJSIP/b,seconds): rings all at once, the first to answer takes the call. */
  protected dialplanDial (caller: SimChannel, targets: string[], seconds: number): Promise<{ status: string; answeredBy?: string }> {
    return new Promise((resolve) => {
      const legs: SimChannel[] = []
      let done = false
      let failed = 0
      const finish = (status: string, answeredBy?: string): void => {
        if (done) return
        done = true
        resolve(answeredBy ? { status, answeredBy } : { status })
      }
      for (const target of targets) {
        const resource = target.startsWith('PJSIP/') ? target.slice(6) : ''
        const ep = this.phones.get(resource)
        if (!ep || !ep.registered) { failed++; continue }
        const leg = this.newOutgoingChannel(resource, { ...caller.caller })
        legs.push(leg)
        this.amiDialBegin(leg)
        this.dial(leg, ep.behaviour, seconds, {
          answered: (c) => {
            if (done || caller.gone) { this.tearDown(c, 26); return }
            for (const other of legs) if (other !== c && !other.gone) this.tearDown(other, 26) // answered elsewhere
            this.setState(caller, 'Up')
            // Connected: whoever hangs up first ends the other leg too.
            const callerGone = caller.onGone
            caller.onGone = (cause, declined) => { if (!c.gone) this.tearDown(c, 16); callerGone?.(cause, declined) }
            c.onGone = () => { if (!caller.gone) this.tearDown(caller, 16) }
            if (ep.behaviour.kind === 'answer' && ep.behaviour.hangupAfterMs !== undefined) this.after(c, ep.behaviour.hangupAfterMs, () => this.remoteHangup(c.id))
            finish('ANSWER', target)
          },
          failed: () => { if (++failed === targets.length) finish('NOANSWER') }
        })
      }
      if (failed === targets.length) finish(targets.length === 0 ? 'INVALIDARGS' : 'CHANUNAVAIL')
      caller.onGone = ((prev) => (cause: number, declined: boolean) => {
        for (const leg of legs) if (!leg.gone) this.tearDown(leg, 16)
        finish('CANCEL')
        prev?.(cause, declined)
      })(caller.onGone)
    })
  }

  // ---- direct dialling -------------------------------------------------------------------------------

  /**
   * The operator's phone dials a number itself: from-operators runs Dial(PJSIP/<number>@carrier).
   * AMI sees Newchannel (phone), Newchannel (trunk leg, same Linkedid), DialBegin with both sides,
   * DialState RINGING, DialEnd with the status, Hangup of each leg (as in traces/ami).
   */
  operatorDials (resource: string, number: string, o: DirectDial = {}): DirectDialHandle {
    const ep = this.phones.get(resource)
    if (!ep || !ep.registered) throw new Error(`phone ${resource} is not registered: it cannot dial`)
    let settle: () => void = () => {}
    const ended = new Promise<void>((resolve) => { settle = resolve })
    const dialString = `${number}@carrier`
    const phone = this.newChannel({
      origin: 'direct', endpoint: resource, name: `PJSIP/${resource}-${channelSuffix(this.nameSeq++)}`, protocolId: randomUUID(),
      state: 'Ring', caller: { name: '', number: resource }, connected: { name: '', number: '' },
      dialplan: { context: 'from-operators', exten: number, priority: 1, app_name: 'Dial', app_data: `PJSIP/${dialString},60` },
      toneHz: operatorTone(resource)
    })
    const trunk = this.newChannel({
      origin: 'direct', endpoint: 'carrier', name: `PJSIP/carrier-${channelSuffix(this.nameSeq++)}`, protocolId: randomUUID(),
      state: 'Down', caller: { name: '', number: resource }, connected: { name: '', number: resource },
      dialplan: { context: 'from-carrier', exten: number, priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' },
      toneHz: 440, linkedId: phone.id
    })
    phone.onGone = () => settle()
    const both = (): AmiFields => [...amiChannelFields(phone), ...prefixed('Dest', amiChannelFields(trunk))]
    const end = (first: SimChannel, second: SimChannel, cause: number): void => {
      this.hangupRequest(first, { cause })
      this.destroy(first, cause)
      this.destroy(second, cause)
    }
    this.ami('DialBegin', [...both(), ['DialString', dialString]])
    this.after(phone, 0, () => {
      if (o.busy) {
        this.after(phone, this.secondsMs / 2, () => {
          this.ami('DialEnd', [...both(), ['DialStatus', 'BUSY']])
          end(trunk, phone, 17)
        })
        return
      }
      this.setState(trunk, 'Ringing')
      this.ami('DialState', [...both(), ['DialStatus', 'RINGING']])
      if (o.answerAfterMs === undefined) {
        this.after(phone, o.giveUpAfterMs ?? 3 * this.secondsMs, () => {
          this.ami('DialEnd', [...both(), ['DialStatus', 'CANCEL']])
          end(phone, trunk, 16)
        })
        return
      }
      this.after(phone, o.answerAfterMs, () => {
        this.setState(trunk, 'Up')
        this.ami('DialEnd', [...both(), ['DialStatus', 'ANSWER']])
        this.setState(phone, 'Up')
        phone.answeredAtMs = performance.now()
        this.after(phone, o.talkMs ?? 2 * this.secondsMs, () => {
          if (o.hangupBy === 'operator') end(phone, trunk, 16)
          else end(trunk, phone, 16)
        })
      })
    })
    return { channelId: phone.id, ended }
  }

  // ---- originate --------------------------------------------------------------------------------

  originate (params: OriginateParams): Record<string, unknown> {
    const endpoint = params.endpoint
    if (!endpoint) throw ariFail(400, 'Endpoint must be specified')
    if (!params.app && !params.extension) throw ariFail(400, 'Application or extension must be specified')
    const slash = endpoint.indexOf('/')
    if (slash < 0) throw ariFail(400, 'Invalid endpoint specified')
    const tech = endpoint.slice(0, slash)
    const resource = endpoint.slice(slash + 1)
    // Numbers dialled through the carrier trunk ("PJSIP/79031112233@carrier") reach simulated
    // customers, who answer and talk for a while.
    if (tech === 'PJSIP' && /^\+?\d{3,20}@carrier$/.test(resource) && !this.phones.has(resource)) {
      this.phones.add(resource, { registered: true, behaviour: { kind: 'answer', afterMs: 2 * this.secondsMs, hangupAfterMs: 20 * this.secondsMs } })
    }
    const ep = tech === 'PJSIP' ? this.phones.get(resource) : undefined
    // chan_pjsip cannot build a dialog without a contact: the channel is never allocated.
    if (!ep || !ep.registered || resource === 'carrier') throw allocationFailed()
    if (params.channelId && this.channelsById.has(params.channelId)) throw ariFail(409, 'Channel with given unique ID already exists')
    const caller = parseCallerId(params.callerId)
    const vars = params.variables ?? {}
    if (vars['CALLERID(name)'] !== undefined) caller.name = vars['CALLERID(name)']
    if (vars['CALLERID(num)'] !== undefined) caller.number = vars['CALLERID(num)']
    const ch = this.newOutgoingChannel(resource, caller, params.channelId)
    for (const [k, v] of Object.entries(vars)) ch.variables.set(k, v)
    const app = params.app
    if (app) ch.apps.add(app)
    const args = params.appArgs ? params.appArgs.split(',') : []
    const snapshot = channelSnapshot(ch)
    this.amiDialBegin(ch)
    this.dial(ch, ep.behaviour, ringSeconds(params.timeout), {
      answered: (c) => {
        if (!app) return this.later(c, 0, () => this.appHangup(c.id, 16))
        if (!this.sinks.isAppActive(app)) {
          // The phone answers, Stasis finds no app and Asterisk sends BYE at once (flow12).
          this.later(c, 0, () => this.destroy(c, 16))
          return
        }
        c.dialplan = { ...c.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') }
        this.emit('ChannelVarset', { variable: 'STASISSTATUS', value: '', channel: channelSnapshot(c) }, c.apps)
        c.stasisApp = app
        this.emit('StasisStart', { args, channel: channelSnapshot(c) }, c.apps)
        // A person who knows the menu keys it the instant they pick up, before any prompt.
        if (ep.behaviour.kind === 'answer') for (const digit of ep.behaviour.keysOnAnswer ?? '') this.sendDtmf(c.id, digit)
        if (ep.behaviour.kind === 'answer' && ep.behaviour.hangupAfterMs !== undefined) {
          this.after(c, ep.behaviour.hangupAfterMs, () => this.remoteHangup(c.id))
        }
      },
      failed: () => {}
    })
    return snapshot
  }

  /** A channel to a phone, as Asterisk creates it for ARI and AMI originates alike. */
  protected newOutgoingChannel (resource: string, caller: CallerId, channelId?: string): SimChannel {
    return this.newChannel({
      id: channelId,
      origin: 'originated',
      endpoint: resource,
      name: `PJSIP/${resource}-${channelSuffix(this.nameSeq++)}`,
      protocolId: randomUUID(),
      state: 'Down',
      caller,
      connected: { ...caller },
      dialplan: { context: 'from-operators', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
      toneHz: operatorTone(resource)
    })
  }

  /** AMI Originate: the same phone behaviour, reported through OriginateResponse. */
  amiOriginate (channel: string, callerId: string | undefined, timeoutMs: number | undefined, waitSeconds: number,
    done: (ok: boolean, reason: number, ch: SimChannel | undefined) => void): void {
    const slash = channel.indexOf('/')
    const resource = channel.slice(slash + 1)
    const ep = channel.slice(0, slash) === 'PJSIP' ? this.phones.get(resource) : undefined
    if (slash < 0 || !ep || !ep.registered) { done(false, 0, undefined); return }
    const ch = this.newOutgoingChannel(resource, parseCallerId(callerId))
    this.amiDialBegin(ch)
    const seconds = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs / 1000 : DEFAULT_RING_SECONDS
    this.dial(ch, ep.behaviour, seconds, {
      answered: (c) => {
        done(true, 4, c)
        this.later(c, waitSeconds * this.secondsMs, () => this.appHangup(c.id, 16))
      },
      // AMI reports a busy or failed dial as reason 0 (observed), a ring timeout as 3.
      failed: (c, why) => done(false, why === 'noanswer' ? 3 : 0, c)
    })
  }

  /** Drives one outgoing SIP dial according to the phone's behaviour. */
  protected dial (ch: SimChannel, behaviour: PhoneBehaviour, timeoutSeconds: number, hooks: DialHooks): void {
    this.later(ch, 0, () => {
      this.emitDial(ch, '')
      const ringTimeout = () => {
        if (timeoutSeconds > 0) {
          // after(): the answer clears it; a ring timeout must never end an answered call.
          this.after(ch, timeoutSeconds * this.secondsMs, () => {
            // Originate timeout: only ChannelDestroyed 19/480, no hang-up request, no Dial NOANSWER.
            this.destroy(ch, 19)
            hooks.failed(ch, 'noanswer')
          })
        }
      }
      switch (behaviour.kind) {
        case 'answer':
        case 'noanswer': {
          this.setState(ch, 'Ringing')
          this.emitDial(ch, 'RINGING')
          ringTimeout()
          if (behaviour.kind === 'answer') {
            this.after(ch, behaviour.afterMs, () => {
              this.clearTimers(ch)
              this.setState(ch, 'Up')
              ch.answeredAtMs = performance.now()
              this.emitDial(ch, 'ANSWER')
              hooks.answered(ch)
            })
          }
          return
        }
        case 'busy':
          this.after(ch, behaviour.afterMs ?? this.secondsMs / 2, () => {
            this.clearTimers(ch)
            this.hangupRequest(ch, { cause: 17, tech_cause: 486 })
            this.emitDial(ch, 'BUSY')
            this.destroy(ch, 17)
            hooks.failed(ch, 'busy')
          })
          return
        case 'unreachable':
          // No 1xx ever: SIP timer B (32 s) ends it with 18/408, unless the originate timeout comes first.
          if (timeoutSeconds > 0 && timeoutSeconds < TIMER_B_SECONDS) { ringTimeout(); return }
          this.later(ch, TIMER_B_SECONDS * this.secondsMs, () => {
            this.hangupRequest(ch, { cause: 18, tech_cause: 408 })
            this.emitDial(ch, 'NOANSWER')
            this.destroy(ch, 18)
            hooks.failed(ch, 'unreachable')
          })
      }
    })
  }

}
