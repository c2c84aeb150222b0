// Validates request parts against their TypeBox schemas and says what is wrong in words a person
// understands: `endpoint: must look like PJSIP/101`, not `body/endpoint must match pattern "^…$"`.
// Query strings and path params are converted from text first; JSON bodies are taken as sent.
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import type { FastifySchemaCompiler } from 'fastify'
import { InvalidRequest, type InputProblem } from './errors.js'

/** How many problems one answer lists at most. */
const maxProblems = 10

type SchemaLike = TSchema & {
  hint?: string
  type?: string
  const?: unknown
  anyOf?: SchemaLike[]
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minProperties?: number
  properties?: Record<string, unknown>
}

/** What a value must be, as the words after "must". Schemas may carry a `hint` (e.g. 'look like PJSIP/101'). */
export function expectation (schema: SchemaLike): string {
  if (schema.hint !== undefined) return schema.hint
  if (schema.const !== undefined) return `be ${JSON.stringify(schema.const)}`
  if (schema.anyOf !== undefined) {
    const options = schema.anyOf
    const consts = options.filter((o) => o.const !== undefined)
    if (consts.length === options.length) return `be one of ${consts.map((o) => String(o.const)).join(', ')}`
    return options.map((o) => expectation(o)).join(' or ')
  }
  switch (schema.type) {
    case 'string': return schema.pattern !== undefined ? `match ${schema.pattern}` : 'be text'
    case 'integer': return range('be a whole number', schema)
    case 'number': return range('be a number', schema)
    case 'boolean': return 'be true or false'
    case 'null': return 'be null'
    case 'object': return 'be a JSON object'
    case 'array': return 'be a list'
    default: return 'have another type'
  }
}

function range (what: string, schema: SchemaLike): string {
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `${what} from ${schema.minimum} to ${schema.maximum}`
  if (schema.minimum !== undefined) return `${what} of at least ${schema.minimum}`
  if (schema.maximum !== undefined) return `${what} of at most ${schema.maximum}`
  return what
}

/** `/skills/fridges` → `skills.fridges`; the root is named by its part (`body`, `query`). */
function fieldName (path: string, part: string): string {
  if (path === '') return part
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.')
}

function describe (error: ValueError): string {
  const schema = error.schema as SchemaLike
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty: return 'is required'
    case ValueErrorType.ObjectMinProperties:
      return schema.minProperties === 1 ? 'give at least one field' : `give at least ${schema.minProperties} fields`
    case ValueErrorType.StringMinLength: return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`
    case ValueErrorType.StringMaxLength: return `must be at most ${schema.maxLength} characters`
    case ValueErrorType.StringPattern: return `must ${expectation(schema)}`
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must ${range(schema.type === 'integer' ? 'be a whole number' : 'be a number', schema)}`
    default: return `must ${expectation(schema)}`
  }
}

/**
 * A value given for a nullable field (`X | null`) is wrong about X, not about null: say what is
 * wrong inside X (`routingPolicy.maxAttempts: …`) rather than "must be an object or be null".
 */
function* unwrapNullable (errors: Iterable<ValueError>): Generator<ValueError> {
  for (const error of errors) {
    const options = (error.schema as SchemaLike).anyOf
    const nonNull = options?.filter((o) => o.type !== 'null')
    if (error.type === ValueErrorType.Union && error.value !== null && options !== undefined && nonNull?.length === 1 && options.length === 2) {
      for (const inner of unwrapNullable(Value.Errors(nonNull[0]!, error.value))) yield { ...inner, path: error.path + inner.path }
    } else {
      yield error
    }
  }
}

/** Turns TypeBox errors into one problem per field; unknown fields of one object are listed together. */
export function describeErrors (errors: Iterable<ValueError>, part: string): InputProblem[] {
  const problems: InputProblem[] = []
  const seen = new Set<string>()
  const unknownByObject = new Map<string, { names: string[]; allowed: string[] }>()
  for (const error of unwrapNullable(errors)) {
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      const cut = error.path.lastIndexOf('/')
      const objectPath = error.path.slice(0, cut)
      const name = fieldName(error.path.slice(cut), part)
      let entry = unknownByObject.get(objectPath)
      if (entry === undefined) {
        const allowed = Object.keys((error.schema as SchemaLike).properties ?? {})
        unknownByObject.set(objectPath, entry = { names: [], allowed })
        problems.push({ field: fieldName(objectPath, part), message: '' }) // filled below, keeps the order
      }
      entry.names.push(name)
      continue
    }
    const field = fieldName(error.path, part)
    if (seen.has(field)) continue
    seen.add(field)
    problems.push({ field, message: error.path === '' && error.value === null ? 'must be a JSON object' : describe(error) })
    if (problems.length >= maxProblems) break
  }
  for (const [objectPath, { names, allowed }] of unknownByObject) {
    const problem = problems.find((p) => p.field === fieldName(objectPath, part) && p.message === '')
    if (problem === undefined) continue
    const list = names.join(', ')
    problem.message = `unknown ${names.length === 1 ? 'field' : 'fields'} ${list}` + (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '')
  }
  return problems
}

const partNames: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' }

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema)
  const part = partNames[httpPart ?? 'body'] ?? 'body'
  const fromText = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers'
  return (input: unknown) => {
    const value = fromText ? Value.Convert(schema, Value.Default(schema, input ?? {})) : input
    if (check.Check(value)) return { value }
    return { error: new InvalidRequest(describeErrors(check.Errors(value), part)) }
  }
}
