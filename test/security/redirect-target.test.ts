import t from 'tap'
import { safeTarget } from '../../src/http/console/redirect.js'

t.test('keeps paths on this site as they are', async (t) => {
  for (const ok of ['/', '/wallboard', '/leads?view=board&open=1', '/calls/cal_1', '/leads/%D0%B0', '/reports/funnels?from=2026-01-01']) t.equal(safeTarget(ok), ok, ok)
})

t.test('sends anything that could leave the site to /', async (t) => {
  const bad = [
    undefined, null, 42, ['/a'], '', 'wallboard', 'http://evil.example/', 'https://evil.example', '//evil.example/phish', '/\\evil.example',
    '\\\\evil.example', '/\t/evil.example/phish', '/\n/evil.example', '/%09/evil.example', '/%0a', '/%0d%0aSet-Cookie:x=1', '/%2F/evil.example',
    '/%5Cevil.example', '/a\\b', 'javascript:alert(1)', '/\u0000', '/%00', '/ %2f', ' /wallboard', '/ünïcode', '/%E0%A4%A', '/\u202e', '/' + 'a'.repeat(3000)
  ]
  for (const target of bad) t.equal(safeTarget(target), '/', JSON.stringify(target))
})
