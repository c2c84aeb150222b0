// The ARI object models the simulator returns, with the property types Asterisk 22 declares.
import { list, model, opt, req } from './swagger.js'

export const CHANNEL_STATES = list('Down', 'Rsrved', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring', 'Unknown')

export const CallerID = model('CallerID', 'Caller identification.', {
  name: req('string'),
  number: req('string')
})

export const DialplanCEP = model('DialplanCEP', 'Where a channel is in the dialplan.', {
  context: req('string', 'Context.'),
  exten: req('string', 'Extension.'),
  priority: req('long', 'Priority.'),
  app_name: req('string', 'Application being run.'),
  app_data: req('string', 'Arguments of that application.')
})

export const Channel = model('Channel', 'A call leg between Asterisk and an endpoint.', {
  id: req('string', 'Unique id (AMI Uniqueid).'),
  protocol_id: req('string', 'SIP Call-ID for PJSIP channels, empty otherwise.'),
  name: req('string', 'Channel name, e.g. PJSIP/101-00000005.'),
  state: req('string', undefined, CHANNEL_STATES),
  caller: req('CallerID'),
  connected: req('CallerID'),
  accountcode: req('string'),
  dialplan: req('DialplanCEP', 'Current dialplan location.'),
  creationtime: req('Date', 'When the channel was created.'),
  language: req('string', 'Default language.'),
  channelvars: opt('object', 'Channel variables')
})

export const Variable = model('Variable', 'A variable value.', {
  value: req('string', 'The value.')
})

export const Bridge = model('Bridge', 'A set of channels that share media.', {
  id: req('string', 'Unique id.'),
  technology: req('string', 'Mixing technology currently in use.'),
  bridge_type: req('string', 'Bridge type.', list('mixing', 'holding')),
  bridge_class: req('string', 'Bridge class.'),
  creator: req('string', 'Who created the bridge.'),
  name: req('string', 'Name given at creation.'),
  channels: req('List[string]', 'Ids of the channels in the bridge.'),
  video_mode: opt('string', 'Video source mode.'),
  creationtime: req('Date', 'When the bridge was created.')
})

export const LiveRecording = model('LiveRecording', 'A recording in progress or just finished.', {
  name: req('string', 'Base file name.'),
  format: req('string', 'File format.'),
  target_uri: req('string', 'channel:{id} or bridge:{id}.'),
  state: req('string', undefined, list('queued', 'recording', 'paused', 'done', 'failed', 'canceled')),
  duration: opt('int', 'Length in whole seconds.'),
  cause: opt('string', 'Why it failed.')
})

export const StoredRecording = model('StoredRecording', 'A finished recording on disk.', {
  name: req('string'),
  format: req('string')
})

export const Playback = model('Playback', 'Media being played to a channel.', {
  id: req('string', 'Playback id.'),
  media_uri: req('string', 'Media currently playing.'),
  next_media_uri: opt('string', 'Next media in the list, if any.'),
  target_uri: req('string', 'channel:{id}.'),
  language: opt('string', 'Language of the sounds.'),
  state: req('string', 'Playback state.', list('queued', 'playing', 'continuing', 'done', 'failed'))
})

export const Endpoint = model('Endpoint', 'A technology-specific destination (e.g. a PJSIP endpoint).', {
  technology: req('string', 'Technology, e.g. PJSIP.'),
  resource: req('string', 'Identifier within the technology.'),
  state: opt('string', 'Endpoint state.', list('unknown', 'offline', 'online')),
  channel_ids: req('List[string]', 'Channels using this endpoint.')
})

export const Application = model('Application', 'A Stasis application.', {
  name: req('string', 'Application name.'),
  channel_ids: req('List[string]', 'Subscribed channel ids.'),
  bridge_ids: req('List[string]', 'Subscribed bridge ids.'),
  endpoint_ids: req('List[string]', 'Subscribed endpoints.'),
  device_names: req('List[string]', 'Subscribed device names.'),
  events_allowed: req('List[object]', 'Event filter: allowed types.'),
  events_disallowed: req('List[object]', 'Event filter: refused types.')
})

export const BuildInfo = model('BuildInfo', 'How Asterisk was built.', {
  os: req('string'), kernel: req('string'), options: req('string'), machine: req('string'), date: req('string'), user: req('string')
})
export const SystemInfo = model('SystemInfo', 'Version and entity id.', { version: req('string'), entity_id: req('string') })
export const SetId = model('SetId', 'Effective user and group.', { user: req('string'), group: req('string') })
export const ConfigInfo = model('ConfigInfo', 'Main configuration.', {
  name: req('string'), default_language: req('string'), setid: req('SetId')
})
export const StatusInfo = model('StatusInfo', 'Start and reload times.', { startup_time: req('Date'), last_reload_time: req('Date') })
export const AsteriskInfo = model('AsteriskInfo', 'System information.', {
  build: opt('BuildInfo'), system: opt('SystemInfo'), config: opt('ConfigInfo'), status: opt('StatusInfo')
})
export const AsteriskPing = model('AsteriskPing', 'Liveness answer.', {
  asterisk_id: req('string'), ping: req('string'), timestamp: req('string')
})
