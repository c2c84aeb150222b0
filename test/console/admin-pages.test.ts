// The admin form pages (categories, API tokens, tracking pools, routing): plain posts with the CSRF
// token, refusals as a 400 page naming the field with what was typed kept, roles enforced.
import t from 'tap'
import { startWorld, type World } from '../helpers/world.js'
import { createUser } from '../../src/accounts/user-service.js'
import { getCategory, getOperator, getTrackingNumber } from '../../src/catalog/catalog-service.js'
import { listPools } from '../../src/pbx/tracking-pools.js'
import { browser, logIn, type Browser } from './helpers.js'

const password = 'correct horse battery'

t.test('admin form pages', async (t) => {
  const w: World = await startWorld({ console: { secureCookies: false } })
  t.teardown(() => w.close())
  const app = w.daemon.app
  const db = w.daemon.db
  const anna = w.addOperator('501', { name: 'Anna Smirnova' })
  w.addOperator('502', { name: 'Boris Ivanov', isManager: true })
  await createUser(db, { username: 'boss', displayName: 'Irina', role: 'admin', password, language: 'en' }, Date.now())
  await createUser(db, { username: 'sup', role: 'supervisor', password, language: 'en' }, Date.now())
  await createUser(db, { username: 'anna', role: 'operator', operatorId: anna, password, language: 'en' }, Date.now())
  const as = async (username: string): Promise<Browser> => { const b = browser(app); await logIn(b, username, password); return b }
  const boss = await as('boss')
  const sup = await as('sup')
  const op = await as('anna')
  const send = async (b: Browser, url: string, form: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    await b.post(url, { _csrf: await b.csrf(), ...form })

  await t.test('categories: create, rename, refuse a bad code naming the field, remove', async (t) => {
    const made = await send(boss, '/admin/categories', { categoryId: 'ovens', name: 'Ovens' })
    t.equal(made.status, 302)
    t.equal(getCategory(db, 'ovens')?.name, 'Ovens')
    const bad = await send(boss, '/admin/categories', { categoryId: 'Bad Code!', name: 'Fridges' })
    t.equal(bad.status, 400)
    t.match(bad.body, /Check “Code”: must be a slug/)
    t.match(bad.body, /value="Bad Code!"/, 'the code typed is kept')
    t.match(bad.body, /value="Fridges"/, 'and so is the name')
    t.equal((await send(boss, '/admin/categories/ovens', { name: ' Ovens and hobs ' })).status, 302)
    t.equal(getCategory(db, 'ovens')?.name, 'Ovens and hobs')
    const empty = await send(boss, '/admin/categories/ovens', { name: '' })
    t.equal(empty.status, 400)
    t.match(empty.body, /Check “Name”: must not be empty/)
    t.equal((await send(boss, '/admin/categories', { categoryId: 'spare', name: 'Spare' })).status, 302)
    t.equal((await send(boss, '/admin/categories/spare/remove', {})).status, 302)
    t.equal(getCategory(db, 'spare'), undefined)
  })

  await t.test('specialists: added by name with a level, level changed, refused, removed; a category in use names them', async (t) => {
    t.equal((await send(boss, '/admin/categories/ovens/specialists', { from: 'add', operatorId: anna, level: '7' })).status, 302)
    t.same(getOperator(db, anna)?.skills, { ovens: 7 })
    const page = await boss.get('/admin/categories')
    t.match(page.body, /<tr data-operator="[^"]+"><td>Anna Smirnova<\/td>/, 'the specialist is shown by name')
    t.notMatch(page.body, new RegExp(`<td>${anna}</td>`), 'not by id')
    const tooHigh = await send(boss, '/admin/categories/ovens/specialists', { from: 'level', operatorId: anna, level: '11' })
    t.equal(tooHigh.status, 400)
    t.match(tooHigh.body, /Check “Level”: level must be a whole number from 1 to 10/)
    t.match(tooHigh.body, /value="11"/)
    const nobody = await send(boss, '/admin/categories/ovens/specialists', { from: 'add', operatorId: '', level: '3' })
    t.equal(nobody.status, 400)
    t.match(nobody.body, /Check “Operator”/)
    t.equal((await send(boss, '/admin/categories/ovens/specialists', { from: 'level', operatorId: anna, level: '4' })).status, 302)
    t.same(getOperator(db, anna)?.skills, { ovens: 4 })
    const inUse = await send(boss, '/admin/categories/ovens/remove', {})
    t.equal(inUse.status, 409)
    t.match(inUse.body, /Anna Smirnova still use this category/)
    t.ok(getCategory(db, 'ovens'))
    t.equal((await send(boss, `/admin/categories/ovens/specialists/${anna}/remove`, {})).status, 302)
    t.same(getOperator(db, anna)?.skills, {})
  })

  await t.test('tokens: the secret is shown once, never listed; revoked, the API refuses it', async (t) => {
    const made = await send(boss, '/admin/tokens', { name: 'CRM sync', role: 'supervisor', operatorId: '' })
    t.equal(made.status, 302)
    const shownAt = String(made.headers.location)
    t.match(shownAt, /^\/admin\/tokens\/new\//)
    const once = await boss.get(shownAt)
    t.equal(once.status, 200)
    const secret = /id="token-secret">([^<]+)</.exec(once.body)?.[1]
    t.ok(secret, 'the secret is on the answer page')
    t.match(once.body, /shown only this once/)
    const again = await boss.get(shownAt)
    t.equal(again.status, 410)
    t.notOk(again.body.includes(secret!), 'a second look shows nothing')
    const list = await boss.get('/admin/tokens')
    t.match(list.body, /<td>CRM sync<\/td><td>supervisor<\/td>/)
    t.notOk(list.body.includes(secret!))
    const bearer = { authorization: `Bearer ${secret!}` }
    t.equal((await app.inject({ url: '/api/categories', headers: bearer })).statusCode, 200)
    const noOperator = await send(boss, '/admin/tokens', { name: 'Phone app', role: 'operator', operatorId: '' })
    t.equal(noOperator.status, 400)
    t.match(noOperator.body, /Check “Acts as operator”: an operator token must name the operator/)
    t.match(noOperator.body, /value="Phone app"/)
    const tokenId = new RegExp('<tr data-token="([^"]+)"><td>CRM sync').exec(list.body)![1]!
    t.equal((await send(boss, `/admin/tokens/${tokenId}/revoke`, {})).status, 302)
    t.equal((await app.inject({ url: '/api/categories', headers: bearer })).statusCode, 401)
    t.match((await boss.get('/admin/tokens')).body, /revoked/)
  })

  await t.test('pools: created, refused naming the field, changed', async (t) => {
    const made = await send(boss, '/admin/pools', { source: 'google-ads', defaultDid: '+74950000100', numbers: '+74950000101\n+74950000102', holdMinutes: '' })
    t.equal(made.status, 302)
    t.match(listPools(db, Date.now()), [{ source: 'google-ads', defaultDid: '+74950000100', numbers: ['+74950000101', '+74950000102'], holdMinutes: null }])
    const page = await boss.get('/admin/pools')
    t.match(page.body, /RINGLEAD_TRACKING_HOLD_MINUTES/)
    const bad = await send(boss, '/admin/pools', { source: 'yandex', defaultDid: 'call us', numbers: '+74950000201', holdMinutes: '' })
    t.equal(bad.status, 400)
    t.match(bad.body, /Check “Default number”: must be digits with an optional leading \+, like \+74951234567, got &quot;call us&quot;/)
    t.match(bad.body, /value="call us"/)
    t.match(bad.body, /\+74950000201<\/textarea>/)
    const twice = await send(boss, '/admin/pools', { source: 'google-ads', defaultDid: '+74950000300', numbers: '', holdMinutes: '' })
    t.equal(twice.status, 400)
    t.match(twice.body, /Check “Traffic source”: this source already has a pool/)
    const badHold = await send(boss, '/admin/pools', { existing: 'google-ads', defaultDid: '+74950000100', numbers: '+74950000101', holdMinutes: '0' })
    t.equal(badHold.status, 400)
    t.match(badHold.body, /Check “Hold, minutes”: must be a whole number from 1 to 1440, got 0/)
    t.equal((await send(boss, '/admin/pools', { existing: 'google-ads', defaultDid: '+74950000100', numbers: '+74950000103', holdMinutes: '15' })).status, 302)
    t.match(listPools(db, Date.now()), [{ source: 'google-ads', numbers: ['+74950000103'], holdMinutes: 15 }])
  })

  await t.test('routing: defaults read-only with their variables, overrides per category and number', async (t) => {
    w.addNumber('74950000001', { source: 'site', categoryId: 'ovens' })
    const page = await boss.get('/admin/routing')
    t.equal(page.status, 200)
    t.match(page.body, `<td>Ring timeout, s</td><td>${app.services.config.routing.ringTimeoutSeconds}</td><td><code>RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS</code>`)
    t.match(page.body, /<span class="badge">Boris Ivanov<\/span>/, 'the sales director by name')
    t.equal((await send(boss, '/admin/routing/categories/ovens', { ringTimeoutSeconds: '35', specialistsFirst: 'false', maxAttempts: '' })).status, 302)
    t.same(getCategory(db, 'ovens')?.routingPolicy, { ringTimeoutSeconds: 35, specialistsFirst: false })
    const bad = await send(boss, '/admin/routing/categories/ovens', { ringTimeoutSeconds: '35', maxAttempts: 'many' })
    t.equal(bad.status, 400)
    t.match(bad.body, /Check “Most ring steps”: must be a whole number from 1 to 50/)
    t.match(bad.body, /value="many"/)
    t.equal((await send(boss, '/admin/routing/numbers/74950000001', { efficiencyWeight: '1,5', ringAllStep: 'true' })).status, 302)
    t.same(getTrackingNumber(db, '74950000001')?.routingPolicy, { efficiencyWeight: 1.5, ringAllStep: true })
    t.equal((await send(boss, '/admin/routing/categories/ovens', {})).status, 302)
    t.equal(getCategory(db, 'ovens')?.routingPolicy, null, 'every field empty: everything inherited again')
  })

  await t.test('every word on the pages comes from the message tables, in Russian too', async (t) => {
    for (const lang of ['ru', 'en']) {
      const b = browser(app)
      await logIn(b, 'boss', password)
      await b.post(`/lang/${lang}`, { _csrf: await b.csrf(), back: '/' })
      for (const path of ['/admin/categories', '/admin/tokens', '/admin/pools', '/admin/routing']) {
        const res = await b.get(path)
        t.equal(res.status, 200)
        t.notMatch(res.body.replace(/<script[^]*?<\/script>/g, ''), /\b(adm|cat|tok|pool|rt|nav\.admin)\.[a-zA-Z]+\b/, `${lang} ${path}: no message key shows as itself`)
      }
      if (lang === 'ru') t.match((await b.get('/admin/routing')).body, /Время дозвона, с/)
    }
  })

  await t.test('roles: operators see none of it; supervisors read what the API lets them, and change nothing', async (t) => {
    for (const path of ['/admin/categories', '/admin/pools', '/admin/routing', '/admin/tokens']) t.equal((await op.get(path)).status, 403, `operator ${path}`)
    for (const path of ['/admin/categories', '/admin/pools', '/admin/routing']) {
      const res = await sup.get(path)
      t.equal(res.status, 200, `supervisor ${path}`)
      t.notMatch(res.body, /<form method="post" action="\/admin\//, `no forms for a supervisor on ${path}`)
    }
    t.equal((await sup.get('/admin/tokens')).status, 403)
    const writes: Array<[string, Record<string, string>]> = [
      ['/admin/categories', { categoryId: 'sneaky', name: 'Sneaky' }], ['/admin/categories/ovens/remove', {}],
      ['/admin/categories/ovens/specialists', { operatorId: anna, level: '3' }], ['/admin/tokens', { name: 'x', role: 'admin' }],
      ['/admin/pools', { source: 'sneaky', defaultDid: '+74950000900', numbers: '' }], ['/admin/routing/categories/ovens', { maxAttempts: '2' }]
    ]
    for (const [url, form] of writes) {
      t.equal((await send(sup, url, form)).status, 403, `supervisor POST ${url}`)
      t.equal((await send(op, url, form)).status, 403, `operator POST ${url}`)
    }
    t.equal(getCategory(db, 'sneaky'), undefined)
    t.same(getOperator(db, anna)?.skills, {})
    t.equal(getCategory(db, 'ovens')?.routingPolicy, null)
    t.equal((await boss.post('/admin/categories', { categoryId: 'nocsrf', name: 'No CSRF' })).status, 403, 'a post without the CSRF token is refused')
    t.equal(getCategory(db, 'nocsrf'), undefined)
  })
})
