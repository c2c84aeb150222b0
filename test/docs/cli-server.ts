// `npm run cli -- …` in the examples, answered by `runCli` inside the test's process: the same code on
// the same database, without a Node.js and tsx start-up per command (seconds each on a busy machine).
// The test checks once, as a real process, that `npm run cli` reaches the same `runCli`.
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { runCli } from '../../src/cli.js'

export interface CliServer {
  url: string
  /** The environment the next commands see (the example's). */
  setEnv: (env: Record<string, string | undefined>) => void
  close: () => Promise<void>
}

/**
 * POST /cli with the arguments NUL-separated; the command's stdout and stderr are written to
 * `<dir>/cli.out` and `<dir>/cli.err`, the answer is its exit code.
 */
export async function startCliServer (dir: string): Promise<CliServer> {
  let env: Record<string, string | undefined> = process.env
  // One command at a time, as in a shell.
  let queue: Promise<unknown> = Promise.resolve()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => { chunks.push(c) })
    req.on('end', () => {
      const args = Buffer.concat(chunks).toString('utf8').split('\0').slice(0, -1)
      const out: string[] = []
      const err: string[] = []
      queue = queue.then(async () => {
        const code = await runCli(args, { out: (l) => { out.push(`${l}\n`) }, err: (l) => { err.push(`${l}\n`) }, env })
        writeFileSync(join(dir, 'cli.out'), out.join(''))
        writeFileSync(join(dir, 'cli.err'), err.join(''))
        res.end(String(code))
      }).catch((e: Error) => {
        // An error runCli did not expect: the real process would die with it; the example fails on the 500.
        res.statusCode = 500
        res.end(e.stack ?? e.message)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cli`,
    setEnv: (next) => { env = next },
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  }
}

/** The bash function that sends `npm run cli -- ARGS` to the server. */
export function cliFunction (url: string, dir: string): string {
  const q = (s: string): string => JSON.stringify(s)
  return [
    'ringlead_cli () {',
    `  local code; code=$(printf '%s\\0' "$@" | command curl -s --fail-with-body --data-binary @- ${q(url)})`,
    `  cat ${q(join(dir, 'cli.out'))}; cat ${q(join(dir, 'cli.err'))} >&2`,
    '  return "$code"',
    '}'
  ].join('\n')
}
