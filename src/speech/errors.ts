// Errors of the speech part, with stable codes.
import { RingleadError } from '../errors.js'

/** The call has no stored recording: retrying cannot help. */
export class NothingToTranscribe extends RingleadError {
  constructor (callId: string) {
    super('NOTHING_TO_TRANSCRIBE', `call ${callId} has no stored recording to transcribe`)
  }
}

export class ModelDownloadFailed extends RingleadError {
  constructor (message: string) {
    super('MODEL_DOWNLOAD_FAILED', message)
  }
}

/** A recording asked for that is not there; the message says why. */
export class RecordingUnavailable extends RingleadError {
  constructor (message: string) {
    super('RECORDING_UNAVAILABLE', message)
  }
}

/** Transcription was cut short because ringlead is stopping: the job goes back to the queue as it was. */
export class TranscriptionStopped extends RingleadError {
  constructor () {
    super('TRANSCRIPTION_STOPPED', 'transcription stopped: ringlead is shutting down')
  }
}

/** The worker could not load the model: the queue waits for another model instead of burning attempts. */
export class ModelLoadFailed extends RingleadError {
  constructor (readonly modelPath: string, readonly why: string) {
    super('MODEL_LOAD_FAILED', `model failed to load: ${why}`)
  }
}

/** A transcription ran past its deadline; its worker was killed and the job goes back to the queue. */
export class TranscriptionOverDeadline extends RingleadError {
  constructor (deadlineMs: number, audioMs: number) {
    super('TRANSCRIPTION_OVER_DEADLINE', `transcription took longer than its deadline of ${Math.round(deadlineMs / 1000)} s (for ${Math.round(audioMs / 1000)} s of audio); its worker was killed`)
  }
}

/** A model could not be quantized; the message says what is wrong (input, type, output, or no native build). */
export class ModelQuantizeFailed extends RingleadError {
  constructor (message: string) {
    super('MODEL_QUANTIZE_FAILED', message)
  }
}
