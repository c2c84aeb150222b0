// Checks the simulator against Asterisk 22's own ARI descriptions: (1) what we declare exists there
// with compatible types; (2) every response body and event the sim produces fits Asterisk's models.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { DECLARATIONS } from '../../src/sim/api-docs/resources.js'
import type { ApiDeclaration, SwaggerOperation } from '../../src/sim/api-docs/swagger.js'
import { ModelIndex, type SpecDeclaration, type SpecProperty, validateEvent, validateValue } from '../../src/sim/swagger-validator.js'
import { EventStream, SECONDS_MS, ari, sleep, startSim } from '../sim/helpers.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const docsDir = process.env.RINGLEAD_ARI_DOCS ?? resolve(repoRoot, '..', 'shared', 'asterisk', 'ari-api-docs')

interface OriginalParam { name: string; paramType: string; dataType: string; required?: boolean; allowMultiple?: boolean; defaultValue?: unknown; allowableValues?: { values?: unknown[] } }
interface OriginalOperation { httpMethod: string; nickname: string; responseClass: string; parameters?: OriginalParam[] }
interface OriginalDeclaration extends SpecDeclaration { resourcePath: string; apis: Array<{ path: string; operations: OriginalOperation[] }> }

if (!existsSync(docsDir)) {
  t.skip(`ARI conformance: Asterisk descriptions not found at ${docsDir} (set RINGLEAD_ARI_DOCS to their folder)`, async () => {})
} else {
  const originals: Record<string, OriginalDeclaration> = {}
  for (const file of readdirSync(docsDir).filter((f) => f.endsWith('.json'))) {
    originals[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(docsDir, file), 'utf8')) as OriginalDeclaration
  }
  const index = new ModelIndex(Object.values(originals))

  t.test('every API, operation and parameter we serve exists in Asterisk\'s descriptions with compatible types', async (t) => {
    for (const [resource, ours] of Object.entries(DECLARATIONS)) {
      const original = originals[resource]
      if (!original) { t.fail(`${resource}: no such resource in Asterisk`); continue }
      t.equal(ours.resourcePath, original.resourcePath, `${resource} resourcePath`)
      for (const api of ours.apis) {
        const origApi = original.apis.find((a) => a.path === api.path)
        if (!origApi) { t.fail(`${resource} ${api.path}: no such path`); continue }
        for (const op of api.operations) checkOperation(t, `${resource} ${op.httpMethod} ${api.path}`, op, origApi.operations)
      }
    }
  })

  t.test('every model we declare exists in Asterisk\'s descriptions with the same property types', async (t) => {
    for (const [resource, ours] of Object.entries(DECLARATIONS)) {
      for (const [name, model] of Object.entries((ours as ApiDeclaration).models)) {
        const original = index.get(name)
        if (!original) { t.fail(`${resource} model ${name}: not an Asterisk model`); continue }
        for (const sub of model.subTypes ?? []) t.ok(original.subTypes?.includes(sub), `${name} subtype ${sub} exists`)
        for (const [prop, p] of Object.entries(model.properties)) {
          const op: SpecProperty | undefined = original.properties?.[prop]
          if (!op) { t.fail(`${name}.${prop}: not an Asterisk property`); continue }
          t.equal(p.type, op.type, `${name}.${prop} type`)
          t.equal(p.required ?? false, op.required ?? false, `${name}.${prop} required`)
          const values = p.allowableValues?.valueType === 'LIST' ? p.allowableValues.values : []
          for (const v of values) t.ok(op.allowableValues?.values?.includes(v), `${name}.${prop} value ${v} allowed by Asterisk`)
        }
        for (const [prop, op] of Object.entries(original.properties ?? {})) {
          if (op.required) t.ok(prop in model.properties, `${name}.${prop} (required by Asterisk) is declared`)
        }
      }
    }
  })

  t.test('every response body and event the simulator produces matches Asterisk\'s models', async (t) => {
    const { sim } = await startSim(t)
    await driveScenarios(sim)
    const responses = sim.wire.responses()
    const events = sim.wire.events()
    t.ok(responses.length > 50, `${responses.length} responses checked`)
    t.ok(events.length > 100, `${events.length} events checked`)
    const problems: string[] = []
    for (const r of responses) {
      const where = `${r.method} ${r.pathTemplate ?? '?'} -> ${r.status}`
      if (r.status >= 400) {
        const body = r.body as Record<string, unknown>
        const ok = (Object.keys(body).length === 1 && typeof body.message === 'string') || (r.status === 500 && body.error === 'Allocation failed')
        if (!ok) problems.push(`${where}: error body ${JSON.stringify(body)} is not {"message": string}`)
        continue
      }
      const original = originals[r.resource ?? '']?.apis.find((a) => a.path === r.pathTemplate)?.operations.find((o) => o.nickname === r.nickname)
      if (!original) { problems.push(`${where}: no Asterisk operation ${String(r.nickname)}`); continue }
      const type = r.status === 204 ? 'void' : original.responseClass
      problems.push(...validateValue(r.body, type, index).map((p) => `${where} (${type}): ${p}`))
    }
    for (const e of events) problems.push(...validateEvent(e.body, index).map((p) => `event ${String(e.body.type)}: ${p}`))
    t.same(problems, [], 'no mismatches')
    const types = new Set(events.map((e) => String(e.body.type)))
    for (const type of ['StasisStart', 'StasisEnd', 'ChannelStateChange', 'ChannelHangupRequest', 'ChannelDestroyed', 'Dial', 'ChannelVarset',
      'ChannelEnteredBridge', 'ChannelLeftBridge', 'BridgeDestroyed', 'RecordingStarted', 'RecordingFinished', 'PlaybackStarted',
      'PlaybackContinuing', 'PlaybackFinished', 'ChannelDtmfReceived', 'ApplicationReplaced', 'ChannelCreated', 'BridgeCreated', 'EndpointStateChange']) {
      t.ok(types.has(type), `scenarios produced ${type}`)
    }
  })
}

