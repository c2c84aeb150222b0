// The disposition menu on the operator's line once the customer hung up on an answered call: the
// call layer carries the audio (a PhoneMenu over ARI); the leads layer's menu decides.
import type { AriLink } from '../asterisk/ari-link.js'
import { PhoneMenu } from '../asterisk/phone-menu.js'
import type { CallLeads } from '../leads/call-leads.js'
import { runDispositionMenu, type DispositionMenuDeps, type DispositionResult } from '../leads/disposition-prompt.js'

export interface DispositionPromptDeps extends DispositionMenuDeps {
  ari: AriLink
  callLeads: CallLeads
  lang: string
}

export async function runDispositionPrompt (deps: DispositionPromptDeps, call: { callId: string; operatorId: string; channelId: string; pressed?: string[] }): Promise<DispositionResult> {
  const log = deps.log.child({ callId: call.callId, operatorId: call.operatorId, channelId: call.channelId })
  const menu = new PhoneMenu(deps.ari, call.channelId, deps.lang, log, call.pressed)
  try {
    return await runDispositionMenu({ ...deps, log }, menu, `phone:${call.operatorId}`, () => deps.callLeads.leadOf(call.callId, 30_000))
  } finally {
    await menu.hangup()
  }
}
