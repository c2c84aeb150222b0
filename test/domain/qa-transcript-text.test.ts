// A pasted transcript for trying QA rules: lines `operator: text` / `customer: text`, times optional.
import t from 'tap'
import { msPerWord, parseTranscriptText } from '../../src/domain/qa/transcript-text.js'

t.test('lines become segments in order; times given or following the words', async (t) => {
  const parsed = parseTranscriptText('operator: Добрый день, магазин Техника\n\n0:10 customer: hello there\n[1:02] Оператор: до свидания')
  t.ok(parsed.ok)
  if (!parsed.ok) return
  t.same(parsed.segments, [
    { speaker: 'operator', startMs: 0, endMs: 4 * msPerWord, text: 'Добрый день, магазин Техника' },
    { speaker: 'caller', startMs: 10_000, endMs: 10_000 + 2 * msPerWord, text: 'hello there' },
    { speaker: 'operator', startMs: 62_000, endMs: 62_000 + 2 * msPerWord, text: 'до свидания' }
  ])
  const untimed = parseTranscriptText('customer: one two\nклиент: three\n1:00:05 caller: late')
  t.ok(untimed.ok)
  if (untimed.ok) t.same(untimed.segments.map((s) => [s.speaker, s.startMs]), [['caller', 0], ['caller', 2 * msPerWord], ['caller', 3_605_000]])
})

t.test('a bad line is named by its number with what is wrong', async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ['operator: hi\nthis line has no speaker', 2, /expected "operator: text"/],
    ['operator: hi\n\nmanager: hello', 3, /"manager" is not a speaker/],
    ['customer:   ', 1, /nothing is said/],
    ['0:75 operator: hi', 1, /0:75 is not a time/],
    ['0:10 operator: hi\n0:05 customer: earlier', 2, /before the line above/],
    ['', 1, /empty/],
    ['\n \n', 1, /empty/]
  ]
  for (const [text, line, problem] of cases) {
    const parsed = parseTranscriptText(text)
    t.notOk(parsed.ok, JSON.stringify(text))
    if (parsed.ok) continue
    t.equal(parsed.line, line, `${JSON.stringify(text)}: line`)
    t.match(parsed.problem, problem, `${JSON.stringify(text)}: problem`)
  }
  t.match(parseTranscriptText('operator: a\n'.repeat(5001)), { ok: false, line: 5001 })
})
