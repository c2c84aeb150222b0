// The wallboard's live feed (SSE; the page is wallboard-pages.ts). A console that stops reading is dropped once what
// waits to be sent to it passes a bound: the feed never buffers for one client without limit.
import type { FastifyInstance } from 'fastify'
import { isVisibleTo, snapshotFor, type ConsoleFeed, type FeedEvent } from '../../notify/console-feed.js'
import type { ConsoleKit } from './kit.js'

export async function liveFeedRoutes (app: FastifyInstance, kit: ConsoleKit, feed: ConsoleFeed | undefined): Promise<void> {
  const maxUnsent = app.services.config.console.feedMaxUnsentBytes
  const streams = new Set<() => void>()
  // Each event is serialised once, however many consoles are open.
  const wired = new WeakMap<FeedEvent, string>()
  const wire = (e: FeedEvent): string => {
    let text = wired.get(e)
    if (text === undefined) {
      text = `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`
      wired.set(e, text)
    }
    return text
  }
  // Open feeds would keep the server from closing: end them first.
  app.addHook('preClose', async () => { for (const end of [...streams]) end() })

  app.get('/console/live', kit.page('operator'), async (req, reply) => {
    if (feed === undefined) return reply.code(503).send({ error: 'UNAVAILABLE', message: 'no live feed in this process' })
    const user = kit.userOf(req)
    const out = reply.raw
    let dropped = false
    /**
     * Writes, then looks at what is still waiting (write hands to the kernel at once what fits): a
     * client too far behind is cut off, and its browser reconnects and gets a snapshot.
     */
    const send = (text: string): void => {
      if (dropped) return
      out.write(text)
      if (out.writableLength <= maxUnsent) return
      dropped = true
      req.log.info({ userId: user.userId, unsentBytes: out.writableLength }, 'live feed client too slow; dropped')
      close()
      out.destroy()
    }
    const write = (e: FeedEvent): void => { if (isVisibleTo(e, user)) send(wire(e)) }
    reply.hijack()
    out.writeHead(200, { ...reply.getHeaders() as Record<string, string>, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    send('retry: 2000\n\n')
    const lastHeader = req.headers['last-event-id']
    const lastId = typeof lastHeader === 'string' && /^\d+$/.test(lastHeader) ? Number(lastHeader) : null
    const missed = lastId === null ? null : feed.since(lastId)
    if (missed === null) {
      const snap = snapshotFor(feed.snapshot(), user)
      send(`id: ${snap.lastEventId}\nevent: snapshot\ndata: ${JSON.stringify(snap)}\n\n`)
    } else {
      for (const e of missed) write(e)
    }
    const unsubscribe = feed.subscribe(write)
    const ping = setInterval(() => { send(': ping\n\n') }, 25_000)
    function close (): void { clearInterval(ping); unsubscribe(); streams.delete(end) }
    const end = (): void => { close(); out.end() }
    streams.add(end)
    req.raw.on('close', close)
  })
}
