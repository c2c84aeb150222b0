import t from 'tap'
import { Bus } from '../../src/bus.js'
import { runCli } from '../../src/cli.js'
import { createOperator, removeOperator, type CatalogContext } from '../../src/catalog/catalog-service.js'
import { openDb } from '../../src/db/open.js'
import {
  createToken, ensureAdminToken, hashToken, lastUsedResolutionMs, listTokens, revokeToken, verifyToken
} from '../../src/accounts/token-service.js'

function world () {
  const db = openDb(':memory:')
  const ctx: CatalogContext = { db, bus: new Bus(), now: () => 1_000, newId: (prefix) => `${prefix}_1` }
  return { db, ctx }
}

const everything = (db: ReturnType<typeof openDb>): string =>
  JSON.stringify(db.$client.prepare('select * from api_tokens').all())

t.test('stores only the sha256 of a new token, never the token itself', async (t) => {
  const { db } = world()
  const { token, view } = createToken(db, { name: 'console', role: 'admin' }, 1_000)
  t.match(token, /^rl_[A-Za-z0-9_-]{43}$/, '32 random bytes')
  t.match(view, { name: 'console', role: 'admin', operatorId: null, createdAt: 1_000, lastUsedAt: null, revokedAt: null })
  const stored = everything(db)
  t.notOk(stored.includes(token))
  t.notOk(stored.includes(token.slice(3)))
  t.ok(stored.includes(hashToken(token)))
  t.notMatch(JSON.stringify(listTokens(db)), token)
})

t.test('verifies a token to its role and operator and notes its use at most once a minute', async (t) => {
  const { db, ctx } = world()
  const { operatorId } = createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101' })
  const { token, view } = createToken(db, { name: 'ana phone', role: 'operator', operatorId }, 1_000)
  t.same(verifyToken(db, token, 10_000), { tokenId: view.tokenId, role: 'operator', operatorId })
  t.equal(listTokens(db)[0]?.lastUsedAt, 10_000)
  verifyToken(db, token, 10_000 + lastUsedResolutionMs - 1)
  t.equal(listTokens(db)[0]?.lastUsedAt, 10_000, 'not written again within a minute')
  verifyToken(db, token, 10_000 + lastUsedResolutionMs)
  t.equal(listTokens(db)[0]?.lastUsedAt, 10_000 + lastUsedResolutionMs)
  t.equal(verifyToken(db, `${token}x`, 1), null)
  t.equal(verifyToken(db, '', 1), null)
})

t.test('a revoked token and the token of a removed operator stop working', async (t) => {
  const { db, ctx } = world()
  const { operatorId } = createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101' })
  const admin = createToken(db, { name: 'a', role: 'admin' }, 1)
  const ana = createToken(db, { name: 'b', role: 'operator', operatorId }, 1)
  t.equal(revokeToken(db, admin.view.tokenId, 50).revokedAt, 50)
  t.equal(revokeToken(db, admin.view.tokenId, 60).revokedAt, 50, 'revoking twice keeps the first time')
  t.equal(verifyToken(db, admin.token, 100), null)
  removeOperator(ctx, operatorId)
  t.equal(verifyToken(db, ana.token, 100), null)
  t.throws(() => revokeToken(db, 'tok_nope', 1), { code: 'NOT_FOUND', message: 'token tok_nope not found' })
})

t.test('an operator token must name a live operator', async (t) => {
  const { db } = world()
  t.throws(() => createToken(db, { name: 'x', role: 'operator' }, 1), { code: 'INVALID_INPUT', message: /^operatorId: / })
  t.throws(() => createToken(db, { name: 'x', role: 'operator', operatorId: 'op_ghost' }, 1), { code: 'INVALID_INPUT', message: 'operatorId: unknown operator op_ghost' })
})

t.test('the configured admin token is stored hashed once and stays revoked if an admin revoked it', async (t) => {
  const { db } = world()
  const secret = 'bootstrap-secret-0123456789abcdef'
  const first = ensureAdminToken(db, secret, 1)
  t.equal(first.status, 'created')
  t.same(ensureAdminToken(db, secret, 2), { status: 'present', tokenId: first.tokenId })
  t.equal(listTokens(db).length, 1)
  t.notOk(everything(db).includes(secret))
  t.match(verifyToken(db, secret, 3), { role: 'admin' })
  revokeToken(db, first.tokenId, 4)
  t.same(ensureAdminToken(db, secret, 5), { status: 'revoked', tokenId: first.tokenId })
  t.equal(verifyToken(db, secret, 6), null)
})

t.test('the CLI creates, lists and revokes tokens and prints the secret once', async (t) => {
  const { db } = world()
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, openDb: () => db, now: () => 7_000 }
  t.equal(await runCli(['token', 'create', '--name', 'ops laptop', '--role', 'supervisor'], io), 0)
  const secret = out.pop()!
  t.match(verifyToken(db, secret, 8_000), { role: 'supervisor' })
  t.match(err.pop(), /created \(role supervisor\); store it now/)
  t.equal(await runCli(['token', 'list'], io), 0)
  const [line] = out.splice(0)
  t.match(line, /^tok_[0-9a-f]{16}\tsupervisor\t-\tactive\tlast used .*\tops laptop$/)
  t.notMatch(line, secret)
  const tokenId = line!.split('\t')[0]!
  t.equal(await runCli(['token', 'revoke', tokenId], io), 0)
  t.match(out.pop(), `token ${tokenId} revoked`)
  t.equal(verifyToken(db, secret, 9_000), null)
})

t.test('the CLI explains bad usage and refused input with exit codes', async (t) => {
  const { db } = world()
  const err: string[] = []
  const io = { out: () => {}, err: (l: string) => err.push(l), env: {}, openDb: () => db }
  t.equal(await runCli(['token', 'create', '--name', 'x', '--role', 'boss'], io), 2)
  t.match(err.pop(), /--role must be one of operator, supervisor, admin/)
  t.equal(await runCli(['token', 'create', '--name', 'x', '--role', 'operator'], io), 1)
  t.match(err.pop(), /operatorId: an operator token must name/)
  t.equal(await runCli(['token', 'revoke', 'tok_x'], io), 1)
  t.equal(err.pop(), 'token tok_x not found')
  t.equal(await runCli(['token', 'create', '--bogus'], io), 2)
  t.equal(await runCli(['dance'], io), 2)
  t.match(err.pop(), /unknown command dance/)
})
