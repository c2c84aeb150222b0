// Synthetic inbound traffic for the demo: Poisson arrivals, returning callers, abandons, talk times.
import { systemClock, type CancelTimer, type Clock } from '../clock.js'
import type { Simulator } from './simulator.js'

export interface TrafficOptions {
  dids: string[]
  callsPerMinute: number
  /** The first call comes after this long instead of a random gap (the demo shows a call at once). */
  firstCallAfterMs?: number
  /** Share of calls (0..1) from callers who called before. */
  returningShare: number
  /** Known caller numbers to draw returning callers from; grows with new callers when omitted. */
  callerPool?: string[]
  /** Caller's talk time once answered, real ms. */
  talkMs: { min: number; max: number }
  /** Share of calls (0..1) where the caller gives up while still waiting. */
  abandonShare: number
  /** How long an abandoning caller waits, real ms. */
  patienceMs?: { min: number; max: number }
  /** Share of calls (0..1) that come with a withheld number. */
  anonymousShare?: number
  /** Operators (PJSIP resources) whose behaviour the generator varies between calls. */
  operators?: string[]
  /** Mix of operator behaviours; weights need not sum to 1. */
  operatorMix?: { answer: number; slow: number; noanswer: number; busy: number; away: number }
  /** Keys operators press in voice menus (disposition, escalation calls); none = they never press. */
  menuKeys?: string
  /** Share of arrivals (0..1) that are instead an operator dialling a customer on the phone itself. */
  directDialShare?: number
  /** Real ms per protocol second, used to scale answer delays; default 1000. */
  secondsMs?: number
  /** Numbers with a voice menu: their callers press one of these keys (or, sometimes, nothing). */
  menu?: { dids: string[]; keys: string }
  /** Now and then several callers at once, more than the operators can take: some have to wait. */
  burst?: { everyMinutes: number; calls: number }
  /** Share of callers (0..1) who press 1 for a callback if they are kept waiting. */
  callbackShare?: number
}

export interface Traffic { stop (): void; readonly placed: number }

const NAMES = ['Ivan Petrov', 'Anna Smirnova', 'Oleg Sokolov', 'Maria Ivanova', 'Dmitry Orlov', 'Elena Volkova', '']

/** `callsPerMinute` 0 is no traffic at all: no bursts either, so an idle demo stays idle. */
export function startTraffic (sim: Simulator, opts: TrafficOptions, random: () => number = Math.random, clock: Clock = systemClock): Traffic {
  const pool = [...(opts.callerPool ?? [])]
  const secondsMs = opts.secondsMs ?? 1000
  const patience = opts.patienceMs ?? { min: 5 * secondsMs, max: 40 * secondsMs }
  const mix = opts.operatorMix ?? { answer: 6, slow: 2, noanswer: 1, busy: 1, away: 0.5 }
  const keys = opts.menuKeys ? { menuKeys: opts.menuKeys } : {}
  let stopped = false
  let cancelNext: CancelTimer = () => {}
  let placed = 0
  const between = (r: { min: number; max: number }) => r.min + random() * Math.max(0, r.max - r.min)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length) % items.length] as T

  const newCaller = () => `+7${pick(['903', '916', '926', '985', '495'])}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`

  const varyOperator = () => {
    if (!opts.operators?.length) return
    const resource = pick(opts.operators)
    const total = mix.answer + mix.slow + mix.noanswer + mix.busy + mix.away
    let r = random() * total
    // Registration changes go through register/unregister so AMI and ARI see them.
    if ((r -= mix.away) < 0) { sim.unregister(resource); return }
    sim.register(resource)
    if ((r -= mix.busy) < 0) sim.setBehaviour(resource, { kind: 'busy' })
    else if ((r -= mix.noanswer) < 0) sim.setBehaviour(resource, { kind: 'noanswer' })
    else if ((r -= mix.slow) < 0) sim.setBehaviour(resource, { kind: 'answer', afterMs: between({ min: 6 * secondsMs, max: 15 * secondsMs }), ...keys })
    else sim.setBehaviour(resource, { kind: 'answer', afterMs: between({ min: 1 * secondsMs, max: 4 * secondsMs }), ...keys })
  }

  const placeOne = () => {
    const returning = pool.length > 0 && random() < opts.returningShare
    const anonymous = !returning && random() < (opts.anonymousShare ?? 0.05)
    const from = returning ? pick(pool) : anonymous ? 'anonymous' : newCaller()
    if (!returning && !anonymous && !opts.callerPool) pool.push(from)
    const abandons = random() < opts.abandonShare
    // A caller who stays hangs up after waiting plus talking; one who abandons, after their patience runs out.
    const hangupAfterMs = abandons ? between(patience) : between(patience) * 0.5 + between(opts.talkMs)
    const did = pick(opts.dids)
    const dtmf: Array<{ digit: string; afterMs: number }> = []
    // Keys count from the moment ringlead answers: a menu answers at once, a wait when it starts.
    if (opts.menu?.dids.includes(did) && random() < 0.85) dtmf.push({ digit: pick([...opts.menu.keys]), afterMs: 2 * secondsMs })
    else if (random() < 0.2) dtmf.push({ digit: pick(['1', '2', '3']), afterMs: 2 * secondsMs })
    if (random() < (opts.callbackShare ?? 0)) dtmf.push({ digit: '1', afterMs: 12 * secondsMs })
    varyOperator()
    sim.placeCall({ from, callerName: pick(NAMES), did, hangupAfterMs, ...(dtmf.length ? { dtmf } : {}) })
    placed++
  }

  let cancelBurst: CancelTimer = () => {}
  const burst = opts.burst
  if (burst && burst.everyMinutes > 0 && opts.callsPerMinute > 0) {
    const nextBurst = (): void => {
      cancelBurst = clock.setTimeout(() => {
        if (stopped) return
        for (let i = 0; i < burst.calls; i++) clock.setTimeout(() => { if (!stopped) placeOne() }, i * 300)
        nextBurst()
      }, burst.everyMinutes * 60_000)
    }
    nextBurst()
  }

  /** An operator calls a known customer back from the phone, outside ringlead (seen over AMI). */
  const dialOne = () => {
    if (!opts.operators?.length) return
    const number = pool.length > 0 ? pick(pool) : newCaller()
    const answers = random() < 0.7
    try {
      sim.operatorDials(pick(opts.operators), number.replace(/^\+/, ''), answers
        ? { answerAfterMs: between({ min: 2 * secondsMs, max: 8 * secondsMs }), talkMs: between(opts.talkMs), hangupBy: random() < 0.5 ? 'operator' : 'customer' }
        : { giveUpAfterMs: between({ min: 5 * secondsMs, max: 20 * secondsMs }) })
    } catch {
      // That phone is not registered right now: no call.
    }
  }

  const schedule = (firstGapMs?: number) => {
    if (stopped || opts.callsPerMinute <= 0) return
    // Exponential gaps give Poisson arrivals.
    const meanMs = 60_000 / opts.callsPerMinute
    const gapMs = firstGapMs ?? -Math.log(1 - random()) * meanMs
    cancelNext = clock.setTimeout(() => {
      if (stopped) return
      // No draw at all without direct dials: seeded traffic stays as it was.
      const share = opts.directDialShare ?? 0
      if (share > 0 && random() < share) dialOne()
      else placeOne()
      schedule()
    }, gapMs)
  }
  schedule(opts.firstCallAfterMs)
  return {
    stop () { stopped = true; cancelNext(); cancelBurst() },
    get placed () { return placed }
  }
}
