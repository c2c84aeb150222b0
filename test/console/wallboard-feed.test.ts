// The wallboard's figures and pause reasons over the real SSE feed (/console/live), as a browser
// reads it: a pause set from the console's form and one from the phone's feature code arrive with
// their reasons, an answered call arrives as a service level, and the CSRF token guards the form.
import { request, type IncomingMessage } from 'node:http'
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { browser, logIn } from './helpers.js'
import { startWorld } from '../helpers/world.js'

interface Event { event: string; data: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads server-sent events off a response; `until` waits for the first one that passes. */
function sse (res: IncomingMessage): { until (test: (e: Event) => boolean): Promise<Event> } {
  res.setEncoding('utf8')
  let buffer = ''
  const seen: Event[] = []
  const waiters: Array<{ test: (e: Event) => boolean; resolve: (e: Event) => void }> = []
  res.on('data', (chunk: string) => {
    buffer += chunk
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event === undefined || data === undefined) continue
      const e = { event, data: JSON.parse(data) }
      seen.push(e)
      for (const w of [...waiters]) if (w.test(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e) }
    }
  })
  return {
    until: async (test) => seen.find(test) ?? await new Promise<Event>((resolve) => waiters.push({ test, resolve }))
  }
}

t.test('pause reasons and the service level reach a wallboard over its feed', async (t) => {
  const w = await startWorld({ http: { port: 0 }, wallboard: { serviceLevelSeconds: 5 } }, { listen: true })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addNumber('74950000001', { source: 'site', categoryId: 'ovens' })
  const anna = w.addOperator('401', { name: 'Anna', behaviour: { kind: 'answer', afterMs: 10 }, skills: { ovens: 5 } })
  const boris = w.addOperator('402', { name: 'Boris' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina', role: 'supervisor', password: 'correct horse battery', language: 'en' }, Date.now())
  const b = browser(w.daemon.app)
  t.equal((await logIn(b, 'boss', 'correct horse battery')).status, 302)
  const { port } = new URL(w.daemon.url!)
  const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request({ host: '127.0.0.1', port: Number(port), path: '/console/live', headers: { cookie } }, resolve).on('error', reject).end()
  })
  t.teardown(() => { res.destroy() })
  const feed = sse(res)
  const snap = await feed.until((e) => e.event === 'snapshot')
  t.same(snap.data.stats.serviceLevel, { pct: null, offered: 0, byCategory: {} }, 'no calls yet')
  t.same(snap.data.grades.all, { serviceLevel: 'ok', waiting: 'ok', longestWait: [{ fromMs: 0, grade: 'ok' }] }, 'the figures come graded')
  t.match(snap.data.operators.find((o: { operatorId: string }) => o.operatorId === anna), { skills: ['ovens'], pausedReason: null })

  // The console's form: without its CSRF token nothing changes.
  const refused = await b.post('/wallboard/pause', { operatorId: boris, reason: 'lunch' })
  t.equal(refused.status, 403)
  t.equal(w.daemon.board.view(boris)?.state, 'available')
  const paused = await b.post('/wallboard/pause', { _csrf: await b.csrf(), operatorId: boris, reason: 'meeting' })
  t.equal(paused.status, 302)
  const pauseEvent = await feed.until((e) => e.event === 'operator' && e.data.operatorId === boris && e.data.pausedReason === 'meeting')
  t.match(pauseEvent.data, { state: 'paused', pausedReason: 'meeting' })
  t.equal((await b.post('/wallboard/pause', { _csrf: await b.csrf(), operatorId: boris, reason: 'nap' })).status, 400, 'a reason not in the list')
  await b.post('/wallboard/pause', { _csrf: await b.csrf(), operatorId: boris, reason: 'lunch' })
  const changed = await feed.until((e) => e.event === 'operator' && e.data.operatorId === boris && e.data.pausedReason === 'lunch')
  t.equal(changed.data.sinceMs, pauseEvent.data.sinceMs, 'another reason keeps the pause\'s start')
  await b.post('/wallboard/resume', { _csrf: await b.csrf(), operatorId: boris })
  await feed.until((e) => e.event === 'operator' && e.data.operatorId === boris && e.data.state === 'available' && e.data.pausedReason === null)

  const ended = w.ended(() => true)
  const caller = w.sim.placeCall({ from: '+79035550109', did: '74950000001' })
  await w.hangUpWhenRecorded(caller.channelId)
  await ended
  const stats = await feed.until((e) => e.event === 'stats' && e.data.serviceLevel.offered === 1)
  t.same(stats.data.serviceLevel, { pct: 100, offered: 1, byCategory: { ovens: { pct: 100, offered: 1 } } }, 'answered within 5 s: in time, for ovens too')
})
