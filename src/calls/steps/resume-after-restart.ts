// Step: a caller Asterisk still held when ringlead restarted continues their call, not a new one:
// the category, menu path and place in the queue of the call before the restart carry over.
import type { CallContext } from '../call-context.js'

export function resumeAfterRestart (ctx: CallContext): void {
  if (ctx.channel.state !== 'Up') return
  const previous = ctx.deps.repo.lastCallOfChannel(ctx.channel.channelId)
  if (!previous) return
  const facts = ctx.facts
  facts.resumedFrom = previous.callId
  facts.categoryId = previous.categoryId
  facts.queuedAt = previous.queuedAt
  facts.menuPath = parseMenuPath(previous.menuPath)
  ctx.log.warn({ resumedFrom: previous.callId, queuedAt: previous.queuedAt }, 'caller picked up again after a restart')
}

function parseMenuPath (stored: string | null): string[] {
  if (!stored) return []
  try {
    return JSON.parse(stored) as string[]
  } catch (err) {
    // A row written by an older version or cut short: the path is lost, the call goes on.
    if (err instanceof SyntaxError) return []
    throw err
  }
}
