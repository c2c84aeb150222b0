// Checks JSON values against Swagger 1.2 models (Asterisk's ARI dialect): required properties,
// primitive types, enums, nested models, List[...] and the Message/Event subtype chain.

export interface SpecProperty { type?: string; required?: boolean; allowableValues?: { valueType?: string; values?: unknown[] } }
export interface SpecModel { id?: string; properties?: Record<string, SpecProperty>; subTypes?: string[] }
export interface SpecDeclaration { models?: Record<string, SpecModel> }

export class ModelIndex {
  private readonly models = new Map<string, SpecModel>()
  private readonly parents = new Map<string, string>()

  constructor (declarations: readonly SpecDeclaration[]) {
    for (const decl of declarations) {
      for (const [name, model] of Object.entries(decl.models ?? {})) {
        this.models.set(name, model)
        for (const sub of model.subTypes ?? []) this.parents.set(sub, name)
      }
    }
  }

  has (name: string): boolean { return this.models.has(name) }
  get (name: string): SpecModel | undefined { return this.models.get(name) }
  parentOf (name: string): string | undefined { return this.parents.get(name) }

  /** A model's own properties plus those of its ancestors (a subtype inherits its parent's). */
  properties (name: string): Record<string, SpecProperty> {
    const chain: string[] = []
    for (let n: string | undefined = name; n !== undefined && !chain.includes(n); n = this.parents.get(n)) chain.push(n)
    return Object.assign({}, ...chain.reverse().map((n) => this.models.get(n)?.properties ?? {})) as Record<string, SpecProperty>
  }
}

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/

/** Returns one message per mismatch, each starting with the JSON path of the offending value. */
export function validateValue (value: unknown, type: string, index: ModelIndex, path = '$'): string[] {
  const list = /^List\[(.+)\]$/.exec(type)
  if (list) {
    if (!Array.isArray(value)) return [`${path}: expected ${type}, got ${describe(value)}`]
    return value.flatMap((item, i) => validateValue(item, list[1] ?? '', index, `${path}[${i}]`))
  }
  switch (type) {
    case 'string': return typeof value === 'string' ? [] : [`${path}: expected string, got ${describe(value)}`]
    case 'int': case 'long': return Number.isInteger(value) ? [] : [`${path}: expected ${type}, got ${describe(value)}`]
    case 'double': case 'float': case 'number': return typeof value === 'number' ? [] : [`${path}: expected ${type}, got ${describe(value)}`]
    case 'boolean': return typeof value === 'boolean' ? [] : [`${path}: expected boolean, got ${describe(value)}`]
    case 'Date': return typeof value === 'string' && DATE.test(value) ? [] : [`${path}: expected Date like 2026-11-23T09:19:41.392+0000, got ${describe(value)}`]
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value) ? [] : [`${path}: expected object, got ${describe(value)}`]
    case 'void': return value === null || value === undefined ? [] : [`${path}: expected no body, got ${describe(value)}`]
    case 'binary': return []
  }
  if (!index.has(type)) return [`${path}: unknown model ${type}`]
  return validateModel(value, type, index, path)
}

export function validateModel (value: unknown, modelName: string, index: ModelIndex, path = '$'): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected ${modelName} object, got ${describe(value)}`]
  const record = value as Record<string, unknown>
  const props = index.properties(modelName)
  const errors: string[] = []
  for (const [name, prop] of Object.entries(props)) {
    const at = `${path}.${name}`
    if (!(name in record)) {
      if (prop.required) errors.push(`${at}: required by ${modelName} but missing`)
      continue
    }
    errors.push(...validateValue(record[name], prop.type ?? 'object', index, at))
    const allowed = prop.allowableValues?.valueType === 'LIST' ? prop.allowableValues.values : undefined
    if (allowed && !allowed.includes(record[name])) errors.push(`${at}: ${JSON.stringify(record[name])} is not one of ${JSON.stringify(allowed)}`)
  }
  for (const name of Object.keys(record)) {
    if (!(name in props)) errors.push(`${path}.${name}: not a property of ${modelName}`)
  }
  return errors
}

/** An event on the WebSocket: its model is named by "type" and must be a known Message subtype. */
export function validateEvent (event: Record<string, unknown>, index: ModelIndex): string[] {
  const type = event.type
  if (typeof type !== 'string') return ['$.type: missing']
  if (!index.has(type)) return [`$.type: ${type} is not a declared event model`]
  let root: string | undefined = type
  while (root !== undefined && root !== 'Message') root = index.parentOf(root)
  if (root !== 'Message') return [`$.type: ${type} does not descend from Message`]
  return validateModel(event, type, index)
}

function describe (value: unknown): string {
  if (value === undefined) return 'undefined'
  const json = JSON.stringify(value)
  return json.length > 60 ? `${json.slice(0, 57)}...` : json
}
