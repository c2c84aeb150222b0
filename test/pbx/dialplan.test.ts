// Dialplan templates against the simulator's AMI: preview, apply with reload and check, faults and
// roll-backs, the safety net when Stasis is not there, the CLI and the admin API.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli } from '../../src/cli.js'
import { createToken } from '../../src/accounts/token-service.js'
import { DialplanRenderer } from '../../src/pbx/dialplan-render.js'
import { loadConfig } from '../../src/config.js'
import { startWorld, until, type World } from '../helpers/world.js'

async function world (t: Test): Promise<World & { include: string }> {
  const w = await startWorld({ dialplan: { includeFile: join(await tmp(t), 'extensions-ringlead.conf') } })
  t.teardown(() => w.close())
  const include = w.daemon.dialplan.includeFile
  w.sim.setDialplanFiles([include])
  w.addCategory('ovens')
  w.addNumber('74951110001', { source: 'google-ads', categoryId: 'ovens' })
  w.addNumber('74951110002', { source: 'yandex' })
  w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  w.addOperator('102', { behaviour: { kind: 'noanswer' } })
  w.addOperator('109', { isManager: true, behaviour: { kind: 'answer', afterMs: 10, hangupAfterMs: 200 } })
  return Object.assign(w, { include })
}

async function tmp (t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-dialplan-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

const show = async (w: World, context: string): Promise<string> => (await w.daemon.ami!.command(`dialplan show ${context}`)).join('\n')

t.test('preview shows the rendered dialplan as a diff; apply writes it, reloads Asterisk and checks it loaded', async (t) => {
  const w = await world(t)
  const preview = w.daemon.dialplan.preview()
  t.ok(preview.changed)
  t.match(preview.diff, /^\+exten => 74951110001,1,Stasis\(ringlead,inbound,google-ads,ovens\)$/m)
  t.match(preview.diff, /^\+ same => n,Dial\(PJSIP\/101&PJSIP\/102,25\)$/m)
  t.match(preview.diff, /^\+ same => n,Dial\(PJSIP\/109,30\)$/m)
  t.match(preview.diff, /^\+exten => \*71,1,AGI\(agi:\/\/127\.0\.0\.1:\d+\/pause\)$/m)
  // *41 and a digit: pause with the n-th of the four default reasons, the digit handed to the script.
  t.match(preview.diff, /^\+exten => _\*41\[1-4\],1,AGI\(agi:\/\/127\.0\.0\.1:\d+\/pause-reason,,\$\{EXTEN:3:1\}\)$/m)
  const version = await w.daemon.dialplan.apply('test')
  t.equal(version.status, 'applied')
  t.equal(readFileSync(w.include, 'utf8'), version.content)
  t.match(await show(w, 'from-carrier'), /'74951110001' =>\s+1\. Stasis\(ringlead,inbound,google-ads,ovens\)/)
  t.match(await show(w, 'ringlead-version'), preview.fingerprint)
  t.notOk(w.daemon.dialplan.preview().changed, 'nothing left to apply')

  w.addNumber('74951110003', { source: 'site' })
  const next = w.daemon.dialplan.preview()
  t.match(next.diff, /^\+exten => 74951110003,1,Stasis\(ringlead,inbound,site,\)$/m)
  t.notMatch(next.diff, /^\+exten => 74951110001/m, 'only what changed')
})

t.test('a stored number whose values could inject dialplan is left out and named; the rest renders and applies', async (t) => {
  const w = await world(t)
  // Rows as an older version let them in; the API refuses such a source now.
  w.daemon.db.$client.prepare("UPDATE tracking_numbers SET source = 'ads;evil' WHERE did = '74951110001'").run()
  w.daemon.db.$client.prepare("INSERT INTO tracking_numbers (did, source, created_at) VALUES ('74951110004', 'line\nexten => 666,1,Hangup()', 0)").run()
  w.daemon.db.$client.prepare("INSERT INTO tracking_numbers (did, source, created_at) VALUES ('7495;1', 'site', 0)").run()
  w.addNumber('74951110003', { source: 'site' })
  const preview = w.daemon.dialplan.preview()
  t.same(preview.skipped.map((n) => n.did), ['74951110001', '74951110004', '7495;1'])
  t.match(preview.skipped[0]!.problems, [/^source "ads;evil": contains ";"/])
  t.match(preview.skipped[1]!.problems, [/^source "line\\nexten => 666,1,Hangup\(\)": contains a line break/])
  t.match(preview.skipped[2]!.problems, [/^did "7495;1": contains ";"/])
  t.match(preview.diff, /^\+exten => 74951110002,1,Stasis\(ringlead,inbound,yandex,\)$/m, 'the good numbers render')
  t.match(preview.diff, /^\+exten => 74951110003,1,Stasis\(ringlead,inbound,site,\)$/m)
  // The text's fingerprint is 16 hex digits of a hash that changes with every world, and the AGI
  // port is whatever the system gave: either may hold "666", so both are masked before looking.
  const unhashed = (text: string): string => text.replaceAll(preview.fingerprint, '<fingerprint>').replace(/agi:\/\/[^/]+\//g, 'agi://<agi>/')
  t.notMatch(unhashed(preview.diff), /74951110001|74951110004|evil|666|7495;1/, 'nothing of the bad rows reaches the text')
  const version = await w.daemon.dialplan.apply('test')
  t.equal(version.status, 'applied', 'apply is not blocked by them either')
  t.match(version.content, preview.fingerprint, 'the applied text is the previewed one')
  t.notMatch(unhashed(version.content), /evil|666/)
  t.match(await show(w, 'from-carrier'), /'74951110002' =>/)
})

t.test('a reload Asterisk rejects, or one that does not load the file, puts the previous version back', async (t) => {
  const w = await world(t)
  const first = await w.daemon.dialplan.apply('test')
  w.addNumber('74951110005', { source: 'site' })
  w.sim.setReloadFault('reject')
  await t.rejects(w.daemon.dialplan.apply('test'), { code: 'DIALPLAN_ROLLED_BACK', message: /Asterisk refused the reload[\s\S]*previous version was put back/ })
  t.equal(readFileSync(w.include, 'utf8'), first.content, 'the include file is the previous version again')
  w.sim.setReloadFault('ignore')
  await t.rejects(w.daemon.dialplan.apply('test'), { code: 'DIALPLAN_ROLLED_BACK', message: /still runs another dialplan/ })
  t.equal(readFileSync(w.include, 'utf8'), first.content)
  w.sim.setReloadFault(null)
  const history = w.daemon.dialplan.history()
  t.same(history.map((v) => v.status), ['failed', 'failed', 'applied'])
  t.match(history[0]!.reason, /fingerprint/)
  t.notMatch(await show(w, 'from-carrier'), /74951110005/, 'Asterisk runs the previous version')
})

t.test('AMI unreachable on apply: nothing changes and the error says so', async (t) => {
  const w = await world(t)
  w.daemon.ami!.stop()
  await t.rejects(w.daemon.dialplan.apply('test'), { code: 'DIALPLAN_NOT_APPLIED', message: /AMI unreachable.*nothing changed/ })
  t.throws(() => readFileSync(w.include), { code: 'ENOENT' })
  t.same(w.daemon.dialplan.history(), [])
})

t.test('every version is kept with its diff; rolling back applies an earlier one again', async (t) => {
  const w = await world(t)
  const first = await w.daemon.dialplan.apply('alice')
  w.addNumber('74951110006', { source: 'site' })
  const second = await w.daemon.dialplan.apply('bob')
  t.match(second.diff, /^\+exten => 74951110006/m)
  const back = await w.daemon.dialplan.rollback(first.versionId, 'carol')
  t.equal(back.content, first.content)
  t.equal(back.rollbackOf, first.versionId)
  t.match(back.diff, /^-exten => 74951110006/m)
  t.notMatch(await show(w, 'from-carrier'), /74951110006/)
  t.same(w.daemon.dialplan.history().map((v) => [v.seq, v.appliedBy]), [[3, 'carol'], [2, 'bob'], [1, 'alice']])
})

t.test('template errors name the template and the line', async (t) => {
  const dir = await tmp(t)
  cpSync('dialplan', dir, { recursive: true })
  writeFileSync(join(dir, 'fallback.njk'), '\n[ringlead-fallback]\nexten => s,1,Dial({{ ringAll }},{{ nosuch.value }})\n')
  const config = loadConfig({}, { dialplan: { templatesDir: dir } })
  const renderer = new DialplanRenderer(dir)
  t.throws(() => renderer.render({ numbers: [], operators: [] }, { dialplan: config.dialplan, app: 'ringlead', agiUrl: 'agi://127.0.0.1:4573' }),
    { code: 'DIALPLAN_TEMPLATE', message: /^dialplan template fallback\.njk line 3: / })
  writeFileSync(join(dir, 'agi.njk'), 'one\n{% if %}\n')
  writeFileSync(join(dir, 'fallback.njk'), 'ok\n')
  t.throws(() => renderer.render({ numbers: [], operators: [] }, { dialplan: config.dialplan, app: 'ringlead', agiUrl: 'agi://127.0.0.1:4573' }),
    { code: 'DIALPLAN_TEMPLATE', message: /^dialplan template agi\.njk line 2: / })
})

t.test('safety net: with ringlead\'s Stasis app gone, a call rings every operator, then the manager', async (t) => {
  const w = await world(t)
  await w.daemon.dialplan.apply('test')
  await w.daemon.ari.stop()
  await until('app unregistered', () => !w.sim.isAppConnected())
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951110001' })
  await until('manager answered', () => w.sim.dialplanTrace(call.channelId).some((l) => l.startsWith('Dial(PJSIP/109')))
  t.same(w.sim.dialplanTrace(call.channelId), [
    'Stasis(ringlead,inbound,google-ads,ovens) FAILED',
    'Goto(ringlead-fallback,FAILED,1)',
    'Dial(PJSIP/101&PJSIP/102,25) NOANSWER',
    'Dial(PJSIP/109,30) ANSWER PJSIP/109'
  ])
  const ended = await call.ended
  t.notOk(ended.declined, 'the call was not refused')
})

t.test('the CLI diffs, applies, lists and rolls back over AMI', async (t) => {
  const w = await world(t)
  const out: string[] = []
  const err: string[] = []
  const env = { RINGLEAD_DIALPLAN_INCLUDE_FILE: w.include, RINGLEAD_AMI_HOST: '127.0.0.1', RINGLEAD_AMI_PORT: String(w.daemon.config.ami.port) }
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, openDb: () => w.daemon.db }
  t.equal(await runCli(['dialplan', 'diff'], io), 0)
  t.match(out.join('\n'), /\+exten => 74951110002,1,Stasis\(ringlead,inbound,yandex,\)/)
  t.equal(await runCli(['dialplan', 'apply'], io), 0)
  t.match(err.at(-1), /applied and loaded by Asterisk/)
  out.length = 0
  t.equal(await runCli(['dialplan', 'history'], io), 0)
  const versionId = out[0]!.split('\t')[0]!
  t.match(out[0], /\t#1\tapplied\t.*\tcli:/)
  t.equal(await runCli(['dialplan', 'rollback', versionId], io), 0)
  t.equal(await runCli(['dialplan', 'rollback'], io), 2)
  t.equal(await runCli(['dialplan', 'apply'], { ...io, env: { ...env, RINGLEAD_AMI_HOST: '' } }), 1)
  t.match(err.at(-1), /AMI is not configured/)
})

t.test('the API: admin only, diff, apply, versions, rollback; 400 names the field', async (t) => {
  const w = await world(t)
  const admin = { authorization: `Bearer ${w.token}` }
  const supervisor = { authorization: `Bearer ${createToken(w.daemon.db, { name: 's', role: 'supervisor' }, Date.now()).token}` }
  t.equal((await w.daemon.app.inject({ method: 'POST', url: '/api/dialplan/apply', headers: supervisor })).statusCode, 403)
  t.equal((await w.daemon.app.inject({ method: 'GET', url: '/api/dialplan/diff', headers: supervisor })).statusCode, 403)
  const diff = await w.daemon.app.inject({ method: 'GET', url: '/api/dialplan/diff', headers: admin })
  t.equal(diff.statusCode, 200)
  t.equal(diff.json().changed, true)
  const applied = await w.daemon.app.inject({ method: 'POST', url: '/api/dialplan/apply', headers: admin })
  t.equal(applied.statusCode, 200)
  t.match(applied.json(), { status: 'applied', appliedBy: /^token:/ })
  const list = await w.daemon.app.inject({ method: 'GET', url: '/api/dialplan/versions', headers: admin })
  t.equal(list.json().versions.length, 1)
  const bad = await w.daemon.app.inject({ method: 'POST', url: '/api/dialplan/versions/nope/rollback', headers: admin })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /versionId/)
  const back = await w.daemon.app.inject({ method: 'POST', url: `/api/dialplan/versions/${applied.json().versionId as string}/rollback`, headers: admin })
  t.equal(back.statusCode, 200)
  w.sim.setReloadFault('reject')
  const failed = await w.daemon.app.inject({ method: 'POST', url: '/api/dialplan/apply', headers: admin })
  t.equal(failed.statusCode, 502)
  t.match(failed.json().message, /previous version was put back/)
})

