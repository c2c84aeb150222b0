import t from 'tap'
import { answerMenu, enterMenu, maxMenusEntered, menuProblems, type Menu, type MenuStep } from '../../src/domain/ivr.js'

const menu = (menuId: string, o: Partial<Menu> = {}): Menu => ({
  menuId, name: menuId, greeting: [`sound:${menuId}-hello`], prompt: [`sound:${menuId}-choices`], options: {},
  timeoutSeconds: 5, repeats: 1, defaultAction: { kind: 'route' }, afterHours: null, ...o
})
const menus = (...list: Menu[]): Map<string, Menu> => new Map(list.map((m) => [m.menuId, m]))
const ask = (s: MenuStep): Extract<MenuStep, { kind: 'ask' }> => {
  if (s.kind !== 'ask') throw new Error(`expected ask, got ${JSON.stringify(s)}`)
  return s
}

const shop = menus(
  menu('main', { options: { 1: { kind: 'category', categoryId: 'ovens' }, 2: { kind: 'menu', menuId: 'service' }, 9: { kind: 'callback' } } }),
  menu('service', { options: { 1: { kind: 'operator', operatorId: 'op_ana' }, 0: { kind: 'menu', menuId: 'main' } }, defaultAction: { kind: 'group', operatorIds: ['op_ana', 'op_ben'] } })
)

t.test('entering a menu plays its greeting and choices; a key leads to its action with the path', async (t) => {
  const first = ask(enterMenu(shop, 'main', true))
  t.same(first.media, ['sound:main-hello', 'sound:main-choices'])
  t.same(first.walk, { menuId: 'main', tries: 1, path: [], entered: 1 })
  t.same(answerMenu(shop, first.walk, { kind: 'key', digit: '1' }, true), { kind: 'done', action: { kind: 'category', categoryId: 'ovens' }, path: ['main:1'], reason: 'category ovens' })
  t.match(answerMenu(shop, first.walk, { kind: 'key', digit: '9' }, true), { kind: 'done', action: { kind: 'callback' } })
})

t.test('a sub-menu is entered with its own greeting, and its keys add to the path', async (t) => {
  const sub = ask(answerMenu(shop, ask(enterMenu(shop, 'main', true)).walk, { kind: 'key', digit: '2' }, true))
  t.same(sub.media, ['sound:service-hello', 'sound:service-choices'])
  t.same(sub.walk, { menuId: 'service', tries: 1, path: ['main:2'], entered: 2 })
  t.same(answerMenu(shop, sub.walk, { kind: 'key', digit: '1' }, true), { kind: 'done', action: { kind: 'operator', operatorId: 'op_ana' }, path: ['main:2', 'service:1'], reason: 'operator op_ana' })
})

t.test('silence and wrong keys repeat the choices, then the default route is taken', async (t) => {
  const first = ask(enterMenu(shop, 'service', true))
  const again = ask(answerMenu(shop, first.walk, { kind: 'key', digit: '7' }, true))
  t.same(again.media, ['sound:service-choices'], 'only the choices, not the greeting')
  t.same(again.walk, { menuId: 'service', tries: 2, path: ['service:invalid'], entered: 1 })
  const done = answerMenu(shop, again.walk, { kind: 'timeout' }, true)
  t.same(done, {
    kind: 'done', action: { kind: 'group', operatorIds: ['op_ana', 'op_ben'] }, path: ['service:invalid', 'service:timeout'],
    reason: 'no key after 2 prompts: default of service'
  })
})

t.test('outside working hours the after-hours action replaces the menu', async (t) => {
  const night = menus(
    menu('main', { options: { 1: { kind: 'route' } }, afterHours: { kind: 'menu', menuId: 'night' } }),
    menu('night', { options: { 1: { kind: 'callback' } }, afterHours: null, defaultAction: { kind: 'callback' } })
  )
  t.match(enterMenu(night, 'main', true), { kind: 'ask', walk: { menuId: 'main' } })
  const atNight = ask(enterMenu(night, 'main', false))
  t.same(atNight.walk, { menuId: 'night', tries: 1, path: ['main:after_hours'], entered: 2 })
  t.same(enterMenu(menus(menu('main', { afterHours: { kind: 'callback' } })), 'main', false),
    { kind: 'done', action: { kind: 'callback' }, path: ['main:after_hours'], reason: 'main after hours: callback request' })
})

t.test('a loop of menus cannot keep a caller forever', async (t) => {
  const loop = menus(menu('a', { options: { 1: { kind: 'menu', menuId: 'a' } } }))
  let step: MenuStep = enterMenu(loop, 'a', true)
  let presses = 0
  while (step.kind === 'ask') { step = answerMenu(loop, step.walk, { kind: 'key', digit: '1' }, true); presses++ }
  t.equal(presses, maxMenusEntered)
  t.match(step, { kind: 'done', action: { kind: 'route' }, reason: /more than 10 menus/ })
})

t.test('a menu that is gone sends the caller to the default route', async (t) => {
  t.match(enterMenu(shop, 'nope', true), { kind: 'done', action: { kind: 'route' }, reason: 'menu nope not found: default route' })
  t.match(answerMenu(shop, { menuId: 'nope', tries: 1, path: [], entered: 1 }, { kind: 'timeout' }, true), { kind: 'done', action: { kind: 'route' } })
})

t.test('problems name the path to every value that points nowhere', async (t) => {
  const bad = menus(
    menu('main', {
      options: { 1: { kind: 'menu', menuId: 'gone' }, 2: { kind: 'category', categoryId: 'boats' }, x: { kind: 'route' } },
      greeting: ['sound:../../etc/passwd'], defaultAction: { kind: 'group', operatorIds: ['op_ana', 'op_zed'] }, afterHours: { kind: 'operator', operatorId: 'op_zed' }
    }),
    menu('quiet', { prompt: [], options: { 1: { kind: 'route' } } })
  )
  t.same(menuProblems(bad, { categories: new Set(['ovens']), operators: new Set(['op_ana']) }), [
    'main.options.1: menu "gone" does not exist',
    'main.options.2: category "boats" does not exist',
    'main.options.x: not a phone key (one of 0123456789*#)',
    'main.defaultAction: operator "op_zed" does not exist',
    'main.afterHours: operator "op_zed" does not exist',
    'main.greeting.0: "sound:../../etc/passwd" is not a sound:, recording:, digits: or number: URI',
    'quiet.prompt: a menu with keys needs a prompt that tells them'
  ])
  t.same(menuProblems(shop, { categories: new Set(['ovens']), operators: new Set(['op_ana', 'op_ben']) }), [])
})
