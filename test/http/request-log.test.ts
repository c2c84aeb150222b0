import t from 'tap'
import pino from 'pino'
import { testApp } from './helpers.js'

t.test('request lines are written at debug, so the info log holds the calls, not every page view', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  await w.app.inject({ url: '/api/health' })
  const requestLines = w.logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((r) => r.msg === 'incoming request' || r.msg === 'request completed')
  t.equal(requestLines.length, 2, 'the test logger at trace sees both')
  t.ok(requestLines.every((r) => r.level === pino.levels.values.debug), 'both at debug')
})
