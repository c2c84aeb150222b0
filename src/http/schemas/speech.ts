import { Type } from '@sinclair/typebox'
import { lexiconIds } from '../../domain/qa.js'
import { EpochMs, Name, Nullable } from './common.js'

export const Language = Type.Union([Type.Literal('ru'), Type.Literal('en'), Type.Literal('auto')])
export const Speaker = Type.Union([Type.Literal('caller'), Type.Literal('operator')])
export const Segment = Type.Object({ speaker: Speaker, startMs: Type.Integer(), endMs: Type.Integer(), text: Type.String() })

export const Job = Type.Object({
  jobId: Type.String(), callId: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  language: Type.String(), attempts: Type.Integer(), nextAttemptAt: EpochMs, leaseUntil: Nullable(EpochMs),
  lastError: Nullable(Type.String()), createdAt: EpochMs, finishedAt: Nullable(EpochMs)
})

export const FindingVerdict = Type.Object({
  verdict: Type.Literal('wrong'), note: Nullable(Type.String()), markedBy: Type.String({ description: 'who marked it: the user\'s name' }), markedAt: EpochMs
})

const Finding = Type.Object({
  ruleId: Type.String(), kind: Type.String(), severity: Type.String(), title: Type.String(), message: Type.String(),
  segmentIndex: Nullable(Type.Integer()), atMs: Nullable(Type.Integer()), speaker: Nullable(Type.String()), text: Nullable(Type.String()), penalty: Type.Number(),
  /** A supervisor marked the finding wrong (POST /api/calls/:callId/qa/findings/:findingIndex/verdict). */
  verdict: Nullable(FindingVerdict)
})

export const FindingParams = Type.Object({
  callId: Type.String({ minLength: 1, maxLength: 100 }),
  findingIndex: Type.Integer({ minimum: 0, maximum: 9999, description: 'the finding\'s place in the call\'s qa.findings, from 0' })
})

export const VerdictBody = Type.Object({
  verdict: Type.Literal('wrong', { description: 'the rule fired where it should not have' }),
  note: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })

export const RulePrecisionView = Type.Object({
  ruleSets: Type.Array(Type.Object({
    ruleSetId: Type.String(), name: Type.String(), categoryId: Nullable(Type.String()),
    fallback: Type.Boolean({ description: 'the built-in set, used while no stored set covers calls without a category' }),
    rules: Type.Array(Type.Object({
      ruleId: Type.String(), title: Type.String(), kind: Type.String(),
      fired: Type.Integer({ description: 'findings the rule raised on calls\' QA cards' }),
      markedWrong: Type.Integer({ description: 'of them, marked wrong by a supervisor' }),
      precision: Nullable(Type.Number({ description: '(fired - markedWrong) / fired; null when the rule never fired' }))
    }))
  }))
})

export const SpeechView = Type.Object({
  /** Why there is no transcript yet, in words: waiting for a model, queued, failed with its error… */
  status: Type.String(),
  state: Type.Union(['none', 'waiting_for_model', 'queued', 'running', 'failed', 'transcribed'].map((v) => Type.Literal(v)), { description: 'the transcription\'s state; none: not queued (no stored recording)' }),
  reason: Nullable(Type.String({ description: 'the last error, or why the model is missing' })),
  job: Nullable(Job),
  transcript: Nullable(Type.Object({ language: Type.String(), engine: Type.String(), model: Type.String(), createdAt: EpochMs, segments: Type.Array(Segment) })),
  qa: Nullable(Type.Object({
    ruleSetId: Type.String(), score: Type.Integer(), alerts: Type.Integer(), createdAt: EpochMs,
    findings: Type.Array(Finding), metrics: Type.Object({}, { additionalProperties: true })
  }))
})

const Lexicons = Type.Optional(Type.Array(Type.Union(lexiconIds.map((id) => Type.Literal(id))), { maxItems: 20 }))

const Rule = Type.Union([
  Type.Object({
    kind: Type.Literal('required'), ruleId: Type.String({ minLength: 1, maxLength: 100 }), title: Type.String({ maxLength: 300 }),
    speaker: Type.Union([Speaker, Type.Literal('any')]), phrases: Type.Array(Type.String({ maxLength: 300 }), { minItems: 1, maxItems: 100 }),
    fromMs: Type.Optional(Type.Integer({ minimum: 0 })), toMs: Type.Optional(Type.Integer({ minimum: 0 })), lastMs: Type.Optional(Type.Integer({ minimum: 0 })),
    withAny: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 })),
    weight: Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))
  }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('forbidden'), ruleId: Type.String({ minLength: 1, maxLength: 100 }), title: Type.String({ maxLength: 300 }),
    speaker: Type.Union([Speaker, Type.Literal('any')]), lexicons: Lexicons, words: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 5000 }),
    prefixes: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 100 }), { maxItems: 5000 })),
    except: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 5000 })),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('severe')]),
    weight: Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))
  }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('customer'), ruleId: Type.String({ minLength: 1, maxLength: 100 }), title: Type.String({ maxLength: 300 }),
    lexicons: Lexicons, words: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 5000 }))
  }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('quality'), ruleId: Type.String({ minLength: 1, maxLength: 100 }), title: Type.String({ maxLength: 300 }),
    metric: Type.Union(['fillersPerMinute', 'talkListenRatio', 'longestMonologueMs', 'longSilences', 'interruptions', 'wordsPerMinute'].map((m) => Type.Literal(m))),
    min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), minSpeechMs: Type.Optional(Type.Integer({ minimum: 0 })), weight: Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))
  }, { additionalProperties: false })
])

export const RuleSetBody = Type.Object({
  name: Name,
  categoryId: Nullable(Type.String({ maxLength: 64 })),
  rules: Type.Array(Rule, { maxItems: 2000 })
}, { additionalProperties: false })

export const RuleSet = Type.Object({ ruleSetId: Type.String(), name: Type.String(), categoryId: Nullable(Type.String()), rules: Type.Array(Type.Any()), updatedAt: EpochMs })

/** Rules to try, unsaved, on pasted text (`operator: …` / `customer: …` lines) or on a transcribed call's transcript. */
export const RuleTryBody = Type.Object({
  rules: RuleSetBody.properties.rules,
  transcript: Type.Optional(Type.String({ maxLength: 200_000 })),
  callId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
}, { additionalProperties: false })

export const RuleTry = Type.Object({
  score: Type.Integer(),
  findings: Type.Array(Type.Omit(Finding, ['verdict'])),
  metrics: Type.Object({}, { additionalProperties: true }),
  /** The transcript scored, as segments (pasted lines get times from the words when none is written). */
  segments: Type.Array(Segment)
})
