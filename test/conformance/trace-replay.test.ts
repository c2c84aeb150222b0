// Replays the traffic recorded from a real Asterisk 22.10.1 (../shared/asterisk/traces) against the
// simulator and compares what a client sees: events per channel and bridge, hang-up causes, HTTP
// statuses and bodies, and which responses wait for which events (playback vs bridge, flows 14-17).
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { PhoneBehaviour } from '../../src/sim/simulator.js'
import { startSim, until } from '../sim/helpers.js'
import { type StatusOnly, compareReplay } from './replay-compare.js'
import { type ReplayLimits, Replay } from './replay-runner.js'
import { loadTrace } from './replay-trace.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const tracesDir = process.env.RINGLEAD_ASTERISK_TRACES ?? resolve(repoRoot, '..', 'shared', 'asterisk', 'traces')

type Phone = { kind: 'answer'; afterSeconds: number } | { kind: 'busy'; afterSeconds: number } | { kind: 'noanswer' } | { kind: 'unreachable' }

interface FlowPlan extends ReplayLimits {
  dir: string
  /** Operator phones 101-103 as the flow's sipp scenarios behaved (104 is never registered). */
  phones?: Partial<Record<'101' | '102' | '103', Phone>>
  /** Real ms per protocol second; playback flows get more room so probes land inside the 10 s tone. */
  secondsMs?: number
  statusOnly?: StatusOnly
  /** The whole flow is not replayed, and why. */
  skip?: string
}

const answer = (afterSeconds: number): Phone => ({ kind: 'answer', afterSeconds })
const BRIDGE_FLOW_PHONES = { 101: answer(1) } // uas_answer1s.xml in flows 14-17

const FLOWS: FlowPlan[] = [
  { dir: 'flow1_inbound_bridge_record', phones: { 101: answer(2) } },
  { dir: 'flow1b_inbound_bridge_record_subscribeAll', phones: { 101: answer(2) } },
  { dir: 'flow2_noanswer_busy_answer', phones: { 101: answer(2), 102: { kind: 'noanswer' }, 103: { kind: 'busy', afterSeconds: 0.5 } } },
  {
    dir: 'flow3_callerid_local',
    phones: { 101: answer(2) },
    skipSegments: [
      { from: /^3b:/, to: /^3c:/, reason: 'the simulator has no Local channels (ringlead does not originate them)' },
      { from: /^3d:/, reason: 'the simulator has no POST /channels/create and /channels/{id}/dial (ringlead does not use them)' }
    ]
  },
  {
    dir: 'flow4_snoop',
    phones: { 101: answer(2) },
    statusOnly: [{ match: /^GET \/ari\/recordings\/stored$/, reason: 'lists the files earlier recording runs left on that Asterisk' }]
  },
  { dir: 'flow5_playback_dtmf' },
  {
    dir: 'flow6_resources_errors',
    phones: { 101: { kind: 'unreachable' } },
    unsupported: [
      { match: /^\S+ \/ari\/deviceStates/, reason: 'the simulator has no deviceStates resource (ringlead does not use it)' },
      { match: /^GET \/ari\/sounds/, reason: 'the simulator has no sounds resource' },
      { match: /^GET \/ari\/asterisk\/(variable|modules|logging)/, reason: 'the simulator has no asterisk variable/modules/logging resources' }
    ],
    statusOnly: [
      { match: /^GET \/ari\/recordings\/stored$/, reason: 'lists the files earlier recording runs left on that Asterisk' },
      { match: /^GET \/ari\/asterisk\/ping$/, reason: 'only a timestamp and the entity id' }
    ]
  },
  {
    dir: 'flow7_ringing_ops_unreachable',
    phones: { 101: { kind: 'unreachable' }, 102: { kind: 'noanswer' } },
    unsupported: [{ match: /^POST \/ari\/channels\/[^/]+\/dial/, reason: 'the simulator has no /channels/{id}/dial (ringlead does not use it)' }]
  },
  { dir: 'flow8_caller_abandon_while_ringing', phones: { 102: { kind: 'noanswer' } } },
  { dir: 'flow9_endpoint_subscription_register', skip: 'needs application subscriptions (POST /applications/{app}/subscription) and endpoint events, which the simulator does not implement' },
  { dir: 'flow10_inbound_via_local_channel', skip: 'the inbound call goes through a Local channel and a dialplan Dial(); the simulator has no Local channels' },
  { dir: 'flow11_operator_hangs_up_first', phones: { 101: answer(2) } },
  {
    dir: 'flow12_ws_disconnect_reconnect',
    phones: { 101: answer(2) },
    onNote: [{
      match: /^second inbound call while no WS/,
      async run (replay) {
        // Stasis() fails without a WebSocket: 603 Decline, Q.850 cause 16 (sipp carrier2 log).
        const call = replay.sim.placeCall({ from: '+79031112233', callerName: 'Caller Name', did: '74951234567' })
        const ended = await call.ended
        const out: string[] = []
        if (!ended.declined || ended.cause !== 16) out.push(`second inbound call: expected a decline with cause 16, got ${JSON.stringify(ended)}`)
        // The operator leg originated meanwhile is answered and at once hung up (BYE, cause 0) before
        // the trace's next request, 3 s later.
        await until('the originated operator leg to be hung up', () => !replay.sim.channels().some((c) => c.endpoint === '101'))
        return out
      }
    }]
  },
  { dir: 'flow13_sip_info_dtmf', dtmfInfoDurationMs: 250 }, // uac_info_dtmf.xml: Signal=7, Duration=250
  { dir: 'flow14_bridge_join_during_playback', phones: BRIDGE_FLOW_PHONES, secondsMs: 100 },
  { dir: 'flow14b_bridge_join_during_playback_operator_first', phones: BRIDGE_FLOW_PHONES, secondsMs: 100 },
  { dir: 'flow15_stop_playback_then_bridge', phones: BRIDGE_FLOW_PHONES, secondsMs: 100 },
  { dir: 'flow16_dtmf_during_playback_then_bridge', phones: BRIDGE_FLOW_PHONES, secondsMs: 100 },
  { dir: 'flow17_moh_then_bridge', phones: BRIDGE_FLOW_PHONES, secondsMs: 100 }
]

