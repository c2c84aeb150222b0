// Prints tap's final counts as one plain line: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs'

const text = readFileSync(process.argv[2], 'utf8')
const lines = text.split('\n').filter((l) => /^# \{ total: \d+/.test(l))
const last = lines.at(-1)
if (!last) {
  console.log('0 passed, 1 failed')
  process.exit(0)
}
const count = (key) => Number(new RegExp(`${key}: (\\d+)`).exec(last)?.[1] ?? 0)
console.log(`${count('pass')} passed, ${count('fail')} failed, ${count('skip') + count('todo')} skipped`)
