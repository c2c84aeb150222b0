import t from 'tap'
import { findingsSoFar, measureQuality, scoreCall, validateRules, type QaRule } from '../../src/domain/qa.js'
import { chooseLanguage, mergeTracks, type Segment } from '../../src/domain/transcript.js'
import { defaultRuleSet } from '../../src/speech/default-rule-set.js'

const op = (startS: number, endS: number, text: string): Segment => ({ speaker: 'operator', startMs: startS * 1000, endMs: endS * 1000, text })
const cl = (startS: number, endS: number, text: string): Segment => ({ speaker: 'caller', startMs: startS * 1000, endMs: endS * 1000, text })
const rule = (id: string): QaRule => defaultRuleSet.rules.find((r) => r.ruleId === id)!
const fired = (segments: Segment[], ruleId: string): boolean => scoreCall(segments, [rule(ruleId)]).findings.length > 0

t.test('required phrases: said in the window by the right speaker, in any inflection, order or with a small misrecognition', async (t) => {
  const cases: Array<[string, Segment[], string, boolean]> = [
    ['ru greeting in time', [op(2, 4, 'Добрый день! Магазин Техника, меня зовут Анна.')], 'greeting', false],
    ['en greeting in time', [op(1, 3, 'Good afternoon, Tech Store, Anna speaking')], 'greeting', false],
    ['greeting too late', [op(20, 22, 'Здравствуйте, магазин Техника')], 'greeting', true],
    ['greeting by the caller only', [cl(1, 2, 'Здравствуйте')], 'greeting', true],
    ['word order within a window', [op(2, 4, 'день добрый, слушаю вас')], 'greeting', false],
    ['one letter misrecognised', [op(2, 4, 'здраствуйте, магазин')], 'greeting', false],
    ['delivery, inflected noun', [op(30, 33, 'Можем оформить доставку на завтра')], 'offers-delivery', false],
    ['delivery, verb', [op(30, 33, 'доставим завтра к обеду')], 'offers-delivery', false],
    ['delivery in English', [op(30, 33, 'we can deliver it tomorrow')], 'offers-delivery', false],
    ['no delivery offered', [op(30, 33, 'Приезжайте в магазин сами')], 'offers-delivery', true],
    ['goodbye at the end', [op(1, 2, 'алло'), op(100, 102, 'Всего доброго, до свидания!')], 'goodbye', false],
    ['goodbye only at the start', [op(1, 2, 'до свидания'), op(100, 102, 'итак, заказ оформлен')], 'goodbye', true]
  ]
  for (const [name, segs, ruleId, expectFinding] of cases) t.equal(fired(segs, ruleId), expectFinding, name)
})

t.test('forbidden words: every Russian inflection of a root matches, near-misses do not', async (t) => {
  const cases: Array<[string, string, string, boolean]> = [
    ['сука', 'ну ты и сука', 'profanity-ru', true],
    ['суки, plural', 'какие же вы суки', 'profanity-ru', true],
    ['сукой, instrumental', 'не будь сукой', 'profanity-ru', true],
    ['сукно is cloth', 'диван обит сукном', 'profanity-ru', false],
    ['блюдо is a dish', 'это блюдо дня', 'profanity-ru', false],
    ['derived by prefix: охуенный is not, хуйня is', 'это полная хуйня', 'profanity-ru', true],
    ['пиздец in caps with punctuation', 'ну ПИЗДЕЦ!!!', 'profanity-ru', true],
    ['оскорблять is not бля…', 'не надо оскорблять', 'profanity-ru', false],
    ['дураки, plural of дурак', 'вы что, дураки?', 'rudeness-ru', true],
    ['дураками, instrumental', 'не считайте нас дураками', 'rudeness-ru', true],
    ['идиотом', 'я не буду говорить с идиотом', 'rudeness-ru', true],
    ['идиома is not идиот', 'это такая идиома', 'rudeness-ru', false],
    ['en fucking', 'this fucking order', 'profanity-en', true],
    ['en idiots', 'you idiots', 'rudeness-en', true],
    ['en dumbbell is not dumb', 'the dumbbells are in stock', 'rudeness-en', false],
    ['en Scunthorpe', 'we deliver to Scunthorpe', 'profanity-en', false]
  ]
  for (const [name, text, ruleId, expectFinding] of cases) t.equal(fired([op(5, 8, text)], ruleId), expectFinding, name)
})

