import t from 'tap'
import { forEachWrittenWord, isWordChar, normaliseWords, stemWord } from '../../src/domain/qa/text.js'
import { TranscriptIndex } from '../../src/domain/qa/transcript-index.js'
import type { Segment } from '../../src/domain/transcript.js'

/** The split the scanner replaces: runs of \p{L}\p{N}, sentence ends in the separators. */
function splitByRegex (text: string): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = []
  const parts = text.replace(/ё/g, 'е').replace(/Ё/g, 'Е').split(/([^\p{L}\p{N}]+)/u)
  let ended = true
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (i % 2 === 1) { if (/[.!?…]/.test(part)) ended = true; continue }
    if (part === '') continue
    out.push([part, ended])
    ended = false
  }
  return out
}

function scanned (text: string): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = []
  forEachWrittenWord(text, (w, starts) => { out.push([w, starts]) })
  return out
}

t.test('letters and digits are what \\p{L}\\p{N} says, for every code point', async (t) => {
  const re = /^[\p{L}\p{N}]$/u
  const wrong: number[] = []
  for (let c = 0; c <= 0x10ffff; c++) {
    const expected = c >= 0xd800 && c <= 0xdfff ? false : re.test(String.fromCodePoint(c))
    if (isWordChar(c) !== expected) wrong.push(c)
  }
  t.same(wrong, [])
})

t.test('the scanner splits words and sentences as the regex split does', async (t) => {
  t.same(scanned('Ёлки, ЁЖ ёж! Да… нет? 3.5 кг — ok'), [['Елки', true], ['ЕЖ', false], ['еж', false], ['Да', true], ['нет', true], ['3', true], ['5', true], ['кг', false], ['ok', false]])
  t.same(scanned(''), [])
  t.same(scanned(' .!'), [])
  let seed = 1
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const pool = ['a', 'Я', 'ё', 'Ё', ' ', '.', '!', '?', '…', ',', '5', '١', '\u0301', '\ud835\udc9c', '\ud800', '\udc00', '—', 'ß', 'İ', '\u2028', '\t', '😀', '߀']
  const differ: string[] = []
  for (let k = 0; k < 20_000; k++) {
    let text = ''
    for (let i = Math.floor(random() * 12); i > 0; i--) text += pool[Math.floor(random() * pool.length)]
    if (JSON.stringify(scanned(text)) !== JSON.stringify(splitByRegex(text))) differ.push(text)
  }
  t.same(differ, [])
})

t.test('the index: positions by form and by stem, written forms, and views in time order', async (t) => {
  const segs: Segment[] = [
    { speaker: 'caller', startMs: 0, endMs: 4000, text: 'Доставка ЁЛКИ, доставку!' },
    { speaker: 'operator', startMs: 1000, endMs: 2000, text: 'Доставку завтра. Идиот' },
    { speaker: 'caller', startMs: 5000, endMs: 6000, text: 'доставкой' }
  ]
  const ix = new TranscriptIndex(segs)
  t.equal(ix.count, 7)
  t.same(ix.segmentWords, [['доставка', 'елки', 'доставку'], ['доставку', 'завтра', 'идиот'], ['доставкой']])
  t.same([...ix.withNorm('доставку')], [2, 3])
  t.same([...ix.withStem(stemWord('доставка'))], [0, 2, 3, 6])
  t.same([...ix.withNorm('нет')], [])
  t.same([0, 1, 2, 3, 4, 5, 6].map((i) => ix.written(i)), ['Доставка', 'ЕЛКИ', 'доставку', 'Доставку', 'завтра', 'Идиот', 'доставкой'])
  t.same([...ix.startsSentenceOf], [1, 0, 0, 1, 0, 1, 1])
  t.same([...ix.sentenceOf], [0, 0, 0, 1, 1, 2, 3])
  t.same([...ix.atMsOf], [0, 1333, 2667, 1000, 1333, 1667, 5000])
  t.same([...ix.view('any').positions], [0, 3, 1, 4, 5, 2, 6], 'both speakers by time; equal times keep transcript order')
  t.same([...ix.view('caller').positions], [0, 1, 2, 6])
  t.same(ix.view('any').where({ stem: stemWord('доставка') }), [0, 1, 5, 6])
  t.same(ix.view('operator').where({ prefix: 'завт' }), [1])
  t.equal(ix.view('any').indexAt(1333), 2)
})

t.test('near stems: itself, or one edit away after the same first two letters', async (t) => {
  const ix = new TranscriptIndex([{ speaker: 'operator', startMs: 0, endMs: 1000, text: 'здраствуйте вдравствуйте здравствуйте привет' }])
  const stem = stemWord(normaliseWords('здравствуйте')[0]!)
  t.same([...ix.near(stem)].sort(), [stemWord('здраствуйте'), stem].sort())
  t.same([...ix.near(stemWord('привез'))], [])
  t.same([...ix.near(stemWord('привет'))], [stemWord('привет')])
})
