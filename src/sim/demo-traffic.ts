// The demo's world: seeded operators on simulated phones and synthetic callers. The first caller
// rings a second after ringlead's ARI link is up, so a newcomer sees a call at once; the rest
// arrive at the configured rate.
import type { Config } from '../config.js'
import type { Db } from '../db/open.js'
import { seedDemo } from '../demo-seed.js'
import type { Simulator } from './simulator.js'
import { startTraffic, type Traffic } from './traffic.js'

/** Demo operators answer voice menus: mostly deals and "call the customer now", some refusals and call-backs. */
const demoMenuKeys = '1111223'

export const firstDemoCallAfterMs = 1000

export interface DemoTraffic {
  /** Callers start once `ready` (ringlead's first ARI connection) resolves. */
  startAfter (ready: Promise<void>): void
  stop (): void
}

/** Seeds the demo (an empty database only) and puts the operators' phones on the simulator. */
export function demoTraffic (sim: Simulator, db: Db, config: Config, nowMs: number): DemoTraffic {
  const world = seedDemo(db, config.sim.operators, nowMs)
  for (const endpoint of world.endpoints) {
    const resource = endpoint.split('/')[1]!
    sim.addEndpoint(resource, { registered: true, behaviour: { kind: 'answer', afterMs: 2000 + Math.round(Math.random() * 4000), menuKeys: demoMenuKeys } })
  }
  let traffic: Traffic | null = null
  let stopped = false
  const start = (): void => {
    if (stopped) return
    traffic = startTraffic(sim, {
      dids: world.dids,
      callsPerMinute: config.sim.callsPerMinute,
      firstCallAfterMs: firstDemoCallAfterMs,
      returningShare: 0.3,
      talkMs: { min: 8_000, max: 40_000 },
      abandonShare: 0.1,
      anonymousShare: 0.05,
      operators: world.endpoints.map((e) => e.split('/')[1]!),
      menuKeys: demoMenuKeys,
      menu: { dids: world.menuDids, keys: '11223999' },
      burst: { everyMinutes: 3, calls: config.sim.operators + 3 },
      callbackShare: 0.3,
      directDialShare: 0.1
    })
  }
  return {
    startAfter (ready) { void ready.then(start) },
    stop () { stopped = true; traffic?.stop() }
  }
}