function checkOperation (t: Test, where: string, op: SwaggerOperation, originals: OriginalOperation[]): void {
  const original = originals.find((o) => o.nickname === op.nickname && o.httpMethod === op.httpMethod)
  if (!original) { t.fail(`${where} ${op.nickname}: no such operation`); return }
  t.equal(op.responseClass, original.responseClass, `${where} ${op.nickname} responseClass`)
  for (const p of op.parameters ?? []) {
    const o: OriginalParam | undefined = original.parameters?.find((x) => x.name === p.name)
    if (!o) { t.fail(`${where} ${op.nickname}: no parameter ${p.name}`); continue }
    const at = `${where} ${op.nickname}(${p.name})`
    t.equal(p.paramType, o.paramType, `${at} paramType`)
    t.equal(p.dataType, o.dataType, `${at} dataType`)
    if (o.required !== undefined) t.equal(p.required, o.required, `${at} required`)
    if (o.allowMultiple !== undefined) t.equal(p.allowMultiple, o.allowMultiple, `${at} allowMultiple`)
    if (p.defaultValue !== undefined && o.defaultValue !== undefined) t.equal(p.defaultValue, o.defaultValue, `${at} default`)
    const values = p.allowableValues?.valueType === 'LIST' ? p.allowableValues.values : []
    for (const v of values) t.ok(o.allowableValues?.values?.includes(v), `${at} value ${v} allowed by Asterisk`)
  }
  for (const o of original.parameters ?? []) {
    if (o.required) t.ok(op.parameters?.some((p) => p.name === o.name), `${where} ${op.nickname}: required parameter ${o.name} declared`)
  }
}

type Sim = Awaited<ReturnType<typeof startSim>>['sim']

