// Prometheus metrics at GET /metrics: calls and attempts from the bus, routing latency (call start →
// first operator rung), queue depth and webhook backlog read when scraped.
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Bus } from '../bus.js'

export interface MetricsSources {
  /** Callers waiting for an operator now. */
  waiting?: () => number
  /** Webhook deliveries not yet done. */
  webhookBacklog?: () => number
  /** Calls in progress. */
  activeCalls?: () => number
}

export async function metricsRoute (app: FastifyInstance, opts: MetricsSources & { bus: Bus; now: () => number }): Promise<void> {
  const registry = new Registry() // one per app: tests run several daemons in a process
  const calls = new Counter({ name: 'ringlead_calls_total', help: 'Calls ended, by direction and status', labelNames: ['direction', 'status'], registers: [registry] })
  const attempts = new Counter({ name: 'ringlead_attempts_total', help: 'Operator rings, by result', labelNames: ['result'], registers: [registry] })
  const routing = new Histogram({
    name: 'ringlead_routing_latency_seconds', help: 'From a call\'s start to the first operator rung', registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
  })
  new Gauge({ name: 'ringlead_queue_depth', help: 'Callers waiting for a free operator', registers: [registry], collect () { this.set(opts.waiting?.() ?? 0) } })
  new Gauge({ name: 'ringlead_webhook_backlog', help: 'Webhook deliveries pending or being retried', registers: [registry], collect () { this.set(opts.webhookBacklog?.() ?? 0) } })
  new Gauge({ name: 'ringlead_active_calls', help: 'Calls in progress', registers: [registry], collect () { this.set(opts.activeCalls?.() ?? 0) } })

  const started = new Map<string, number>()
  const onStarted = (e: { callId: string; startedAt: number }): void => { started.set(e.callId, e.startedAt) }
  const onOffered = (e: { callId: string }): void => {
    const at = started.get(e.callId)
    if (at === undefined) return
    started.delete(e.callId) // only the first operator rung counts
    routing.observe(Math.max(0, opts.now() - at) / 1000)
  }
  const onEnded = (e: { callId: string; direction: string; status: string; attempts: Array<{ result: string }> }): void => {
    started.delete(e.callId)
    calls.inc({ direction: e.direction, status: e.status })
    for (const a of e.attempts) attempts.inc({ result: a.result })
  }
  opts.bus.on('call.started', onStarted)
  opts.bus.on('call.offered', onOffered)
  opts.bus.on('call.ended', onEnded)
  app.addHook('onClose', async () => {
    opts.bus.off('call.started', onStarted)
    opts.bus.off('call.offered', onOffered)
    opts.bus.off('call.ended', onEnded)
  })

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()))
}
