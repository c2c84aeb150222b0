import { Writable } from 'node:stream'
import t from 'tap'
import { chooseLogFormat, createLogger } from '../src/logger.js'

function sink (): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, text: () => chunks.join('') }
}

t.test('logs are readable lines on a terminal and JSON elsewhere, unless the format is set', async (t) => {
  t.equal(chooseLogFormat('auto', true), 'pretty')
  t.equal(chooseLogFormat('auto', false), 'json')
  t.equal(chooseLogFormat('json', true), 'json')
  t.equal(chooseLogFormat('pretty', false), 'pretty')
})

t.test('a pretty line shows level and message in words, with the call id beside them', async (t) => {
  const out = sink()
  createLogger({ level: 'info', format: 'pretty', destination: out.stream }).child({ callId: 'call_1' }).info({ operatorId: 'op_2' }, 'operator answered')
  const line = out.text()
  t.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: operator answered/)
  t.match(line, /"callId":"call_1"/)
  t.notMatch(line, /"level":30/, 'not a JSON record')
})

t.test('a JSON line is one record per line', async (t) => {
  const out = sink()
  createLogger({ level: 'info', format: 'json', destination: out.stream }).info({ callId: 'call_1' }, 'call started')
  t.match(JSON.parse(out.text().trim()), { level: 30, callId: 'call_1', msg: 'call started' })
})

t.test('secrets are redacted in both formats', async (t) => {
  for (const format of ['pretty', 'json'] as const) {
    const out = sink()
    createLogger({ level: 'info', format, destination: out.stream }).info({ ari: { password: 'hunter2-secret' } }, 'config')
    t.notMatch(out.text(), /hunter2-secret/, format)
    t.match(out.text(), /\[redacted\]/, format)
  }
})