t.test('a forbidden word is a severe finding that names the segment and time', async (t) => {
  const segs = [op(1, 3, 'Здравствуйте, магазин'), cl(3, 5, 'где мой заказ'), op(6, 9, 'да отвали ты, дебил')]
  const r = scoreCall(segs, [rule('rudeness-ru')])
  t.equal(r.findings.length, 2)
  t.match(r.findings[0], { ruleId: 'rudeness-ru', severity: 'severe', segmentIndex: 2, speaker: 'operator', text: 'да отвали ты, дебил' })
  t.ok(r.findings[0]!.atMs! >= 6000 && r.findings[0]!.atMs! <= 9000)
  t.equal(r.score, 40, '100 − 2 × 30')
})

t.test('the caller swearing is not the operator\'s fault', async (t) => {
  t.equal(fired([cl(1, 2, 'сука, где заказ')], 'profanity-ru'), false)
})

t.test('score: 100 minus the penalties, never below 0; occurrences past 3 cost nothing more', async (t) => {
  const swear = op(1, 2, 'сука сука сука сука сука')
  const r = scoreCall([swear], [rule('profanity-ru')])
  t.equal(r.findings.length, 5)
  t.same(r.findings.map((f) => f.penalty), [30, 30, 30, 0, 0])
  t.equal(r.score, 10)
  t.equal(scoreCall([swear], [rule('profanity-ru'), rule('greeting'), rule('goodbye')]).score, 0)
  const clean = scoreCall([op(1, 3, 'Здравствуйте! Доставим завтра. До свидания.')], defaultRuleSet.rules.filter((r) => r.kind !== 'quality'))
  t.equal(clean.score, 100)
  t.same(clean.findings, [])
})

t.test('language quality: fillers, talk/listen, monologue, silences, interruptions, rate', async (t) => {
  const segs = [
    op(0, 10, 'ну здравствуйте ну как бы это самое ну'),
    cl(8, 12, 'да я хотел'),
    op(9, 20, 'ну смотрите типа у нас есть'),
    op(20.5, 40, 'короче всё есть'),
    cl(50, 55, 'понятно')
  ]
  const m = measureQuality(segs)
  t.equal(m.interruptions, 1, 'the operator started at 9 s while the caller spoke from 8 to 12 s')
  t.equal(m.longSilences, 1, '40 → 50 s')
  t.equal(m.longestMonologueMs, 31_000, '9 → 40 s, the 0.5 s gap is one monologue')
  t.equal(m.fillersPerMinute, 11.85, '8 fillers in 40.5 s of operator speech')
  t.equal(m.talkListenRatio, 4.5, '40.5 s against 9 s')
  const r = scoreCall(segs, [
    { kind: 'quality', ruleId: 'q1', title: 'interrupts', metric: 'interruptions', max: 0 },
    { kind: 'quality', ruleId: 'q2', title: 'silence', metric: 'longSilences', max: 1 }
  ])
  t.same(r.findings.map((f) => f.ruleId), ['q1'])
  t.equal(r.score, 95)
})

t.test('rule lists from outside are checked', async (t) => {
  t.same(validateRules(defaultRuleSet.rules), [])
  t.match(validateRules([
    { kind: 'required', ruleId: 'a', title: '', speaker: 'operator', phrases: ['!!!'] },
    { kind: 'quality', ruleId: 'a', title: '', metric: 'interruptions' }
  ]).join('\n'), /no phrase has a word[\s\S]*used twice[\s\S]*needs min or max/)
})

t.test('tracks merge into one conversation; language comes from the number, then the category', async (t) => {
  const merged = mergeTracks({
    operator: [{ startMs: 0, endMs: 1000, text: ' Hello ' }, { startMs: 3000, endMs: 4000, text: '' }],
    caller: [{ startMs: 0, endMs: 500, text: 'Hi' }, { startMs: 1500, endMs: 2000, text: 'order' }]
  })
  t.same(merged, [
    { speaker: 'caller', startMs: 0, endMs: 500, text: 'Hi' },
    { speaker: 'operator', startMs: 0, endMs: 1000, text: 'Hello' },
    { speaker: 'caller', startMs: 1500, endMs: 2000, text: 'order' }
  ])
  t.equal(chooseLanguage('en', 'ru', 'auto'), 'en')
  t.equal(chooseLanguage(null, 'ru', 'auto'), 'ru')
  t.equal(chooseLanguage(null, null, 'auto'), 'auto')
  t.equal(chooseLanguage('xx', null, 'en'), 'en')
})

