// Event models for the ARI WebSocket. ari-client looks every message up here by its "type",
// so every event the simulator can send must be listed.
import { type SwaggerModel, model, opt, req } from './swagger.js'

const Message: SwaggerModel = {
  id: 'Message',
  description: 'Base type of everything sent on the event WebSocket.',
  discriminator: 'type',
  properties: {
    type: req('string', 'Kind of message.'),
    asterisk_id: opt('string', 'Id of the Asterisk instance that sent it.')
  },
  subTypes: ['Event']
}

const EVENT_TYPES = [
  'StasisStart', 'StasisEnd', 'ChannelCreated', 'ChannelDestroyed', 'ChannelStateChange', 'ChannelHangupRequest',
  'ChannelVarset', 'ChannelDtmfReceived', 'ChannelEnteredBridge', 'ChannelLeftBridge', 'Dial', 'BridgeCreated',
  'BridgeDestroyed', 'RecordingStarted', 'RecordingFinished', 'RecordingFailed', 'PlaybackStarted',
  'PlaybackContinuing', 'PlaybackFinished', 'ApplicationReplaced', 'EndpointStateChange', 'ChannelConnectedLine',
  'ChannelUserevent'
] as const

export type EventType = typeof EVENT_TYPES[number]

const Event: SwaggerModel = {
  id: 'Event',
  description: 'Base type of events.',
  properties: {
    application: req('string', 'Application receiving the event.'),
    timestamp: req('Date', 'When the event was raised.')
  },
  subTypes: [...EVENT_TYPES]
}

const channel = req('Channel')
const bridge = req('Bridge')

const models: SwaggerModel[] = [
  model('StasisStart', 'A channel entered the application.', { args: req('List[string]', 'Application arguments.'), channel, replace_channel: opt('Channel') }),
  model('StasisEnd', 'A channel left the application.', { channel }),
  model('ChannelCreated', 'A channel was created.', { channel }),
  model('ChannelDestroyed', 'A channel is gone.', { cause: req('int', 'Q.850 cause.'), cause_txt: req('string', 'Cause text.'), tech_cause: opt('int', 'SIP status behind the cause.'), channel }),
  model('ChannelStateChange', 'A channel changed state.', { channel }),
  model('ChannelHangupRequest', 'Someone asked for a hang-up.', { cause: opt('int', 'Q.850 cause.'), tech_cause: opt('int', 'SIP status.'), soft: opt('boolean', 'Soft hang-up request.'), channel }),
  model('ChannelVarset', 'A channel variable changed.', { variable: req('string'), value: req('string'), channel: opt('Channel') }),
  model('ChannelDtmfReceived', 'A DTMF digit arrived.', { digit: req('string', '0-9, A-E, # or *.'), duration_ms: req('int', 'Digit length.'), channel }),
  model('ChannelEnteredBridge', 'A channel joined a bridge.', { bridge, channel: opt('Channel') }),
  model('ChannelLeftBridge', 'A channel left a bridge.', { bridge, channel }),
  model('ChannelConnectedLine', 'The connected line of a channel changed.', { channel }),
  model('Dial', 'Progress of a dial.', {
    caller: opt('Channel'), peer: req('Channel'), forward: opt('string'), forwarded: opt('Channel'),
    dialstring: opt('string'), dialstatus: req('string', 'Empty when dialling starts, then RINGING, ANSWER, BUSY, NOANSWER...')
  }),
  model('BridgeCreated', 'A bridge was created.', { bridge }),
  model('BridgeDestroyed', 'A bridge was destroyed.', { bridge }),
  model('RecordingStarted', 'A recording started.', { recording: req('LiveRecording') }),
  model('RecordingFinished', 'A recording finished.', { recording: req('LiveRecording') }),
  model('RecordingFailed', 'A recording failed.', { recording: req('LiveRecording') }),
  model('PlaybackStarted', 'Media started playing.', { playback: req('Playback') }),
  model('PlaybackContinuing', 'The next item of a media list starts.', { playback: req('Playback') }),
  model('PlaybackFinished', 'Media stopped playing.', { playback: req('Playback') }),
  model('ApplicationReplaced', 'Another WebSocket took over the application.', {}),
  model('EndpointStateChange', 'An endpoint changed state.', { endpoint: req('Endpoint') }),
  model('ChannelUserevent', 'User-generated event with additional user-defined fields in the object.', {
    eventname: req('string', 'The name of the user event.'), channel: opt('Channel'), bridge: opt('Bridge'), endpoint: opt('Endpoint'),
    userevent: req('object', 'Custom Userevent data')
  })
]

export const EVENT_MODELS: SwaggerModel[] = [Message, Event, ...models]
export const EVENT_TYPE_LIST: readonly string[] = EVENT_TYPES

// Keep the list above and the models in step.
for (const type of EVENT_TYPES) {
  if (!models.some((mo) => mo.id === type)) throw new Error(`event model ${type} missing`)
}

