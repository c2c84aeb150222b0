// The rule set used when none is stored for the call's category: a small sales script in Russian
// and English. Rule sets are data: the API stores edited copies per category.
import type { QaRule } from '../domain/qa.js'
import type { RuleSetView } from '../db/speech-repo.js'

export const profanityRu: Pick<Extract<QaRule, { kind: 'forbidden' }>, 'words' | 'prefixes' | 'except'> = {
  words: ['блядь', 'сука', 'мудак', 'говно', 'пиздец', 'хуй', 'ебать', 'залупа', 'гандон', 'шлюха'],
  prefixes: ['бляд', 'хуй', 'хуе', 'хуё', 'пизд', 'ебан', 'ебал', 'ебат', 'выеб', 'заеб', 'уеб', 'мудач', 'мудил'],
  except: ['хуел', 'психуе'] // loan-word near-misses seen in speech recognition
}

export const rudenessRu = ['дурак', 'идиот', 'тупой', 'дебил', 'придурок', 'заткнуться', 'отвали', 'кретин', 'урод']
export const profanityEn = ['fuck', 'shit', 'bitch', 'asshole', 'bastard', 'cunt', 'dick', 'motherfucker']
export const rudenessEn = ['idiot', 'stupid', 'moron', 'dumb', 'loser']

const rules: QaRule[] = [
  {
    kind: 'required', ruleId: 'greeting', title: 'Greets and names the company in the first 15 s', speaker: 'operator', toMs: 15_000,
    phrases: ['здравствуйте', 'добрый день', 'доброе утро', 'добрый вечер', 'good morning', 'good afternoon', 'hello', 'thank you for calling']
  },
  {
    kind: 'required', ruleId: 'offers-delivery', title: 'Offers delivery', speaker: 'operator',
    phrases: ['доставка', 'доставим', 'привезем', 'курьер', 'delivery', 'deliver', 'courier', 'ship']
  },
  {
    kind: 'required', ruleId: 'goodbye', title: 'Says goodbye', speaker: 'operator', lastMs: 20_000,
    phrases: ['до свидания', 'всего доброго', 'хорошего дня', 'goodbye', 'bye', 'have a nice day']
  },
  { kind: 'forbidden', ruleId: 'profanity-ru', title: 'Profanity (ru)', speaker: 'operator', severity: 'severe', ...profanityRu },
  { kind: 'forbidden', ruleId: 'profanity-en', title: 'Profanity (en)', speaker: 'operator', severity: 'severe', words: profanityEn, prefixes: ['fuck', 'shit'] },
  { kind: 'forbidden', ruleId: 'rudeness-ru', title: 'Rudeness to the customer (ru)', speaker: 'operator', severity: 'severe', words: rudenessRu },
  { kind: 'forbidden', ruleId: 'rudeness-en', title: 'Rudeness to the customer (en)', speaker: 'operator', severity: 'severe', words: rudenessEn },
  { kind: 'quality', ruleId: 'fillers', title: 'Few filler words', metric: 'fillersPerMinute', max: 6 },
  { kind: 'quality', ruleId: 'talk-listen', title: 'Lets the customer speak', metric: 'talkListenRatio', max: 2.5 },
  { kind: 'quality', ruleId: 'monologue', title: 'No monologue longer than 60 s', metric: 'longestMonologueMs', max: 60_000 },
  { kind: 'quality', ruleId: 'silences', title: 'No long silences', metric: 'longSilences', max: 2 },
  { kind: 'quality', ruleId: 'interruptions', title: 'Does not interrupt', metric: 'interruptions', max: 2 },
  { kind: 'quality', ruleId: 'speech-rate', title: 'Speaks at a comfortable pace', metric: 'wordsPerMinute', min: 60, max: 200 }
]

export const defaultRuleSet: RuleSetView = { ruleSetId: 'default', name: 'Default sales script', categoryId: null, rules, updatedAt: 0 }
