import t from 'tap'
import { allMessages, duplicateKeys } from '../../src/http/console/messages/index.js'

t.test('every key lives in one table and has both languages', async (t) => {
  t.same(duplicateKeys(), [])
  t.same(Object.keys(allMessages.ru).sort(), Object.keys(allMessages.en).sort())
  for (const [key, text] of Object.entries(allMessages.ru)) t.not(text.trim(), '', `ru ${key} has text`)
})
