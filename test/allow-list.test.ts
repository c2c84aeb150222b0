import t from 'tap'
import { allowListProblems, parseAllowList } from '../src/allow-list.js'
import { ConfigError, loadConfig } from '../src/config.js'

t.test('addresses and CIDR ranges of both families are matched; everything else is not', async (t) => {
  const list = parseAllowList(' 127.0.0.0/8, ::1 ,10.20.0.0/16,192.0.2.7, fd00::/8')
  for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '10.20.3.4', '192.0.2.7', 'fd12::5', '::ffff:127.0.0.1', '::ffff:10.20.0.1']) t.ok(list.has(ip), ip)
  for (const ip of ['10.21.0.1', '192.0.2.8', '::2', 'fe80::1', '8.8.8.8', '::ffff:8.8.8.8', 'localhost', '', undefined]) t.notOk(list.has(ip), String(ip))
  t.same(list.entries, ['127.0.0.0/8', '::1', '10.20.0.0/16', '192.0.2.7', 'fd00::/8'])
})

t.test('names each entry that is not an address or a range, and an empty list', async (t) => {
  t.same(allowListProblems('10.0.0.0/8,::1'), [])
  t.same(allowListProblems('10.0.0.0/33, host.example, ::/129, 1.2.3.4/x, 1.2.3.4/8/9'), [
    '"10.0.0.0/33" has a prefix length outside 0–32',
    '"host.example" is not an IP address or CIDR range',
    '"::/129" has a prefix length outside 0–128',
    '"1.2.3.4/x" has a prefix length outside 0–32',
    '"1.2.3.4/8/9" is not an IP address or CIDR range'
  ])
  t.match(allowListProblems(' , '), [/names no address/])
  t.throws(() => parseAllowList('nope'), /"nope" is not an IP address/)
})

t.test('FastAGI settings: loopback-only defaults, and a bad value names its variable', async (t) => {
  const agi = loadConfig({}).agi
  t.match(agi, { host: '127.0.0.1', allow: '127.0.0.0/8,::1', maxConnections: 500, maxHeaderBytes: 16_384, maxLineBytes: 8192, headerSeconds: 10 })
  t.match(loadConfig({ RINGLEAD_AGI_ALLOW: '10.1.0.0/16', RINGLEAD_AGI_MAX_CONNECTIONS: '50' }).agi, { allow: '10.1.0.0/16', maxConnections: 50 })
  const err = t.throws(() => loadConfig({ RINGLEAD_AGI_ALLOW: '10.1.0.0/40', RINGLEAD_AGI_MAX_CONNECTIONS: '0', RINGLEAD_AGI_MAX_LINE_BYTES: 'big', RINGLEAD_AGI_HEADER_SECONDS: '0', RINGLEAD_AGI_MAX_HEADER_BYTES: '10' })) as ConfigError
  t.ok(err instanceof ConfigError)
  const text = err.problems.join('\n')
  for (const name of ['RINGLEAD_AGI_ALLOW (agi.allow): "10.1.0.0/40"', 'RINGLEAD_AGI_MAX_CONNECTIONS', 'RINGLEAD_AGI_MAX_LINE_BYTES', 'RINGLEAD_AGI_HEADER_SECONDS', 'RINGLEAD_AGI_MAX_HEADER_BYTES']) t.match(text, name)
})
