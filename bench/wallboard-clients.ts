// Child process for bench/wallboard.ts: N plain HTTP SSE clients on the console's live feed. For every
// "operator … ringing" event each client notes when it read it (epoch ms with sub-ms precision); the
// times go to the parent in one message at the end, so reporting costs nothing while measuring.
import { request } from 'node:http'

const [url, cookie, countText] = process.argv.slice(2)
const count = Number(countText)
const clock = (): number => performance.timeOrigin + performance.now()
let open = 0
const times: number[][] = Array.from({ length: count }, () => [])
process.on('message', (m: { report?: boolean }) => { if (m.report === true) process.send!({ times }) })

for (let client = 0; client < count; client++) {
  const req = request(url!, { headers: { cookie: cookie!, accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) { process.send!({ error: `client ${client}: HTTP ${res.statusCode}` }); return }
    open++
    if (open === count) process.send!({ ready: true })
    let buffer = ''
    let last = '' // only a change to ringing counts: the same state can be sent again with a new reason
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      buffer += chunk
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (!message.includes('event: operator')) continue
        const state = /"state":"([a-z_]+)"/.exec(message)?.[1] ?? ''
        if (state === 'ringing' && last !== 'ringing') times[client]!.push(clock())
        last = state
      }
    })
  })
  req.end()
}
process.on('disconnect', () => process.exit(0))