t.test('prefixed and inflected forms, look-alikes, names and context', async (t) => {
  const cases: Array<[string, string, string, boolean]> = [
    ['prefixed mat: заебали', 'вы всех заебали', 'profanity-ru', true],
    ['hard sign after a consonant prefix: съебался', 'он съебался', 'profanity-ru', true],
    ['себестоимость is not съеб…', 'цена по себестоимости', 'profanity-ru', false],
    ['вебинар is not в+еб', 'приходите на вебинар', 'profanity-ru', false],
    ['сук is a branch', 'на доске один сук', 'profanity-ru', false],
    ['бляха is a buckle', 'бляха латунная', 'profanity-ru', false],
    ['imperative: заткнитесь', 'заткнитесь на секунду', 'rudeness-ru', true],
    ['fleeting vowel: придурки', 'они не придурки', 'rudeness-ru', true],
    ['тупой said to someone', 'вы что, тупой?', 'rudeness-ru', true],
    ['тупой нож is a blunt knife', 'нож тупой совсем', 'rudeness-ru', false],
    ['тупо is "simply"', 'я тупо не умею', 'rudeness-ru', false],
    ['a title: «Идиот» Достоевского', 'есть «Идиот» Достоевского', 'rudeness-ru', false],
    ['shut up', 'just shut up and listen', 'rudeness-en', true],
    ['bullshit', 'that is bullshit', 'profanity-en', true],
    ['shitake is a mushroom', 'shitake in four-ounce packs', 'profanity-en', false],
    ['Dick is a name', 'Thank you, Dick, I updated it', 'profanity-en', false],
    ['a dick', 'do not be a dick about it', 'profanity-en', true],
    ['a dumb phone', 'a simple dumb phone', 'rudeness-en', false]
  ]
  for (const [name, text, ruleId, expectFinding] of cases) t.equal(fired([op(5, 8, text)], ruleId), expectFinding, name)
  t.equal(fired([op(1, 3, 'Hi, thanks for calling Kitchen Depot')], 'greeting'), false, 'hi, thanks for calling greets')
  t.equal(fired([op(1, 3, 'Hi there, you\'ve reached Sunny Furniture')], 'greeting'), false, 'you\'ve reached greets')
  t.equal(fired([op(30, 33, 'сейчас проверю, где курьер')], 'offers-delivery'), true, 'asking where the courier is offers nothing')
  t.equal(fired([op(30, 33, 'курьер привезёт завтра')], 'offers-delivery'), false)
})

t.test('fillers by context: "какого типа", "как бы вам удобно" and the verb "like" are not fillers', async (t) => {
  const rate = (text: string): number => measureQuality([op(0, 60, text)]).fillersPerMinute
  t.equal(rate('какого типа цоколь, этого типа лампы'), 0)
  t.equal(rate('как бы вам удобно, как бы вы хотели'), 0)
  t.equal(rate('would you like it, I\'d like that, what kind of base'), 0)
  t.equal(rate('ну типа есть, как бы чёрный'), 3)
  t.equal(rate('it\'s like, um, really good, you know, kind of great'), 4)
})

t.test('the customer swearing or angry: a customer finding for the supervisor, no penalty; the live view gives it at once', async (t) => {
  const segs = [op(1, 3, 'Здравствуйте, магазин'), cl(3, 6, 'Где мой заказ, блядь? Это безобразие!'), op(6, 9, 'Понимаю, сейчас проверю')]
  const customer = rule('customer-upset')
  const r = scoreCall(segs, [customer, rule('profanity-ru')])
  t.match(r.findings, [{ ruleId: 'customer-upset', kind: 'customer', speaker: 'caller', segmentIndex: 1, penalty: 0 }])
  t.equal(r.findings.length, 1, 'one finding per segment')
  t.equal(r.score, 100)
  t.same(findingsSoFar(segs.slice(0, 2), defaultRuleSet.rules).map((f) => [f.ruleId, f.segmentIndex]), [['customer-upset', 1]], 'on the transcript so far')
  t.same(findingsSoFar(segs.slice(0, 1), defaultRuleSet.rules), [], 'missing phrases wait for the end of the call')
})