/** A representative tour of the simulator: the traced flows plus the error cases. */
async function driveScenarios (sim: Sim): Promise<void> {
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 10 } })
  sim.addEndpoint('102', { behaviour: { kind: 'noanswer' } })
  sim.addEndpoint('103', { behaviour: { kind: 'busy', afterMs: 10 } })
  sim.addEndpoint('104', { registered: false })
  sim.addEndpoint('105', { behaviour: { kind: 'unreachable' } })
  const first = await EventStream.open(sim)
  const ev = await EventStream.open(sim, 'app=ringlead&subscribeAll=true') // replaces the first
  await first.type('ApplicationReplaced')
  sim.register('104')

  // flow1/flow2: inbound, ring, no answer, busy, answer, bridge, record, caller BYE
  const call = sim.placeCall({ from: '+79031112233', callerName: 'Caller Name', did: '74951234567', dtmf: [{ digit: '1', afterMs: 5 }] })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/ring`)
  await ari(sim, 'GET', `/channels/${call.channelId}`)
  const noAnswer = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&appArgs=operator%2C102&timeout=2')).body as { id: string }
  await ev.type('ChannelDestroyed', noAnswer.id)
  const busy = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F103&app=ringlead&timeout=15')).body as { id: string }
  await ev.type('ChannelDestroyed', busy.id)
  const dead = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F105&app=ringlead&timeout=60')).body as { id: string }
  await ev.type('ChannelDestroyed', dead.id)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&appArgs=operator%2C101&callerId=Ivan%20Petrov%20%3C%2B7916%3E', { variables: { RINGLEAD_TASK: 't1' } })).body as { id: string }
  await ev.type('StasisStart', op.id)
  await ari(sim, 'GET', `/channels/${op.id}/variable?variable=RINGLEAD_TASK`)
  await ari(sim, 'POST', `/channels/${op.id}/variable?variable=FOO&value=bar`)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  await ev.type('ChannelDtmfReceived')
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing&name=conf')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId},${op.id}`)
  await ari(sim, 'POST', `/bridges/${bridge.id}/record?name=conf-call&format=wav&ifExists=overwrite`)
  const snoop = (await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=in&app=ringlead&appArgs=snoop`)).body as { id: string }
  await ari(sim, 'POST', `/channels/${snoop.id}/record?name=conf-in&format=wav&ifExists=overwrite`)
  await ari(sim, 'GET', '/recordings/live/conf-call')
  await ari(sim, 'GET', `/bridges/${bridge.id}`)
  await ari(sim, 'GET', '/bridges')
  await ari(sim, 'GET', '/channels')
  await ari(sim, 'GET', '/applications')
  await ari(sim, 'GET', '/applications/ringlead')
  await ari(sim, 'GET', '/endpoints')
  await ari(sim, 'GET', '/endpoints/PJSIP')
  await ari(sim, 'GET', '/endpoints/PJSIP/101')
  await sleep(2 * SECONDS_MS)
  sim.hangup(call.channelId)
  await ev.type('StasisEnd', snoop.id)
  await ari(sim, 'DELETE', `/channels/${op.id}?reason=normal`)
  await ev.waitFor((e) => e.type === 'RecordingFinished' && (e.recording as { name: string }).name === 'conf-call')
  await ari(sim, 'DELETE', `/bridges/${bridge.id}`)
  await ari(sim, 'GET', '/recordings/stored')
  await ari(sim, 'GET', '/recordings/stored/conf-call')
  await ari(sim, 'GET', `/recordings/stored/conf-call/file`)

  // flow5/flow8/flow11: playback, abandon while ringing, operator BYE
  const caller2 = sim.placeCall({ from: 'anonymous', did: '74950000002' })
  await ev.type('StasisStart', caller2.channelId)
  await ari(sim, 'POST', `/channels/${caller2.channelId}/answer`)
  await ari(sim, 'POST', `/channels/${caller2.channelId}/play?media=sound%3Aringlead-prompt`)
  await ari(sim, 'POST', `/channels/${caller2.channelId}/play/pb-missing?media=sound%3Amissing`)
  const tone = (await ari(sim, 'POST', `/channels/${caller2.channelId}/play?media=sound%3Abeep%2Ctone%3Aring`)).body as { id: string }
  await ev.waitFor((e) => e.type === 'PlaybackStarted' && (e.playback as { media_uri: string }).media_uri === 'tone:ring')
  await ari(sim, 'GET', `/playbacks/${tone.id}`)
  await ari(sim, 'POST', `/channels/${caller2.channelId}/moh`)
  await ari(sim, 'DELETE', `/channels/${caller2.channelId}/moh`)
  await ari(sim, 'POST', `/channels/${caller2.channelId}/dtmf?dtmf=1`)
  await ari(sim, 'DELETE', `/playbacks/${tone.id}`)
  await ari(sim, 'DELETE', `/channels/${caller2.channelId}`)
  const caller3 = sim.placeCall({ from: '+79035550000', did: '74950000003', hangupAfterMs: 40 })
  await ev.type('StasisStart', caller3.channelId)
  const ringing = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&timeout=30')).body as { id: string }
  await ev.type('StasisEnd', caller3.channelId)
  await ari(sim, 'POST', `/channels/${ringing.id}/answer`)
  await ari(sim, 'DELETE', `/channels/${ringing.id}?reason=no_answer`)
  sim.setBehaviour('101', { kind: 'answer', afterMs: 5, hangupAfterMs: 10 })
  const byeOp = (await ari(sim, 'POST', '/channels/op-bye?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('ChannelDestroyed', byeOp.id)

  // flow6: resources and errors
  await ari(sim, 'GET', '/asterisk/info')
  await ari(sim, 'GET', '/asterisk/ping')
  for (const [method, path] of [
    ['GET', '/channels/nope'], ['DELETE', '/channels/nope'], ['POST', '/channels'], ['POST', '/channels?endpoint=PJSIP%2F101'],
    ['POST', '/channels?endpoint=PJSIP%2F999&app=ringlead'], ['POST', '/channels?endpoint=garbage&app=ringlead'],
    ['POST', '/bridges?type=wrongtype'], ['POST', '/bridges/nope/addChannel?channel=x'], ['GET', '/recordings/live/nope'],
    ['GET', '/endpoints/Foo'], ['GET', '/applications/nope'], ['GET', '/nonexistent'], ['PATCH', '/channels'], ['GET', '/playbacks/nope']
  ] as const) await ari(sim, method, path)
  await ari(sim, 'GET', '/channels', undefined, 'ringlead:wrong')
  sim.unregister('104')
  await sleep(20)
  first.close()
  ev.close()
}
