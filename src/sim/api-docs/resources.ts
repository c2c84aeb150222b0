// Our ARI API declarations: only the operations the simulator implements.
import * as m from './models.js'
import { EVENT_MODELS } from './events.js'
import {
  type ApiDeclaration, type ResourceListing, type SwaggerOperation, API_VERSION, PLACEHOLDER_BASE_PATH,
  bodyParam, declaration, list, pathParam, queryParam
} from './swagger.js'

const channelId = pathParam('channelId', 'Channel id')
const bridgeId = pathParam('bridgeId', 'Bridge id')
const recordingName = pathParam('recordingName', 'Recording name')
const notFound = (what: string) => ({ code: 404, reason: `${what} not found` })
const notInStasis = { code: 409, reason: 'Channel not in a Stasis application' }

const HANGUP_REASON_VALUES = list('normal', 'busy', 'congestion', 'no_answer', 'timeout', 'rejected', 'unallocated',
  'normal_unspecified', 'number_incomplete', 'codec_mismatch', 'interworking', 'failure', 'answered_elsewhere')

function originateParams (withPathId: boolean) {
  return [
    ...(withPathId ? [channelId] : []),
    queryParam('endpoint', 'string', 'Endpoint to dial, e.g. PJSIP/101.', { required: true }),
    queryParam('extension', 'string', 'Extension to run after answer (instead of app).'),
    queryParam('context', 'string', 'Context for extension.'),
    queryParam('priority', 'long', 'Priority for extension.'),
    queryParam('app', 'string', 'Stasis application the answered channel enters.'),
    queryParam('appArgs', 'string', 'Comma separated application arguments.'),
    queryParam('callerId', 'string', 'Caller id, e.g. "Name <number>".'),
    queryParam('timeout', 'int', 'Seconds to ring before giving up.', { defaultValue: 30 }),
    bodyParam('variables', 'Channel variables: { "variables": { "NAME": "value" } }.'),
    ...(withPathId ? [] : [queryParam('channelId', 'string', 'Id to give the new channel.')]),
    queryParam('otherChannelId', 'string', 'Id for the second half of a Local channel.')
  ]
}

const originateErrors = [{ code: 400, reason: 'Invalid parameters for originating a channel.' }, { code: 409, reason: 'Channel with given unique ID already exists.' }]

const playParams = [
  queryParam('media', 'string', 'Media URIs to play, comma separated.', { required: true, allowMultiple: true }),
  queryParam('lang', 'string', 'Language for sounds.')
]

