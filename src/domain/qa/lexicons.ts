// Curated word lists. Each entry says how a word counts:
//   "дурак"    the same Snowball stem (every inflection of a stable stem);
//   "=сука"    exactly this form (for paradigms whose stem also names an innocent word: сук, сучок);
//   "^пизд"    a word beginning so, after up to two Russian prefixes (на-, по-, за-, вы-, от(ъ)-, у-,
//              с(ъ)-, раз(ъ)-, до-, при-, пере-, недо-, ни-, не-…); a prefix ending in a consonant
//              needs ъ/ь before a vowel (съебать, not себе or вебинар);
//   "*fuck"    anywhere inside the word (motherfucking, bullshit);
//   "…@you"    only said to someone: "ты"/"вы"/"you"/"your" among the three words before, or
//              "ты"/"вы" right after (вы что, тупой? — not "нож тупой");
//   "…@insult" only in lower case after "a" or "you" (don't be a dick — not Dick, a name).
// Phrases are words in order, at most two words apart, in one segment.
// Left out on purpose: бляха(-муха) and блин (minced oaths; also a badge and a pancake), хрен
// (horseradish), сук/сучок/сучья (a branch, a knot), тупо (colloquial "simply"), dumb alone (a dumb
// phone), hell/damn/crap (mild), мудрый, идиома, хутор, оскорблять, себестоимость.

export type LexiconId = 'profanity-ru' | 'profanity-en' | 'insults-ru' | 'insults-en' | 'anger-ru' | 'anger-en'
export const lexiconIds: readonly LexiconId[] = ['profanity-ru', 'profanity-en', 'insults-ru', 'insults-en', 'anger-ru', 'anger-en']

export interface LexiconSpec {
  words: string[]
  phrases: string[]
  except: string[]
  /** A word written with a capital inside a sentence is a name or a title here, not a hit. */
  skipNames?: boolean
}

const sukaForms = ['сука', 'суки', 'суке', 'суку', 'сукой', 'сукою', 'сукам', 'суками', 'суках', 'сучара', 'сучары', 'сучару', 'сучарой', 'сукин', 'сукина', 'сукины', 'сукиным', 'сукиных']

export const lexicons: Record<LexiconId, LexiconSpec> = {
  'profanity-ru': {
    words: [
      '^хуй', '^хуе', '^хуя', '^хую', '^хуи', '=хули', '^пизд', '^пезд', '^еб', '=бля', '^бляд', '^блят',
      '^залуп', '^гандон', '^гондон', '^шлюх', '^пидор', '^пидар', '^пидр', '^мудак', '^мудач', '^мудил', '^мудозвон',
      '^говн', '=хер', '=хера', '=херу', '=хером', '^херн', '^херов', '^херач', '^срат', '^сран', '^срал',
      ...sukaForms.map((f) => `=${f}`)
    ],
    phrases: [],
    except: ['хуторок', 'хутор', 'психуешь', 'херес', 'хереса', 'херсон', 'херсоне', 'херувим', 'ебола', 'лупа']
  },
  'profanity-en': {
    words: [
      '*fuck', '*shit', '^bitch', '^asshole', '^arsehole', '=ass', '=arse', '^dumbass', '^jackass', '^smartass',
      '^cunt', '^bastard', '^bollock', '^wanker', '^twat', '^slut', '^whore', '^motherf', '^dickhead', '^cocksucker',
      '=dick@insult', '=dicks@insult', '=prick@insult', '=cock@insult'
    ],
    phrases: [],
    except: ['shitake', 'shitakes', 'shiitake', 'shiitakes', 'shitzu', 'shihtzu', 'bitchin']
  },
  'insults-ru': {
    words: [
      'дурак', 'дураки', '=дура', '=дуры', '=дуре', '=дуру', '=дурой', 'идиот', 'идиотка', 'дебил', 'дебилка', 'дебильный',
      'кретин', 'кретинка', 'придурок', 'придурки', 'урод', 'уроды', 'уродина', 'тупица', 'бестолочь', 'недоумок', 'недоумки',
      'дегенерат', 'имбецил', 'сволочь', 'скотина', 'тварь', 'мразь', 'ублюдок', 'ублюдки', 'чмо',
      '=козел', '=козлы', '=козлина', '=лох', '=лохи', '=лоха', '=лохом',
      '=заткнись', '=заткнитесь', '=заткнуться', '=заткни', '=заткните', '=отвали', '=отвалите', '=отвяжись', '=отвяжитесь', '=отстань', '=отстаньте',
      '=тупой@you', '=тупая@you', '=тупые@you', '=тупым@you', '=тупую@you', '=глухой@you', '=глухая@you', '=глухие@you'
    ],
    phrases: ['=пошел вон', '=пошла вон', '=пошли вон', '=пошел ты', '=пошла ты', '=пошли вы', '=идите вы', '=иди ты',
      'меня =достали', 'меня =достал', 'меня =достала', 'закрой рот', 'закройте рот', 'рот закрой'],
    except: ['идиома', 'идиомы', 'уродливый', 'уродливая'],
    skipNames: true
  },
  'insults-en': {
    words: ['idiot', 'idiots', 'moron', 'moronic', 'imbecile', 'cretin', '=stupid@you', '=dumb@you', '=loser@you', '=losers@you', '=jerk@you', '=clown@you', '=clowns@you'],
    phrases: ['shut up', 'shut your mouth', 'get lost', 'piss off', 'screw you', 'go to hell', 'bugger off', 'sod off', 'drop dead', 'are you deaf'],
    except: [],
    skipNames: true
  },
  'anger-ru': {
    words: [
      'безобразие', 'возмутительно', 'возмутительный', '=издеваетесь', '=издеваешься', 'издевательство', 'обнаглели', 'мошенник', 'мошенники',
      'мошенничество', 'обманщики', 'обманули', 'кошмар', 'отвратительно', 'хамство', '=хамите', '=хамишь', 'хамло', 'задолбали', 'задолбало',
      '=бесит', '=бесите', 'идиотизм', 'бардак', 'лохотрон', 'бешенстве', '=надоело'
    ],
    phrases: ['буду жаловаться', 'напишу жалобу', 'подам жалобу', 'оставлю жалобу', '=пожалуюсь', 'позовите руководителя', 'дайте руководителя',
      'позовите начальника', 'дайте начальника', 'позовите старшего', 'соедините руководителем', 'сколько можно', 'сколько можно ждать', 'вы что издеваетесь'],
    except: []
  },
  'anger-en': {
    words: ['ridiculous', 'unacceptable', 'outrageous', 'disgraceful', 'disgrace', 'scam', 'scammers', 'ripoff', 'furious', 'pissed'],
    phrases: ['rip off', 'fed up', 'sick and tired', 'what the hell', 'the hell', 'speak to your manager', 'speak to a manager', 'speak to your supervisor',
      'talk to your manager', 'talk to a manager', 'get me a manager', 'get me your manager', 'file a complaint', 'make a complaint', 'are you kidding me',
      'is a joke', 'waste of my time'],
    except: []
  }
}
