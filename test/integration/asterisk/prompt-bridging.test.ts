// A prompt still playing must not hold a conversation back, on a real Asterisk 22. Asterisk does
// not let a channel join a bridge while an ARI playback on it goes on (addChannel waits for the
// playback to end: /work/shared/asterisk/traces flows 14-16), so ringlead has to stop its prompt
// first. Each test measures on Asterisk's own clock (its event timestamps, seen by a second ARI
// app) how long after the answer the two parties really were bridged. Skipped unless
// RINGLEAD_IT_ARI_URL is set (README.md beside this file).
import t from 'tap'
import { labSettings, skipMessage } from './lab-settings.js'

const settings = labSettings()

if (settings === null) {
  t.plan(0, skipMessage)
} else {
  t.setTimeout(15 * 60_000)
  const { checkAsterisk, within } = await import('./lab.js')
  const { labFor, watchFor, noChannelsLeft, sippOk } = await import('./lab-test.js')
  const { answeredLeg, enteredBridge, isLegOf } = await import('./ari-watch.js')
  const dids = settings.dids
  /** Generous next to the ~10 ms a join takes once no prompt is in the way; well short of the prompts' rest. */
  const promptlyMs = 3000
  /** "Your place in the queue" 3.4 s, "expected wait in minutes" 2.4 s, "press 1" 2.9 s; the numbers need Asterisk's core sounds. */
  const announcementMs = 8700

  const version = await checkAsterisk(settings)
  t.comment(`real Asterisk ${version} at ${settings.ari.url}`)

  t.test('a caller who presses a key during a long menu prompt talks to the chosen operator as soon as they answer', async (t) => {
    const lab = await labFor(t, settings)
    const watch = await watchFor(t, settings)
    const ana = await lab.addOperator('101', { name: 'Ana', behaviour: { kind: 'answer', afterMs: 1000 } })
    // The choices said three times over: about 37 s of prompt (sounds/ru/ringlead/demo-menu.wav is 12.4 s).
    const longPrompt = ['sound:ringlead/demo-menu', 'sound:ringlead/demo-menu', 'sound:ringlead/demo-menu']
    await lab.api('PUT', '/api/menus/main', {
      name: 'Main', greeting: [], prompt: longPrompt, options: { 1: { kind: 'operator', operatorId: ana } },
      timeoutSeconds: 5, repeats: 0, defaultAction: { kind: 'route' }, afterHours: null
    })
    await lab.addNumber(dids.tracked, { source: 'site' })
    await lab.api('PATCH', `/api/tracking-numbers/${dids.tracked}`, { menuId: 'main' })
    const ended = lab.ended()
    // The caller presses 1 (SIP INFO) 1.5 s into the prompt and hangs up 12 s after that.
    const carrier = lab.call({ from: '+79031112233', did: dids.tracked, caller: { kind: 'press', digit: '1', stayMs: 12_000 } })
    const e = await within(60_000, 'call.ended', ended)
    t.same(e.menuPath, ['main:1'], 'the key chose the operator')
    t.equal(e.answeredBy, ana)

    const key = await watch.first('the caller\'s key', (x) => x.type === 'ChannelDtmfReceived' && isLegOf('carrier')(x), 0)
    const prompt = await watch.first('the menu prompt', (x) => x.type === 'PlaybackStarted' && x.playback?.target_uri === `channel:${key.channel!.id}`, 0)
    t.ok(key.at < prompt.at + 12_000, `the key came during the prompt (${key.at - prompt.at} ms into it)`)
    const answer = await watch.first('the operator\'s answer', answeredLeg('101'), 0)
    // A hang-up ends the playback, and Asterisk then completes the pending join: only a join before it counts.
    const gone = await watch.first('the caller\'s hang-up', (x) => x.type === 'ChannelHangupRequest' && isLegOf('carrier')(x), 0)
    const joined = await watch.first('the caller joining a bridge', enteredBridge('carrier'), 0).catch(() => null)
    const talked = joined === null ? 0 : gone.at - joined.at
    t.ok(joined !== null && joined.at < gone.at, `the caller joined the operator's bridge before hanging up (${joined === null ? 'never' : `${joined.at - gone.at} ms from the hang-up`})`)
    if (joined !== null && joined.at < gone.at) {
      t.ok(joined.at - answer.at < promptlyMs,
        `the caller was bridged ${joined.at - answer.at} ms after the operator answered (at most ${promptlyMs}; the prompt had ${prompt.at + 37_000 - answer.at} ms left)`)
    }
    t.ok(talked >= 5000, `caller and operator were bridged ${talked} ms before the caller hung up (ringlead reports ${e.talkMs} ms of talk)`)
    await sippOk(t, carrier, 'the caller\'s key got 200 and their BYE got 200')
    await noChannelsLeft(t, lab)
  })

  t.test('an SLA call: the owner presses 1 during the lead\'s summary, the customer is dialled at once and bridged to them', async (t) => {
    let offset = 0
    const now = (): number => Date.now() + offset
    const allDay = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]])))
    const lab = await labFor(t, settings, {
      leads: { workingHours: allDay, timeZone: 'UTC', reminderBeforeMinutes: 0, responseMinutes: 40, customerDialString: 'PJSIP/{number}@carrier' }
    }, { now })
    const watch = await watchFor(t, settings)
    // The owner's phone answers after 0.5 s and presses 1 a second later, early in the summary
    // ("a lead is waiting", minutes, "from number", the digits, "press 1 to call": about 8 s).
    const owner = await lab.addOperator('101', { name: 'Owner', behaviour: { kind: 'answer_and_press', digit: '1', afterMs: 500 } })
    // The customer answers after 1 s (PJSIP/<number>@carrier reaches the carrier's address) and hangs up 4 s later.
    const customer = await lab.customerPhone({ kind: 'answer_then_hang_up', talkMs: 4000 })
    const { lead } = lab.daemon.leads.intake({ channel: 'api', phone: '+79031112233', name: 'Ivan' }, 'test')
    t.equal(lead.ownerId, owner, 'the only operator owns the lead')

    offset += 41 * 60_000 // past the 40-minute deadline: the call to the owner is due
    t.equal(lab.daemon.escalations.tick(now()), 1, 'the call to the owner is due')
    await within(60_000, 'the escalation step', lab.daemon.escalations.drain())

    const step = lab.daemon.leadsRepo.steps(lead.leadId).find((s) => s.step === 'owner_call')
    t.match(step, { state: 'done', result: /^connected/ }, 'the step connected the owner to the customer')
    const key = await watch.first('the owner\'s key', (x) => x.type === 'ChannelDtmfReceived' && isLegOf('101')(x), 0)
    const summary = await watch.first('the summary', (x) => x.type === 'PlaybackStarted' && x.playback?.target_uri === `channel:${key.channel!.id}`, 0)
    const dialled = await watch.first('the customer\'s leg', isLegOf('carrier'), 0).catch(() => null)
    t.ok(dialled !== null, 'the customer was dialled')
    if (dialled !== null) {
      // "Connecting" (1.7 s) may be said first; the rest of the summary may not.
      t.ok(dialled.at - key.at < 4000, `the customer was dialled ${dialled.at - key.at} ms after the key (the summary started ${key.at - summary.at} ms before the key)`)
    }
    const customerAnswer = await watch.first('the customer\'s answer', answeredLeg('carrier'), 0).catch(() => null)
    const ownerIn = await watch.first('the owner joining a bridge', enteredBridge('101'), 0).catch(() => null)
    const customerIn = await watch.first('the customer joining a bridge', enteredBridge('carrier'), 0).catch(() => null)
    t.ok(ownerIn !== null && customerIn !== null && ownerIn.bridge?.id === customerIn.bridge?.id, 'owner and customer were in one bridge')
    if (customerAnswer !== null && ownerIn !== null && customerIn !== null) {
      const both = Math.max(ownerIn.at, customerIn.at)
      t.ok(both - customerAnswer.at < promptlyMs, `they were bridged ${both - customerAnswer.at} ms after the customer answered (at most ${promptlyMs})`)
    }
    t.ok(lab.daemon.leadsRepo.events(lead.leadId).some((x) => x.kind === 'response'), 'reaching the customer is the lead\'s response')
    await sippOk(t, customer, 'the customer answered and hung up')
    await sippOk(t, lab.phone('101')!, 'the owner\'s key got 200 and Asterisk hung the owner up')
    await noChannelsLeft(t, lab)
  })

  t.test('a waiting caller hearing their place in the queue is bridged as soon as the freed operator answers', async (t) => {
    const lab = await labFor(t, settings, { queue: { enabled: true, announceEverySeconds: 60, pollMs: 200 } })
    const watch = await watchFor(t, settings)
    const ana = await lab.addOperator('101', { name: 'Ana', behaviour: { kind: 'answer', afterMs: 500, calls: 2 } })
    const firstCaller = '+79030000001'
    const waitingCaller = '+79030000002'
    const firstEnded = lab.ended((x) => x.callerPhone === firstCaller)
    const ended = lab.ended((x) => x.callerPhone === waitingCaller)
    // The first caller talks with Ana for 3 s after their answer, then hangs up.
    lab.call({ from: firstCaller, did: dids.unknown, caller: { kind: 'talk', talkMs: 3000 } })
    await watch.first('the first call bridged', enteredBridge('101'), 30_000)
    // The second caller finds Ana busy and waits: answered, told their place ("your place in the
    // queue", number, "expected wait in minutes", number, "press 1": about 9 s), then stays on the line.
    const carrier = lab.call({ from: waitingCaller, did: dids.unknown, caller: { kind: 'talk', talkMs: 14_000 }, carrierPort: settings.carrier.port + 1 })
    const e = await within(60_000, 'the waiting call.ended', ended)
    t.equal((await within(10_000, 'the first call.ended', firstEnded)).answeredBy, ana)
    t.equal(e.status, 'answered')
    t.equal(e.answeredBy, ana)
    const s = await lab.story(e.callId)
    t.match(s.call.queue, { outcome: 'connected' }, 'connected from the queue')

    const isWaiting = (x: { channel?: { callerNumber: string } }): boolean => x.channel?.callerNumber === waitingCaller
    const waiting = await watch.first('the waiting caller\'s channel', (x) => isLegOf('carrier')(x) && isWaiting(x), 0)
    const announcement = await watch.first('the announcement', (x) => x.type === 'PlaybackStarted' && x.playback?.target_uri === `channel:${waiting.channel!.id}`, 0)
    const firstLeg = (await watch.first('the first answer', answeredLeg('101'), 0)).channel!.id
    const answer = await watch.first('Ana answering the waiting caller', (x) => answeredLeg('101')(x) && x.channel!.id !== firstLeg, 0)
    // The test means something only if, left alone, the announcement would still be playing well after the answer.
    t.ok(announcement.at < answer.at && answer.at - announcement.at < announcementMs - promptlyMs,
      `the announcement was playing when Ana answered (started ${answer.at - announcement.at} ms before; it lasts about ${announcementMs} ms)`)
    const gone = await watch.first('the waiting caller\'s hang-up', (x) => x.type === 'ChannelHangupRequest' && isLegOf('carrier')(x) && isWaiting(x), 0)
    const joined = await watch.first('the waiting caller joining a bridge', (x) => enteredBridge('carrier')(x) && isWaiting(x), 0).catch(() => null)
    t.ok(joined !== null && joined.at < gone.at, 'the waiting caller joined Ana\'s bridge before hanging up')
    if (joined !== null && joined.at < gone.at) t.ok(joined.at - answer.at < promptlyMs, `the waiting caller was bridged ${joined.at - answer.at} ms after Ana answered (at most ${promptlyMs})`)
    await sippOk(t, carrier, 'the waiting caller talked and hung up')
    await noChannelsLeft(t, lab)
  })
}