function behaviour (phone: Phone, secondsMs: number): PhoneBehaviour {
  switch (phone.kind) {
    case 'answer': return { kind: 'answer', afterMs: phone.afterSeconds * secondsMs }
    case 'busy': return { kind: 'busy', afterMs: phone.afterSeconds * secondsMs }
    default: return phone
  }
}

if (!existsSync(tracesDir)) {
  t.skip(`trace replay: recorded Asterisk traffic not found at ${tracesDir} (clone the shared folder beside the repository or set RINGLEAD_ASTERISK_TRACES)`, async () => {})
} else {
  for (const plan of FLOWS) {
    const flowDir = join(tracesDir, plan.dir)
    const title = `the simulator answers ${plan.dir} as the recorded Asterisk did`
    if (plan.skip !== undefined || !existsSync(flowDir)) {
      t.skip(`${title}: ${plan.skip ?? `${flowDir} not found`}`, async () => {})
      continue
    }
    t.test(title, async (t) => {
      const secondsMs = plan.secondsMs ?? 50
      const { sim } = await startSim(t, { secondsMs, sounds: { 'ringlead-long': 10 } })
      for (const resource of ['101', '102', '103'] as const) {
        const phone = plan.phones?.[resource]
        sim.addEndpoint(resource, phone ? { behaviour: behaviour(phone, secondsMs) } : {})
      }
      sim.addEndpoint('104', { registered: false })
      // Long enough for SIP timer B (32 s) plus a loaded machine; a missing event costs this once.
      const replay = new Replay(plan.dir, loadTrace(flowDir), sim, plan, 45 * secondsMs + 4000)
      await replay.run()
      const mismatches = [...replay.mismatches, ...compareReplay(replay, plan.statusOnly)]
      for (const m of mismatches) t.fail(m)
      for (const s of replay.skipped) t.skip(s, async () => {})
      if (mismatches.length === 0) t.pass(`${plan.dir}: ${replay.pairs.size} requests and ${replay.matched.size} events as recorded`)
    })
  }
}