function recordParams () {
  return [
    queryParam('name', 'string', 'Recording name (file base name).', { required: true }),
    queryParam('format', 'string', 'File format, e.g. wav.', { required: true }),
    queryParam('maxDurationSeconds', 'int', 'Stop after this many seconds; 0 means no limit.', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
    queryParam('ifExists', 'string', 'What to do when a recording of that name exists.', { defaultValue: 'fail', allowableValues: list('fail', 'overwrite', 'append') }),
    queryParam('beep', 'boolean', 'Play a beep first.', { defaultValue: false }),
    queryParam('terminateOn', 'string', 'DTMF that ends the recording.', { defaultValue: 'none', allowableValues: list('none', 'any', '*', '#') })
  ]
}

const recordErrors = [
  { code: 400, reason: 'Invalid parameters' },
  { code: 409, reason: 'Not in Stasis, or a recording with that name is in progress or exists and ifExists=fail' },
  { code: 422, reason: 'The format specified is unknown on this system' }
]

function op (httpMethod: SwaggerOperation['httpMethod'], nickname: string, responseClass: string, summary: string, rest: Partial<SwaggerOperation> = {}): SwaggerOperation {
  return { httpMethod, summary, nickname, responseClass, ...rest }
}

const snoopParams = [
  queryParam('spy', 'string', 'Direction of audio to spy on.', { defaultValue: 'none', allowableValues: list('none', 'both', 'out', 'in') }),
  queryParam('whisper', 'string', 'Direction of audio to whisper into.', { defaultValue: 'none', allowableValues: list('none', 'both', 'out', 'in') }),
  queryParam('app', 'string', 'Application the snoop channel enters.', { required: true }),
  queryParam('appArgs', 'string', 'Application arguments.')
]

export const channels: ApiDeclaration = declaration('channels', [
  { path: '/channels', description: 'Active channels', operations: [
    op('GET', 'list', 'List[Channel]', 'List active channels.'),
    op('POST', 'originate', 'Channel', 'Dial an endpoint; the answered channel enters the app.', { parameters: originateParams(false), errorResponses: originateErrors })
  ] },
  { path: '/channels/externalMedia', description: 'Create a channel to an External Media source/sink.', operations: [
    op('POST', 'externalMedia', 'Channel', 'Start an External Media session.', {
      parameters: [
        queryParam('channelId', 'string', 'The unique id to assign the channel on creation.'),
        queryParam('app', 'string', 'Stasis Application to place channel into', { required: true }),
        bodyParam('variables', 'The "variables" key in the body object holds variable key/value pairs to set on the channel on creation.'),
        queryParam('external_host', 'string', 'Hostname/ip:port or websocket_client connection ID of external host.'),
        queryParam('encapsulation', 'string', 'Payload encapsulation protocol.', { defaultValue: 'rtp', allowableValues: list('rtp', 'audiosocket', 'none') }),
        queryParam('transport', 'string', 'Transport protocol', { defaultValue: 'udp', allowableValues: list('udp', 'tcp', 'websocket') }),
        queryParam('connection_type', 'string', 'Connection type (client/server).', { defaultValue: 'client', allowableValues: list('client', 'server') }),
        queryParam('format', 'string', 'Format to encode audio in', { required: true }),
        queryParam('direction', 'string', 'External media direction', { defaultValue: 'both', allowableValues: list('both') }),
        queryParam('data', 'string', 'An arbitrary data field'),
        queryParam('transport_data', 'string', 'Transport-specific data.')
      ],
      errorResponses: [{ code: 400, reason: 'Invalid parameters' }, { code: 409, reason: 'Channel is not in a Stasis application; Channel is already bridged' }]
    })
  ] },
  { path: '/channels/{channelId}', description: 'One channel', operations: [
    op('GET', 'get', 'Channel', 'Channel details.', { parameters: [channelId], errorResponses: [notFound('Channel')] }),
    op('POST', 'originateWithId', 'Channel', 'Originate with a chosen id.', { parameters: originateParams(true), errorResponses: originateErrors }),
    op('DELETE', 'hangup', 'void', 'Hang up a channel.', {
      parameters: [channelId, queryParam('reason_code', 'string', 'Q.850 cause code.'), queryParam('reason', 'string', 'Reason name.', { allowableValues: HANGUP_REASON_VALUES })],
      errorResponses: [{ code: 400, reason: 'Invalid reason for hangup provided' }, notFound('Channel')]
    })
  ] },
  { path: '/channels/{channelId}/answer', description: 'Answer', operations: [
    op('POST', 'answer', 'void', 'Answer a channel.', { parameters: [channelId], errorResponses: [notFound('Channel'), notInStasis] })
  ] },
  { path: '/channels/{channelId}/ring', description: 'Ringing indication', operations: [
    op('POST', 'ring', 'void', 'Indicate ringing to the caller.', { parameters: [channelId], errorResponses: [notFound('Channel'), notInStasis] }),
    op('DELETE', 'ringStop', 'void', 'Stop ringing indication.', { parameters: [channelId], errorResponses: [notFound('Channel'), notInStasis] })
  ] },
  { path: '/channels/{channelId}/dtmf', description: 'Send DTMF', operations: [
    op('POST', 'sendDTMF', 'void', 'Send DTMF to a channel.', {
      parameters: [channelId, queryParam('dtmf', 'string', 'Digits to send.'), queryParam('between', 'int', 'Pause between digits (ms).', { defaultValue: 100 }), queryParam('duration', 'int', 'Digit length (ms).', { defaultValue: 100 })],
      errorResponses: [{ code: 400, reason: 'DTMF is required' }, notFound('Channel'), notInStasis]
    })
  ] },
  { path: '/channels/{channelId}/moh', description: 'Music on hold', operations: [
    op('POST', 'startMoh', 'void', 'Start music on hold.', { parameters: [channelId, queryParam('mohClass', 'string', 'Music class.')], errorResponses: [notFound('Channel'), notInStasis] }),
    op('DELETE', 'stopMoh', 'void', 'Stop music on hold.', { parameters: [channelId], errorResponses: [notFound('Channel'), notInStasis] })
  ] },
  { path: '/channels/{channelId}/play', description: 'Play media', operations: [
    op('POST', 'play', 'Playback', 'Queue media for a channel.', {
      parameters: [channelId, ...playParams, queryParam('playbackId', 'string', 'Id for the playback.')],
      errorResponses: [notFound('Channel'), notInStasis]
    })
  ] },
  { path: '/channels/{channelId}/play/{playbackId}', description: 'Play media with a chosen id', operations: [
    op('POST', 'playWithId', 'Playback', 'Queue media with a chosen playback id.', {
      parameters: [channelId, pathParam('playbackId', 'Playback id'), ...playParams],
      errorResponses: [notFound('Channel'), notInStasis]
    })
  ] },
  { path: '/channels/{channelId}/record', description: 'Record a channel', operations: [
    op('POST', 'record', 'LiveRecording', 'Start recording a channel.', { parameters: [channelId, ...recordParams()], errorResponses: [...recordErrors, notFound('Channel')] })
  ] },
  { path: '/channels/{channelId}/variable', description: 'Channel variables', operations: [
    op('GET', 'getChannelVar', 'Variable', 'Read a variable.', {
      parameters: [channelId, queryParam('variable', 'string', 'Variable name.', { required: true })],
      errorResponses: [{ code: 400, reason: 'Missing variable parameter.' }, { code: 404, reason: 'Channel or variable not found' }]
    }),
    op('POST', 'setChannelVar', 'void', 'Set a variable.', {
      parameters: [channelId, queryParam('variable', 'string', 'Variable name.', { required: true }), queryParam('value', 'string', 'Value.')],
      errorResponses: [{ code: 400, reason: 'Missing variable parameter.' }, notFound('Channel'), notInStasis]
    })
  ] },
  { path: '/channels/{channelId}/snoop', description: 'Spy and whisper', operations: [
    op('POST', 'snoopChannel', 'Channel', 'Create a snoop channel on a channel.', {
      parameters: [channelId, ...snoopParams, queryParam('snoopId', 'string', 'Id for the snoop channel.')],
      errorResponses: [{ code: 400, reason: 'Invalid parameters' }, notFound('Channel')]
    })
  ] },
  { path: '/channels/{channelId}/snoop/{snoopId}', description: 'Spy and whisper with a chosen id', operations: [
    op('POST', 'snoopChannelWithId', 'Channel', 'Create a snoop channel with a chosen id.', {
      parameters: [channelId, pathParam('snoopId', 'Snoop channel id'), ...snoopParams],
      errorResponses: [{ code: 400, reason: 'Invalid parameters' }, notFound('Channel')]
    })
  ] }
], [m.Channel, m.CallerID, m.DialplanCEP, m.Variable])

const bridgeCreateParams = [
  queryParam('type', 'string', 'Comma separated features: mixing, holding, dtmf_events, proxy_media.'),
  queryParam('name', 'string', 'Name for the bridge.')
]
const channelListParam = queryParam('channel', 'string', 'Channel ids, comma separated.', { required: true, allowMultiple: true })

export const bridges: ApiDeclaration = declaration('bridges', [
  { path: '/bridges', description: 'Active bridges', operations: [
    op('GET', 'list', 'List[Bridge]', 'List bridges.'),
    op('POST', 'create', 'Bridge', 'Create a bridge.', {
      parameters: [bridgeCreateParams[0]!, queryParam('bridgeId', 'string', 'Id for the bridge.'), bridgeCreateParams[1]!],
      errorResponses: [{ code: 409, reason: 'Bridge with the same id already exists' }]
    })
  ] },
  { path: '/bridges/{bridgeId}', description: 'One bridge', operations: [
    op('POST', 'createWithId', 'Bridge', 'Create a bridge with a chosen id.', { parameters: [bridgeCreateParams[0]!, bridgeId, bridgeCreateParams[1]!], errorResponses: [{ code: 409, reason: 'Bridge with the same id already exists' }] }),
    op('GET', 'get', 'Bridge', 'Bridge details.', { parameters: [bridgeId], errorResponses: [notFound('Bridge')] }),
    op('DELETE', 'destroy', 'void', 'Destroy a bridge; its channels stay in the app.', { parameters: [bridgeId], errorResponses: [notFound('Bridge')] })
  ] },
  { path: '/bridges/{bridgeId}/addChannel', description: 'Add channels', operations: [
    op('POST', 'addChannel', 'void', 'Add channels to a bridge.', {
      parameters: [bridgeId, channelListParam, queryParam('role', 'string', 'Channel role in the bridge.')],
      errorResponses: [{ code: 400, reason: 'Channel not found' }, notFound('Bridge'), { code: 422, reason: 'Channel not in Stasis application' }]
    })
  ] },
  { path: '/bridges/{bridgeId}/removeChannel', description: 'Remove channels', operations: [
    op('POST', 'removeChannel', 'void', 'Remove channels from a bridge.', {
      parameters: [bridgeId, channelListParam],
      errorResponses: [{ code: 400, reason: 'Channel not found' }, notFound('Bridge'), { code: 422, reason: 'Channel not in this bridge' }]
    })
  ] },
  { path: '/bridges/{bridgeId}/record', description: 'Record a bridge', operations: [
    op('POST', 'record', 'LiveRecording', 'Start recording the mixed audio of a bridge.', { parameters: [bridgeId, ...recordParams()], errorResponses: [...recordErrors, notFound('Bridge')] })
  ] }
], [m.Bridge])

export const recordings: ApiDeclaration = declaration('recordings', [
  { path: '/recordings/stored', description: 'Finished recordings', operations: [
    op('GET', 'listStored', 'List[StoredRecording]', 'List stored recordings.')
  ] },
  { path: '/recordings/stored/{recordingName}', description: 'One stored recording', operations: [
    op('GET', 'getStored', 'StoredRecording', 'Stored recording details.', { parameters: [recordingName], errorResponses: [notFound('Recording')] }),
    op('DELETE', 'deleteStored', 'void', 'Delete a stored recording.', { parameters: [recordingName], errorResponses: [notFound('Recording')] })
  ] },
  { path: '/recordings/stored/{recordingName}/file', description: 'Recording file', operations: [
    op('GET', 'getStoredFile', 'binary', 'Download the recording file.', { parameters: [recordingName], errorResponses: [{ code: 403, reason: 'The recording file could not be opened' }, notFound('Recording')] })
  ] },
  { path: '/recordings/live/{recordingName}', description: 'A recording in progress', operations: [
    op('GET', 'getLive', 'LiveRecording', 'Live recording details.', { parameters: [recordingName], errorResponses: [notFound('Recording')] })
  ] },
  { path: '/recordings/live/{recordingName}/stop', description: 'Stop a recording', operations: [
    op('POST', 'stop', 'void', 'Stop and store a live recording.', { parameters: [recordingName], errorResponses: [notFound('Recording')] })
  ] }
], [m.StoredRecording, m.LiveRecording])

export const playbacks: ApiDeclaration = declaration('playbacks', [
  { path: '/playbacks/{playbackId}', description: 'One playback', operations: [
    op('GET', 'get', 'Playback', 'Playback details.', { parameters: [pathParam('playbackId', 'Playback id')], errorResponses: [notFound('Playback')] }),
    op('DELETE', 'stop', 'void', 'Stop a playback.', { parameters: [pathParam('playbackId', 'Playback id')], errorResponses: [notFound('Playback')] })
  ] }
], [m.Playback])

export const endpoints: ApiDeclaration = declaration('endpoints', [
  { path: '/endpoints', description: 'Endpoints', operations: [op('GET', 'list', 'List[Endpoint]', 'List endpoints.')] },
  { path: '/endpoints/{tech}', description: 'Endpoints of one technology', operations: [
    op('GET', 'listByTech', 'List[Endpoint]', 'List endpoints of a technology.', { parameters: [pathParam('tech', 'Technology, e.g. PJSIP')], errorResponses: [notFound('Endpoints')] })
  ] },
  { path: '/endpoints/{tech}/{resource}', description: 'One endpoint', operations: [
    op('GET', 'get', 'Endpoint', 'Endpoint details.', {
      parameters: [pathParam('tech', 'Technology, e.g. PJSIP'), pathParam('resource', 'Endpoint name')],
      errorResponses: [{ code: 400, reason: 'Invalid parameters' }, notFound('Endpoint')]
    })
  ] }
], [m.Endpoint])

export const applications: ApiDeclaration = declaration('applications', [
  { path: '/applications', description: 'Stasis applications', operations: [op('GET', 'list', 'List[Application]', 'List applications.')] },
  { path: '/applications/{applicationName}', description: 'One application', operations: [
    op('GET', 'get', 'Application', 'Application details.', { parameters: [pathParam('applicationName', 'Application name')], errorResponses: [notFound('Application')] })
  ] },
  { path: '/applications/{applicationName}/eventFilter', description: 'Stasis application', operations: [
    op('PUT', 'filter', 'Application', 'Filter application events types.', {
      parameters: [pathParam('applicationName', 'Application\'s name'), bodyParam('filter', 'Specify which event types to allow/disallow', 'object')],
      errorResponses: [{ code: 400, reason: 'Bad request.' }, { code: 404, reason: 'Application does not exist.' }]
    })
  ] }
], [m.Application])

export const asterisk: ApiDeclaration = declaration('asterisk', [
  { path: '/asterisk/info', description: 'System information', operations: [
    op('GET', 'getInfo', 'AsteriskInfo', 'System information.', {
      parameters: [queryParam('only', 'string', 'Sections to return.', { allowMultiple: true, allowableValues: list('build', 'system', 'config', 'status') })]
    })
  ] },
  { path: '/asterisk/ping', description: 'Liveness', operations: [op('GET', 'ping', 'AsteriskPing', 'Ping Asterisk.')] }
], [m.BuildInfo, m.SystemInfo, m.SetId, m.ConfigInfo, m.StatusInfo, m.AsteriskInfo, m.AsteriskPing])

export const events: ApiDeclaration = declaration('events', [
  { path: '/events', description: 'Events from Asterisk to applications', operations: [
    op('GET', 'eventWebsocket', 'Message', 'WebSocket for events.', {
      upgrade: 'websocket',
      websocketProtocol: 'ari',
      parameters: [
        queryParam('app', 'string', 'Applications to subscribe to.', { required: true, allowMultiple: true }),
        queryParam('subscribeAll', 'boolean', 'Receive all events, not just those of the app\'s objects.')
      ]
    })
  ] },
  { path: '/events/user/{eventName}', description: 'Stasis application user events', operations: [
    op('POST', 'userEvent', 'void', 'Generate a user event.', {
      parameters: [
        pathParam('eventName', 'Event name'),
        queryParam('application', 'string', 'The name of the application that will receive this event', { required: true }),
        queryParam('source', 'string', 'URI for event source (channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}/{resource}, deviceState:{deviceName}', { allowMultiple: true }),
        bodyParam('variables', 'The "variables" key in the body object holds custom key/value pairs to add to the user event.')
      ],
      errorResponses: [{ code: 404, reason: 'Application does not exist.' }, { code: 422, reason: 'Event source not found.' }, { code: 400, reason: 'Invalid even tsource URI or userevent data.' }]
    })
  ] }
], EVENT_MODELS, '1.2')

export const DECLARATIONS: Record<string, ApiDeclaration> = { asterisk, endpoints, channels, bridges, recordings, playbacks, applications, events }

const DESCRIPTIONS: Record<string, string> = {
  asterisk: 'Asterisk resources', endpoints: 'Endpoint resources', channels: 'Channel resources', bridges: 'Bridge resources',
  recordings: 'Recording resources', playbacks: 'Playback control resources', applications: 'Stasis application resources',
  events: 'WebSocket resource'
}

export const RESOURCE_LISTING: ResourceListing = {
  apiVersion: API_VERSION,
  swaggerVersion: '1.1',
  basePath: PLACEHOLDER_BASE_PATH,
  apis: Object.keys(DECLARATIONS).map((name) => ({ path: `/api-docs/${name}.{format}`, description: DESCRIPTIONS[name] ?? name }))
}
