// Bench-only child process: a FastAGI server on loopback with its default limits and one script,
// "echo" (asks for the caller's name, answers with it and the arguments). Reports its own memory
// over IPC. `argv[2]`, when given, is another module exporting FastAgiServer (the anchor run).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pino from 'pino'
import type { AgiChannel } from '../src/asterisk/fastagi.js'

export type AgiServerReply =
  | { kind: 'ready'; port: number; logFile: string }
  | { kind: 'stats'; rssMb: number; heapUsedMb: number; connections: number | null; running: number }

const modulePath = process.argv[2]
const { FastAgiServer } = await import(modulePath !== undefined ? pathToFileURL(modulePath).href : '../src/asterisk/fastagi.js') as typeof import('../src/asterisk/fastagi.js')
// Warnings go to a file, as a daemon's would go to its log: writing them is part of the cost.
const logDir = mkdtempSync(join(tmpdir(), 'ringlead-bench-agi-'))
const logFile = join(logDir, 'fastagi.log')
const log = pino({ level: 'warn' }, pino.destination({ dest: logFile, sync: false }))
const server = new FastAgiServer({
  log,
  scripts: {
    async echo (channel: AgiChannel) {
      const name = await channel.getVariable('CALLERID(name)')
      await channel.setVariable('RINGLEAD_ECHO', `${channel.request.args.join('|')}/${name ?? ''}`)
    }
  }
})
const port = await server.listen(0, '127.0.0.1')
const mb = (n: number): number => Math.round(n / 1048576 * 10) / 10
process.on('message', (m: { cmd: 'stats' | 'close'; gc?: boolean }) => {
  if (m.cmd === 'close') { void server.close().then(() => { rmSync(logDir, { recursive: true, force: true }); process.exit(0) }); return }
  if (m.gc === true) (globalThis as { gc?: () => void }).gc?.() // started with --expose-gc: what is still held, not what waits for collection
  const mem = process.memoryUsage()
  const connections = (server as { connections?: number }).connections
  process.send!({ kind: 'stats', rssMb: mb(mem.rss), heapUsedMb: mb(mem.heapUsed), connections: connections ?? null, running: server.running } satisfies AgiServerReply)
})
process.send!({ kind: 'ready', port, logFile } satisfies AgiServerReply)
