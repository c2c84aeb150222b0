// The console's live feed over real HTTP: an operator's wallboard shows the team's state, but not
// the alerts about another operator's leads and calls (their customer's name, words from the call).
import { request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../../src/config.js'
import { boardThresholds } from '../../src/domain/board-grades.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { createUser } from '../../src/accounts/user-service.js'
import { buildApp } from '../../src/http/app.js'
import { ConsoleFeed } from '../../src/notify/console-feed.js'
import { browser, logIn } from '../console/helpers.js'
import { adminSecret, testBase } from '../http/helpers.js'
import { password } from './helpers.js'

const stats = { answered: 0, missed: 0, missedPct: null, avgAnswerMs: null, openLeads: 0, overdueLeads: 0, deals: 0, serviceLevel: { pct: null, offered: 0, byCategory: {} } }
const calls: Record<string, string> = { call_ana: 'op_ana', call_ben: 'op_ben' }

/** Reads server-sent events off a response, one at a time, as they arrive. */
function sse (res: IncomingMessage) {
  let buffer = ''
  const queue: Array<{ event: string; data: unknown }> = []
  const waiting: Array<() => void> = []
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buffer += chunk
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (data === undefined) continue
      queue.push({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) })
      waiting.shift()?.()
    }
  })
  return {
    async next (): Promise<{ event: string; data: unknown }> {
      while (queue.length === 0) await new Promise<void>((resolve) => waiting.push(resolve))
      return queue.shift()!
    }
  }
}

t.test('an operator\'s live feed leaves out alerts about other operators\' leads and calls; a supervisor\'s has them all', async (t) => {
  const { db, bus, now, newId, log } = testBase()
  const catalog = { db, bus, now, newId }
  createOperator(catalog, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_ana')
  createOperator(catalog, { name: 'Ben', endpoint: 'PJSIP/102' }, 'op_ben')
  const feed = new ConsoleFeed({ bus, operators: () => [], waiting: () => [], stats: () => stats, thresholds: boardThresholds(loadConfig({}).wallboard), now, backlog: 100, operatorOfCall: (callId) => calls[callId] ?? null })
  feed.start()
  const config = loadConfig({}, { http: { adminToken: adminSecret } })
  const app = await buildApp({ db, bus, config, log, now, newId, feed }) as unknown as FastifyInstance
  await app.listen({ port: 0, host: '127.0.0.1' })
  const streams: IncomingMessage[] = []
  t.teardown(async () => { for (const s of streams) s.destroy(); feed.stop(); await app.close(); db.$client.close() })

  const overdue = (owner: string, name: string) => bus.emit('lead.escalated', {
    leadId: `lead_${owner}`, lead: { name, ownerId: owner }, change: { kind: 'escalated', actor: 'system' }, atMs: now()
  })
  const rude = (callId: string, words: string) => bus.emit('call.qa_alert', {
    callId, score: 10, atMs: now(),
    findings: [{ ruleId: 'profanity', kind: 'forbidden', severity: 'severe', title: 'Profanity', message: 'a forbidden word', segmentIndex: 0, atMs: 0, speaker: 'operator', text: words, penalty: 30 }]
  })
  overdue('op_ben', 'Bens Secret Customer')
  rude('call_ben', 'bens words')
  overdue('op_ana', 'Anas Customer')

  const live = async (username: string, role: 'operator' | 'supervisor') => {
    await createUser(db, { username, password, role, operatorId: role === 'operator' ? 'op_ana' : null }, now())
    const b = browser(app)
    t.equal((await logIn(b, username, password)).status, 302)
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const { port } = app.server.address() as AddressInfo
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/console/live', headers: { cookie } }, resolve).on('error', reject).end()
    })
    streams.push(res)
    t.equal(res.statusCode, 200)
    return Object.assign(sse(res), { page: async () => (await b.get('/wallboard')).body })
  }

  const ana = await live('ana', 'operator')
  const snap = await ana.next()
  t.equal(snap.event, 'snapshot')
  const texts = (snap.data as { alerts: Array<{ text: string }> }).alerts.map((a) => a.text)
  t.same(texts, ['Anas Customer'], 'Ana\'s snapshot holds her own overdue lead only')
  const page = await ana.page()
  t.match(page, /Anas Customer/)
  t.notMatch(page, /Bens Secret Customer|bens words/, 'the wallboard page as well')

  const boss = await live('boss', 'supervisor')
  t.same((await boss.next()).data, { ...(snap.data as object), alerts: feed.snapshot().alerts, serverNowMs: now() }, 'a supervisor\'s snapshot holds every alert')

  // Live: Ben's alerts go out first; the next thing Ana receives is her own.
  overdue('op_ben', 'Bens Other Customer')
  rude('call_ben', 'more of bens words')
  rude('call_ana', 'anas words')
  const next = await ana.next()
  t.match(next, { event: 'alert', data: { kind: 'qa', callId: 'call_ana', text: 'Profanity: «anas words»' } })
  const bossSaw = [await boss.next(), await boss.next(), await boss.next()].map((e) => (e.data as { text: string }).text)
  t.same(bossSaw, ['Bens Other Customer', 'Profanity: «more of bens words»', 'Profanity: «anas words»'])
})
