// The rule set used when none is stored for the call's category: a small sales script in Russian
// and English. Rule sets are data: the API stores edited copies per category. Swearing and insults
// come from the curated lists in domain/qa/lexicons.ts (inflections, prefixed forms, look-alikes).
import type { QaRule } from '../domain/qa.js'
import type { RuleSetView } from '../db/speech-repo.js'

/** Greetings as operators open calls; "you've reached …" and "thanks for calling" open a call too. */
export const greetings = [
  'здравствуйте', 'здрасьте', 'здравствуй', 'добрый день', 'доброе утро', 'добрый вечер', 'доброго дня', 'доброго времени суток', 'приветствую', 'привет',
  'hello', 'hi', 'hey', 'good morning', 'good afternoon', 'good evening', 'thank you for calling', 'thanks for calling', 'you ve reached', 'welcome to'
]

/** Offering delivery, in the words operators use for it. */
export const deliveryOffers = [
  'доставка', 'доставк*', 'доставим', 'доставить', 'доставят', 'привез*', 'завез*', 'курьер', 'курьерской', 'отправ* почтой', 'отправ* транспортной', 'сдэк',
  'delivery', 'deliver*', 'courier', 'ship*', 'bring it to you', 'drop it off', 'send it to you', 'send it over'
]

/** What makes a delivery word in a sentence an offer rather than a mention ("где курьер", "our delivery manager"): a modal, a price, a day. */
export const offerCues = [
  'можем', 'могу', 'можно', 'может', 'давайте', 'хотите', 'желаете', 'предлагаю', 'предлагаем', 'оформ*', 'бесплатн*', 'стоимость', 'стоит', 'рубл*', 'тысяч*',
  'сегодня', 'завтра', 'послезавтра', 'понедельник', 'вторник', 'среду', 'четверг', 'пятницу', 'субботу', 'воскресенье', 'удобно', 'течение', 'через',
  'дней', 'дня', 'минут*', 'доставим', 'привезем', 'отправим', 'завезем', 'пункт', 'самовывоз*',
  'we', 'can', 'could', 'will', 'll', 'would', 'should', 'shall', 'want', 'like', 'free', 'available', 'includ*', 'cost*', 'price', 'dollar*', 'buck*',
  'today', 'tomorrow', 'tonight', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'day*', 'week*', 'minut*', 'arriv*', 'offer', 'option'
]

/** Closing a call: goodbyes and the wishes that stand for one. */
export const goodbyes = [
  'до свидания', 'всего доброго', 'всего хорошего', 'всего наилучшего', 'хорошего дня', 'хорошего вечера', 'удачного дня', 'до встречи', 'пока',
  'goodbye', 'bye', 'have a nice day', 'have a good day', 'have a great day', 'have a good evening', 'have a nice evening', 'have a good one',
  'have a great weekend', 'have a good weekend', 'have a good afternoon', 'have a nice afternoon', 'have a lovely day', 'have a wonderful day', 'take care', 'thanks for calling', 'thank you for calling'
]

const rules: QaRule[] = [
  { kind: 'required', ruleId: 'greeting', title: 'Greets the customer in the first 15 s', speaker: 'operator', toMs: 15_000, phrases: greetings },
  { kind: 'required', ruleId: 'offers-delivery', title: 'Offers delivery', speaker: 'operator', phrases: deliveryOffers, withAny: offerCues },
  { kind: 'required', ruleId: 'goodbye', title: 'Says goodbye', speaker: 'operator', lastMs: 20_000, phrases: goodbyes },
  { kind: 'forbidden', ruleId: 'profanity-ru', title: 'Profanity (ru)', speaker: 'operator', severity: 'severe', lexicons: ['profanity-ru'], words: [] },
  { kind: 'forbidden', ruleId: 'profanity-en', title: 'Profanity (en)', speaker: 'operator', severity: 'severe', lexicons: ['profanity-en'], words: [] },
  { kind: 'forbidden', ruleId: 'rudeness-ru', title: 'Rudeness to the customer (ru)', speaker: 'operator', severity: 'severe', lexicons: ['insults-ru'], words: [] },
  { kind: 'forbidden', ruleId: 'rudeness-en', title: 'Rudeness to the customer (en)', speaker: 'operator', severity: 'severe', lexicons: ['insults-en'], words: [] },
  {
    kind: 'customer', ruleId: 'customer-upset', title: 'The customer swears or is angry',
    lexicons: ['profanity-ru', 'profanity-en', 'insults-ru', 'insults-en', 'anger-ru', 'anger-en']
  },
  { kind: 'quality', ruleId: 'fillers', title: 'Few filler words', metric: 'fillersPerMinute', max: 6 },
  // Published sales-call figures put the seller at 45–75 % of the talk (ratio 0.8–3), and an inbound
  // consultation, where the operator explains the product and reads back the order, runs to 80 %
  // (ratio 4). Only a customer left under a sixth of the talk (ratio above 5) was not let speak;
  // calls with under 30 s of speech are too short to tell.
  { kind: 'quality', ruleId: 'talk-listen', title: 'Lets the customer speak', metric: 'talkListenRatio', max: 5, minSpeechMs: 30_000 },
  { kind: 'quality', ruleId: 'monologue', title: 'No monologue longer than 60 s', metric: 'longestMonologueMs', max: 60_000 },
  { kind: 'quality', ruleId: 'silences', title: 'No long silences', metric: 'longSilences', max: 2 },
  { kind: 'quality', ruleId: 'interruptions', title: 'Does not interrupt', metric: 'interruptions', max: 2 },
  { kind: 'quality', ruleId: 'speech-rate', title: 'Speaks at a comfortable pace', metric: 'wordsPerMinute', min: 60, max: 200, minSpeechMs: 60_000 }
]

export const defaultRuleSet: RuleSetView = { ruleSetId: 'default', name: 'Default sales script', categoryId: null, rules, updatedAt: 0 }
