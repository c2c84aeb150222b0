import t from 'tap'
import { startWorld } from '../helpers/world.js'

t.test('menus: saved whole or refused with the path to what points nowhere; numbers name their menu', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addOperator('101')
  w.addNumber('74950000000', { source: 'site' })
  const h = { authorization: `Bearer ${w.token}` }
  const put = (id: string, body: unknown) => w.daemon.app.inject({ method: 'PUT', url: `/api/menus/${id}`, headers: h, payload: body as object })

  const bad = await put('main', {
    name: 'Main', prompt: ['sound:ringlead/demo-menu'],
    options: { 1: { kind: 'menu', menuId: 'service' }, 2: { kind: 'category', categoryId: 'boats' } },
    defaultAction: { kind: 'route' }
  })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { error: 'INVALID_INPUT', message: 'menu: main.options.1: menu "service" does not exist; main.options.2: category "boats" does not exist' })

  const wrongShape = await put('main', { name: 'Main', defaultAction: { kind: 'teleport' } })
  t.equal(wrongShape.statusCode, 400)
  t.match(wrongShape.json().message, /defaultAction/)
  t.equal((await put('Main Menu', { name: 'x', defaultAction: { kind: 'route' } })).statusCode, 400, 'ids are lower-case words')

  const service = await put('service', { name: 'Service', prompt: ['sound:ringlead/demo-menu'], options: { 1: { kind: 'operator', operatorId: 'op_101' } }, defaultAction: { kind: 'route' } })
  t.equal(service.statusCode, 201)
  const main = await put('main', {
    name: 'Main', greeting: ['recording:shop-hello'], prompt: ['sound:ringlead/demo-menu'],
    options: { 1: { kind: 'menu', menuId: 'service' }, 2: { kind: 'category', categoryId: 'ovens' }, 9: { kind: 'callback' } },
    defaultAction: { kind: 'route' }, afterHours: { kind: 'callback' }, isDefault: true
  })
  t.equal(main.statusCode, 201)
  t.match(main.json(), { menuId: 'main', isDefault: true, timeoutSeconds: 5, repeats: 2, afterHours: { kind: 'callback' } })
  const { updatedAt: _u, ...view } = main.json() as Record<string, unknown>
  t.equal((await put('main', view)).statusCode, 400, 'read-only fields (menuId) are not accepted back')
  t.equal(w.daemon.menus.defaultMenuId(), 'main')
  t.same((await w.daemon.app.inject({ url: '/api/menus', headers: h })).json().menus.map((m: { menuId: string }) => m.menuId), ['main', 'service'])

  const unknown = await w.daemon.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000000', headers: h, payload: { menuId: 'night' } })
  t.same(unknown.json(), { error: 'INVALID_INPUT', message: 'menuId: unknown menu night' })
  const linked = await w.daemon.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000000', headers: h, payload: { menuId: 'service' } })
  t.equal(linked.json().menuId, 'service')

  const inUse = await w.daemon.app.inject({ method: 'DELETE', url: '/api/menus/service', headers: h })
  t.equal(inUse.statusCode, 409)
  t.match(inUse.json().message, /menu service is the menu of tracking number 74950000000/)
  await w.daemon.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000000', headers: h, payload: { menuId: null } })
  t.match((await w.daemon.app.inject({ method: 'DELETE', url: '/api/menus/service', headers: h })).json().message, /reached from menu main/)
  t.equal((await w.daemon.app.inject({ method: 'DELETE', url: '/api/menus/main', headers: h })).statusCode, 204)
  t.equal((await w.daemon.app.inject({ method: 'DELETE', url: '/api/menus/service', headers: h })).statusCode, 204)
  t.equal(w.daemon.menus.defaultMenuId(), null)
  t.equal((await w.daemon.app.inject({ method: 'DELETE', url: '/api/menus/service', headers: h })).statusCode, 404)
})
