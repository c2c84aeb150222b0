// The texts the server stores in English (routing plans' reasons, operator states, the wait queue's
// verdicts, escalation results, lead event reasons) read back into the page's language. They are
// history: a plan is kept with its call, a ladder result with its lead, so the console reads the
// stored text by its known shapes instead of asking the domain for codes old rows never had. A
// text of no known shape (typed by a person, or new) shows as it is; test/console/languages.test.ts
// finds a shape that changed.
type Kind = 'op' | 'ops' | 'cat' | 'num' | 'text' | 'status' | 'step' | 'outcome' | 'actor' | 'who'

interface Shape { re: RegExp; key: string; kinds?: Record<string, Kind> }

const op = '(?<op>[\\w.:-]+)'
const shapes: Shape[] = [
  { re: new RegExp(`^${op}: served this customer (?<days>\\d+) days ago$`), key: 'srv.plan.sticky', kinds: { op: 'op' } },
  { re: new RegExp(`^${op}: specialist for (?<cat>\\S+) \\(level (?<level>\\d+)\\), load (?<load>[\\d.]+), idle (?<idle>\\d+) s$`), key: 'srv.plan.specialist', kinds: { op: 'op', cat: 'cat', load: 'num' } },
  { re: new RegExp(`^${op}: free, load (?<load>[\\d.]+), idle (?<idle>\\d+) s$`), key: 'srv.plan.free', kinds: { op: 'op', load: 'num' } },
  { re: /^ring all (?<n>\d+) free operators at once$/, key: 'srv.plan.ringAll' },
  { re: new RegExp(`^${op}: manager, last in the chain$`), key: 'srv.plan.manager', kinds: { op: 'op' } },
  { re: /^chosen in the voice menu: (?<ops>\S+), but none of them is free: the usual plan$/, key: 'srv.plan.menuBusy', kinds: { ops: 'ops' } },
  { re: /^chosen in the voice menu: (?<ops>\S+)$/, key: 'srv.plan.menu', kinds: { ops: 'ops' } },
  { re: new RegExp(`^${op}: free when the caller would have been put in the waiting line$`), key: 'srv.plan.queueFree', kinds: { op: 'op' } },
  { re: new RegExp(`^${op}: free again, first waiting caller they can take$`), key: 'srv.plan.queueNext', kinds: { op: 'op' } },
  { re: new RegExp(`^last operator ${op} not preferred: last call over (?<days>\\d+) days ago$`), key: 'srv.plan.stickyOld', kinds: { op: 'op' } },
  { re: new RegExp(`^last operator ${op} no longer works here$`), key: 'srv.plan.stickyGone', kinds: { op: 'op' } },
  { re: new RegExp(`^last operator ${op} not rung first: (?<reason>.+)$`), key: 'srv.plan.stickyBusy', kinds: { op: 'op', reason: 'text' } },
  { re: /^no free specialist for (?<cat>\S+)$/, key: 'srv.plan.noSpecialist', kinds: { cat: 'cat' } },
  { re: /^(?<n>\d+) more free operators not planned: at most (?<max>\d+) attempts$/, key: 'srv.plan.notPlanned' },
  { re: /^no manager configured$/, key: 'srv.plan.noManagerConfigured' },
  { re: /^no manager free$/, key: 'srv.plan.noManagerFree' },
  { re: /^nobody free to ring$/, key: 'srv.plan.nobodyFree' },
  { re: /^waiting: (?<reason>.+)$/, key: 'srv.plan.waiting', kinds: { reason: 'text' } },
  { re: /^not waiting: (?<reason>.+)$/, key: 'srv.plan.notWaiting', kinds: { reason: 'text' } },
  { re: /^1 operator who can take the call is busy$/, key: 'srv.queue.busyOne' },
  { re: /^(?<n>\d+) operators who can take the call are busy$/, key: 'srv.queue.busyMany' },
  { re: /^nobody who can take the call is at work$/, key: 'srv.queue.nobodyAtWork' },
  { re: /^paused$/, key: 'srv.state.paused' },
  { re: /^phone not registered$/, key: 'srv.state.unregistered' },
  { re: /^phone (?<device>unavailable|invalid)$/, key: 'srv.state.phoneDown' },
  { re: /^on a call$/, key: 'srv.state.onCall' },
  { re: /^on a call \(phone (?<device>\w+)\)$/, key: 'srv.state.onCallPhone' },
  { re: /^recording the call outcome$/, key: 'srv.state.wrapUpPrompt' },
  { re: /^ringing$/, key: 'srv.state.ringing' },
  { re: /^ringing \(phone\)$/, key: 'srv.state.ringingPhone' },
  { re: /^in wrap-up for (?<s>\d+) s more$/, key: 'srv.state.wrapUp' },
  { re: /^free$/, key: 'srv.state.free' },
  // Speech: why a call has no transcript yet.
  { re: /^no model in (?<dir>\S+): put a ggml model there, run `make model`, or set RINGLEAD_SPEECH_MODEL_PATH; calls are recorded and queued$/, key: 'srv.speech.noModel' },
  { re: /^no model in (?<dir>\S+): a random model generated for the demo — transcripts will be noise; put a ggml model there or run `make model`$/, key: 'srv.speech.randomModel' },
  // Escalation: step results, the ladder's decisions, event reasons.
  { re: /^(?<step>reminder|owner_call|manager_call|follow_up): (?<outcome>\w+)$/, key: 'srv.esc.stepOutcome', kinds: { step: 'step', outcome: 'outcome' } },
  { re: /^lead answered meanwhile$/, key: 'srv.esc.answered' },
  { re: /^lead gone$/, key: 'srv.esc.gone' },
  { re: /^call-back due: new deadline$/, key: 'srv.esc.callbackDue' },
  { re: /^follow-up lead (?<lead>\S+)$/, key: 'srv.esc.followUpLead' },
  { re: /^lead (?<status>\w+)$/, key: 'srv.esc.leadStatus', kinds: { status: 'status' } },
  { re: /^answered with a note$/, key: 'srv.esc.note' },
  { re: /^reminder sent; the call to the owner stays due at the deadline$/, key: 'srv.esc.reminderSent' },
  { re: /^follow-up task handed to the owner$/, key: 'srv.esc.followUpTask' },
  { re: /^owner called the customer$/, key: 'srv.esc.ownerReached' },
  { re: /^owner (?<outcome>\w+): calling again \(attempt (?<n>\d+)\)$/, key: 'srv.esc.ownerAgain', kinds: { outcome: 'outcome' } },
  { re: /^owner (?<outcome>\w+): the manager is next$/, key: 'srv.esc.ownerThenManager', kinds: { outcome: 'outcome' } },
  { re: /^manager called the customer$/, key: 'srv.esc.managerReached' },
  { re: /^manager reassigned the lead$/, key: 'srv.esc.managerReassigned' },
  { re: /^manager (?<outcome>\w+): calling again$/, key: 'srv.esc.managerAgain', kinds: { outcome: 'outcome' } },
  { re: /^manager (?<outcome>\w+) after (?<n>\d+) calls: the lead stays overdue and flagged$/, key: 'srv.esc.managerGaveUp', kinds: { outcome: 'outcome' } },
  { re: /^(?<who>owner|manager) called the customer from the escalation call$/, key: 'srv.esc.reachedFromCall', kinds: { who: 'who' } },
  { re: /^(?<outcome>\w+); (?<reason>.+)$/, key: 'srv.esc.outcomeReason', kinds: { outcome: 'outcome', reason: 'text' } },
  { re: /^error: (?<message>.*)$/, key: 'srv.esc.error' },
  { re: /^assigned by (?<actor>\S+)$/, key: 'srv.lead.assignedBy', kinds: { actor: 'actor' } },
  { re: /^reassigned by the manager from the escalation call$/, key: 'srv.lead.reassignedByManager' }
]

