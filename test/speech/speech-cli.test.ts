import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runSpeechCli } from '../../src/speech-cli.js'

const run = async (argv: string[]): Promise<{ code: number; out: string[]; err: string }> => {
  const out: string[] = []
  const err: string[] = []
  const code = await runSpeechCli(argv, (l) => out.push(l), (l) => err.push(l))
  return { code, out, err: err.join('\n') }
}

t.test('download-model saves a named model from the source, and says clearly when the source cannot be reached', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const body = Buffer.concat([Buffer.from([0x6c, 0x6d, 0x67, 0x67]), Buffer.alloc(100, 7)])
  const server = createServer((req, res) => {
    if (req.url === '/ggml-base.bin') res.end(body)
    else if (req.url === '/ggml-small.bin') res.end('<html>not a model</html>')
    else { res.statusCode = 404; res.end() }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const source = `http://127.0.0.1:${(server.address() as { port: number }).port}`

  const ok = await run(['download-model', 'base', '--dir', dir, '--source', source])
  t.equal(ok.code, 0)
  t.same(readFileSync(ok.out[0]!), body)
  t.match(ok.err, /speech models use ggml-base\.bin/)

  const notModel = await run(['download-model', 'small', '--dir', dir, '--source', source])
  t.equal(notModel.code, 1)
  t.match(notModel.err, /did not send a ggml model/)

  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const closedPort = (closed.address() as { port: number }).port
  await new Promise((resolve) => closed.close(resolve))
  const offline = await run(['download-model', 'base', '--dir', dir, '--source', `http://127.0.0.1:${closedPort}`])
  t.equal(offline.code, 1)
  t.match(offline.err, /cannot download ggml-base\.bin .*ECONNREFUSED.*no internet access.*RINGLEAD_SPEECH_MODEL_PATH/)

  const unknown = await run(['download-model', 'huge', '--dir', dir])
  t.match(unknown, { code: 1, err: /unknown model "huge"/ })
  t.equal((await run([])).code, 2)
})

t.test('random-model writes a model the engine can load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const r = await run(['random-model', join(dir, 'm.bin')])
  t.equal(r.code, 0)
  t.equal(readFileSync(join(dir, 'm.bin')).readUInt32LE(0), 0x67676d6c)
  t.match(r.err, /nonsense/)
})
