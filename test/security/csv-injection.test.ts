// CSV formula injection: text from the public web form reaches the reports' CSV files, and a
// spreadsheet must show it as text, never run it.
import t from 'tap'
import { toCsv } from '../../src/reports/csv.js'
import { bearer, leadsTestApp, t0 } from '../http/leads-helpers.js'

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }

/** The cells of one CSV line (quoted cells may hold commas and doubled quotes). */
function cells (line: string): string[] {
  const out: string[] = []
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g
  for (let m = re.exec(line); m !== null && m.index < line.length; m = re.exec(line)) {
    const raw = m[1]!
    out.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw)
    if (m[2] === '') break
  }
  return out
}

t.test('a web form source of =HYPERLINK(...) reaches the funnels CSV as text, not a formula', async (t) => {
  const w = await leadsTestApp()
  t.teardown(() => w.close())
  const hostile = '=HYPERLINK("http://x","y")'
  const sent = await w.app.inject({
    method: 'POST', url: '/api/forms/lead', headers: formHeaders,
    payload: new URLSearchParams({ name: 'Eve', phone: '+79990001122', source: hostile }).toString()
  })
  t.equal(sent.statusCode, 303, 'the form takes the lead')
  const csv = await w.app.inject({ method: 'GET', url: `/api/reports/funnels?by=source&format=csv&from=${t0 - 60_000}&to=${t0 + 60_000}`, headers: bearer(w.admin) })
  t.equal(csv.statusCode, 200)
  const rows = csv.body.trim().split('\n').map(cells)
  const row = rows.find((r) => r[0]!.includes('HYPERLINK'))
  t.ok(row, 'the source has its row')
  t.equal(row![0], `'${hostile}`, 'the cell starts with a quote mark: a spreadsheet shows the text')
  for (const r of rows) for (const cell of r) t.notOk(/^[=+@\t\r]/.test(cell) || /^-\D/.test(cell), `no cell starts a formula: ${JSON.stringify(cell)}`)
})

t.test('every text cell that starts with = + - @ tab or CR is neutralised; numbers keep their sign', async (t) => {
  const values = ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'plain', '', ' =not first']
  const csv = toCsv(values.map((v) => ({ v })), [{ header: 'text', value: (r) => r.v }, { header: 'n', value: () => -5 }])
  const lines = csv.split('\n')
  t.equal(lines[1], '\'=1+1,-5')
  t.equal(lines[2], '\'+1,-5')
  t.equal(lines[3], '\'-2+3,-5')
  t.equal(lines[4], '\'@SUM(A1),-5')
  t.equal(lines[5], '\'\t=1,-5')
  t.match(csv, /"'\r=1",-5/, 'a CR cell is quoted and neutralised')
  t.match(csv, /\nplain,-5\n/, 'other text is unchanged')
  t.match(csv, /\n =not first,-5\n/, 'a formula sign after the first character is plain text')
})