export interface TextReaders {
  t: (key: string, vars?: Record<string, string | number>) => string
  /** An operator's name by id (the id when unknown). */
  operator: (operatorId: string) => string
  category: (categoryId: string) => string
  /** Who did something, from an actor string (user:…, operator:…, phone:…, system, token:…). */
  actor: (actor: string) => string
  status: (status: string) => string
  number: (n: number, digits: number) => string
}

/** A key's translation, or null when the table has none. */
const known = (r: TextReaders, key: string, vars?: Record<string, string | number>): string | null => {
  const text = r.t(key, vars)
  return text === key ? null : text
}

export function readServerText (text: string | null | undefined, r: TextReaders): string {
  if (text == null || text === '') return ''
  for (const shape of shapes) {
    const m = shape.re.exec(text)
    if (m === null) continue
    const vars: Record<string, string | number> = {}
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      switch (shape.kinds?.[name]) {
        case 'op': vars[name] = r.operator(value); break
        case 'ops': vars[name] = value.split('+').map(r.operator).join(', '); break
        case 'cat': vars[name] = r.category(value); break
        case 'num': vars[name] = r.number(Number(value), 2); break
        case 'text': vars[name] = readServerText(value, r); break
        case 'status': vars[name] = r.status(value); break
        case 'step': vars[name] = known(r, `ladder.step.${value}`) ?? value; break
        case 'outcome': vars[name] = known(r, `esc.outcome.${value}`) ?? value; break
        case 'actor': vars[name] = r.actor(value); break
        case 'who': vars[name] = known(r, `esc.who.${value}`) ?? value; break
        default: vars[name] = value
      }
    }
    return r.t(shape.key, vars)
  }
  return text
}
