// Prometheus metrics at GET /metrics: calls and attempts from the bus; routing latency (StasisStart
// frame in → operator originate out); the event loop's lag; ARI commands in flight and their wait
// for a socket; queue depth and webhook backlog read when scraped.
import type { FastifyInstance } from 'fastify'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Bus } from '../bus.js'
import { unexpectedErrorCounts } from '../unexpected-errors.js'

export interface MetricsSources {
  /** Callers waiting for an operator now. */
  waiting?: () => number
  /** Webhook deliveries not yet done. */
  webhookBacklog?: () => number
  /** Calls in progress. */
  activeCalls?: () => number
  /** ARI commands: in flight and waiting for a socket now; each one's wait for a socket as it gets one. */
  ari?: {
    commandQueue: () => { inFlight: number; waitingForSocket: number }
    onSocketWait: (listener: (seconds: number) => void) => () => void
  }
}

/** Sub-millisecond steps at the bottom: a set-up from memory takes well under a millisecond. */
const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
/** How often the event loop's lag is sampled (libuv timer in native code: no JavaScript runs). */
const LOOP_RESOLUTION_MS = 20

export async function metricsRoute (app: FastifyInstance, opts: MetricsSources & { bus: Bus; now: () => number }): Promise<void> {
  const registry = new Registry() // one per app: tests run several daemons in a process
  const calls = new Counter({ name: 'ringlead_calls_total', help: 'Calls ended, by direction and status', labelNames: ['direction', 'status'], registers: [registry] })
  const attempts = new Counter({ name: 'ringlead_attempts_total', help: 'Operator rings, by result', labelNames: ['result'], registers: [registry] })
  const routing = new Histogram({
    name: 'ringlead_routing_latency_seconds',
    help: 'Inbound calls: from the StasisStart frame\'s arrival on the ARI WebSocket to the first operator originate handed to its socket',
    registers: [registry], buckets: FAST_BUCKETS
  })
  new Gauge({ name: 'ringlead_queue_depth', help: 'Callers waiting for a free operator', registers: [registry], collect () { this.set(opts.waiting?.() ?? 0) } })
  new Gauge({ name: 'ringlead_webhook_backlog', help: 'Webhook deliveries pending or being retried', registers: [registry], collect () { this.set(opts.webhookBacklog?.() ?? 0) } })
  const unexpectedSeen = new Map<string, number>()
  new Counter({
    name: 'ringlead_unexpected_errors_total', help: 'Errors a hang-up or clean-up path did not expect (logged), by place', labelNames: ['where'], registers: [registry],
    collect () {
      for (const [where, n] of unexpectedErrorCounts()) {
        const delta = n - (unexpectedSeen.get(where) ?? 0)
        if (delta > 0) this.inc({ where }, delta)
        unexpectedSeen.set(where, n)
      }
    }
  })
  new Gauge({ name: 'ringlead_active_calls', help: 'Calls in progress', registers: [registry], collect () { this.set(opts.activeCalls?.() ?? 0) } })

  // Event-loop lag since the previous scrape: how long ready work (an ARI event, a timer) waited.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  const lag = new Gauge({
    name: 'ringlead_event_loop_lag_seconds', help: `Event-loop delay since the previous scrape (sampled every ${LOOP_RESOLUTION_MS} ms), by quantile`,
    labelNames: ['quantile'], registers: [registry],
    collect () {
      const seconds = (ns: number): number => Math.max(0, ns - LOOP_RESOLUTION_MS * 1e6) / 1e9
      const has = loop.count > 0
      lag.set({ quantile: '0.5' }, has ? seconds(loop.percentile(50)) : 0)
      lag.set({ quantile: '0.99' }, has ? seconds(loop.percentile(99)) : 0)
      lag.set({ quantile: '1' }, has ? seconds(loop.max) : 0)
      loop.reset()
    }
  })

  const ari = opts.ari
  new Gauge({ name: 'ringlead_ari_commands_in_flight', help: 'ARI commands sent and not yet answered', registers: [registry], collect () { this.set(ari?.commandQueue().inFlight ?? 0) } })
  new Gauge({ name: 'ringlead_ari_commands_waiting_for_socket', help: 'ARI commands waiting for a free keep-alive socket', registers: [registry], collect () { this.set(ari?.commandQueue().waitingForSocket ?? 0) } })
  const socketWait = new Histogram({
    name: 'ringlead_ari_socket_wait_seconds', help: 'Time an ARI command waited for a socket before it could be sent',
    registers: [registry], buckets: FAST_BUCKETS
  })
  const stopSocketWaits = ari?.onSocketWait((seconds) => { socketWait.observe(seconds) })

  const onRouted = (e: { routingMs: number }): void => { routing.observe(e.routingMs / 1000) }
  const onEnded = (e: { callId: string; direction: string; status: string; attempts: Array<{ result: string }> }): void => {
    calls.inc({ direction: e.direction, status: e.status })
    for (const a of e.attempts) attempts.inc({ result: a.result })
  }
  opts.bus.on('call.routed', onRouted)
  opts.bus.on('call.ended', onEnded)
  app.addHook('onClose', async () => {
    opts.bus.off('call.routed', onRouted)
    opts.bus.off('call.ended', onEnded)
    stopSocketWaits?.()
    loop.disable()
  })

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()))
}
