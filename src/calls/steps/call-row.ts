// The call's row and its call.started event, written once the call knows where it goes (or that it
// enters a voice menu first).
import type { RoutingPlan } from '../../domain/routing.js'
import type { CallContext } from '../call-context.js'

export function openCallRow (ctx: CallContext, route: RoutingPlan | null, status: 'menu' | 'ringing'): void {
  const { repo, bus } = ctx.deps
  const channel = ctx.channel
  const f = ctx.facts
  repo.insertCall({
    callId: ctx.callId, direction: 'inbound', status, channelId: channel.channelId,
    callerRaw: channel.callerNumber, callerPhone: f.callerPhone, callerName: channel.callerName || f.customer?.name || null,
    customerId: f.customer?.customerId ?? null, did: channel.did, trackingDid: f.tracking?.did ?? null,
    source: ctx.source, categoryId: f.categoryId,
    visitId: f.visit?.visitId ?? null, campaign: f.visit?.campaign ?? null, utm: f.visit ? JSON.stringify(f.visit.utm) : null,
    plan: route ? JSON.stringify(route) : null, startedAt: ctx.startedAt, warnings: f.warnings.length ? JSON.stringify(f.warnings) : null,
    menuPath: f.menuPath.length ? JSON.stringify(f.menuPath) : null, queuedAt: f.queuedAt, resumedFrom: f.resumedFrom
  })
  bus.emit('call.started', {
    callId: ctx.callId, callerPhone: f.callerPhone, did: channel.did,
    source: ctx.source, categoryId: f.categoryId, startedAt: ctx.startedAt
  })
}

/** After a voice menu: the row exists already; it gets the plan, the category and the menu path. */
export function markRinging (ctx: CallContext, route: RoutingPlan): void {
  ctx.deps.repo.updateCall(ctx.callId, {
    status: 'ringing', plan: JSON.stringify(route), categoryId: ctx.facts.categoryId, menuPath: JSON.stringify(ctx.facts.menuPath)
  })
}
