// Which dials DirectDials writes down, fed AMI events as the link translates them.
import { EventEmitter } from 'node:events'
import t from 'tap'
import { Bus } from '../../src/bus.js'
import type { AmiLink, DialBegin } from '../../src/asterisk/ami-link.js'
import { DirectDials } from '../../src/calls/direct-dials.js'
import type { OperatorBoard } from '../../src/calls/operator-board.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { createOperator } from '../../src/catalog/catalog-service.js'
import { openDb } from '../../src/db/open.js'
import type { CallEnded } from '../../src/domain/call-events.js'
import { testLog } from '../helpers/world.js'

function setup (t: { teardown (fn: () => unknown): void }) {
  const db = openDb(':memory:')
  t.teardown(() => db.$client.close())
  const bus = new Bus()
  let seq = 0
  const newId = (p: string): string => `${p}_${++seq}`
  const ctx = { db, bus, now: () => 1000, newId }
  createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101' }, 'op_101')
  createOperator(ctx, { name: 'Ben', endpoint: 'PJSIP/102' }, 'op_102')
  const endpoints: Record<string, string> = { 'PJSIP/101': 'op_101', 'PJSIP/102': 'op_102' }
  const talking: string[] = []
  const board = {
    operatorIdOf: (e: string) => endpoints[e],
    record: (id: string) => ({ name: id === 'op_101' ? 'Ana' : 'Ben' }),
    talkStarted: (id: string) => { talking.push(`+${id}`) },
    talkEnded: (id: string) => { talking.push(`-${id}`) }
  } as unknown as OperatorBoard
  const ami = new EventEmitter() as unknown as AmiLink
  let clock = 1000
  const dials = new DirectDials({ ami, board, repo: new CallsRepo(db), bus, log: testLog, now: () => clock, newId, defaultRegion: 'RU' })
  dials.start()
  const ended: CallEnded[] = []
  bus.on('call.ended', (e) => ended.push(e))
  const begin = (b: Partial<DialBegin>): void => {
    ami.emit('dialBegin', { uniqueid: '', linkedid: '', channel: '', exten: '', destUniqueid: '', destLinkedid: '', destChannel: '', dialString: '', ...b })
  }
  return { db, ami, dials, ended, talking, begin, tick: (ms: number) => { clock += ms } }
}

t.test('an operator\'s own call is followed to its end; others are left alone', async (t) => {
  const s = setup(t)
  // ringlead's originates: no dialling channel, or rl-* ids.
  s.begin({ destChannel: 'PJSIP/101-00000001', destUniqueid: 'rl-leg-1', dialString: '101' })
  s.begin({ uniqueid: 'rl-call-1', linkedid: 'rl-call-1', channel: 'PJSIP/101-00000002', destChannel: 'PJSIP/carrier-00000003', destUniqueid: '1.3', dialString: '79031112233@carrier' })
  // The carrier dialling an operator (the dialplan fallback) is an inbound call.
  s.begin({ uniqueid: '1.4', linkedid: '1.4', channel: 'PJSIP/carrier-00000004', exten: '74950000003', destChannel: 'PJSIP/101-00000005', destUniqueid: '1.5', dialString: '101' })
  // Operator to operator: internal.
  s.begin({ uniqueid: '1.6', linkedid: '1.6', channel: 'PJSIP/101-00000006', exten: '102', destChannel: 'PJSIP/102-00000007', destUniqueid: '1.7', dialString: '102' })
  t.equal(s.dials.openCalls, 0, 'none of those is a direct call to a customer')

  s.begin({ uniqueid: '1.8', linkedid: '1.8', channel: 'PJSIP/102-00000008', exten: '89031112233', destChannel: 'PJSIP/carrier-00000009', destUniqueid: '1.9', dialString: '89031112233@carrier' })
  s.begin({ uniqueid: '1.8', linkedid: '1.8', channel: 'PJSIP/102-00000008', exten: '89031112233', destChannel: 'PJSIP/carrier-0000000a', destUniqueid: '1.10', dialString: '89031112233@carrier2' })
  t.equal(s.dials.openCalls, 1, 'a forked Dial() is one call')
  s.tick(3000)
  s.ami.emit('dialEnd', { uniqueid: '1.8', destUniqueid: '1.9', dialStatus: 'ANSWER' })
  s.tick(10_000)
  s.ami.emit('hangup', { uniqueid: '1.8', linkedid: '1.8', channel: 'PJSIP/102-00000008', cause: 16, causeText: 'Normal Clearing' })
  s.ami.emit('hangup', { uniqueid: '1.9', linkedid: '1.8', channel: 'PJSIP/carrier-00000009', cause: 16, causeText: 'Normal Clearing' })
  t.equal(s.ended.length, 1)
  t.match(s.ended[0], {
    direction: 'outbound', status: 'answered', answeredBy: 'op_102', dialledPhone: '+79031112233', callerRaw: 'PJSIP/102',
    ringMs: 3000, talkMs: 10_000, hangupBy: 'operator', attempts: [{ operatorId: 'op_102', result: 'answered' }]
  })
  t.same(s.talking, ['+op_102', '-op_102'])
  t.equal(s.dials.openCalls, 0)
})

t.test('AMI dropping mid-call closes open direct calls as interrupted', async (t) => {
  const s = setup(t)
  s.begin({ uniqueid: '2.1', linkedid: '2.1', channel: 'PJSIP/101-00000001', exten: '+79035550000', destChannel: 'PJSIP/carrier-00000002', destUniqueid: '2.2', dialString: '+79035550000@carrier' })
  s.ami.emit('disconnected', { reason: 'connection closed' })
  t.match(s.ended, [{ status: 'interrupted', hangupBy: 'system', answeredBy: null, dialledPhone: '+79035550000' }])
  t.equal(s.dials.openCalls, 0)
})
