// Swagger 1.2 shapes (the dialect Asterisk's ARI descriptions use) and small builders for ours.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export type AllowableValues =
  | { valueType: 'LIST'; values: string[] }
  | { valueType: 'RANGE'; min?: number; max?: number }

export interface SwaggerParameter {
  name: string
  description: string
  paramType: 'path' | 'query' | 'body'
  required: boolean
  allowMultiple: boolean
  dataType: string
  defaultValue?: string | number | boolean
  allowableValues?: AllowableValues
}

export interface SwaggerOperation {
  httpMethod: HttpMethod
  summary: string
  nickname: string
  responseClass: string
  parameters?: SwaggerParameter[]
  errorResponses?: Array<{ code: number; reason: string }>
  upgrade?: 'websocket'
  websocketProtocol?: string
}

export interface SwaggerApi { path: string; description: string; operations: SwaggerOperation[] }

export interface SwaggerProperty {
  type: string
  required?: boolean
  description?: string
  allowableValues?: AllowableValues
}

export interface SwaggerModel {
  id: string
  description: string
  properties: Record<string, SwaggerProperty>
  discriminator?: string
  subTypes?: string[]
}

export interface ApiDeclaration {
  apiVersion: string
  swaggerVersion: '1.1' | '1.2'
  basePath: string
  resourcePath: string
  apis: SwaggerApi[]
  models: Record<string, SwaggerModel>
}

export interface ResourceListing {
  apiVersion: string
  swaggerVersion: '1.1' | '1.2'
  basePath: string
  apis: Array<{ path: string; description: string }>
}

export const API_VERSION = '2.0.0'
/** What Asterisk puts in the files on disk; the server replaces it with http://{Host}/ari per request. */
export const PLACEHOLDER_BASE_PATH = 'http://localhost:8088/ari'

export function declaration (resource: string, apis: SwaggerApi[], models: SwaggerModel[] = [], swaggerVersion: '1.1' | '1.2' = '1.1'): ApiDeclaration {
  return {
    apiVersion: API_VERSION,
    swaggerVersion,
    basePath: PLACEHOLDER_BASE_PATH,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis,
    models: Object.fromEntries(models.map((m) => [m.id, m]))
  }
}

export function pathParam (name: string, description: string): SwaggerParameter {
  return { name, description, paramType: 'path', required: true, allowMultiple: false, dataType: 'string' }
}

type QueryExtras = Partial<Pick<SwaggerParameter, 'required' | 'allowMultiple' | 'defaultValue' | 'allowableValues'>>

export function queryParam (name: string, dataType: string, description: string, extras: QueryExtras = {}): SwaggerParameter {
  return { name, description, paramType: 'query', required: false, allowMultiple: false, dataType, ...extras }
}

export function bodyParam (name: string, description: string, dataType = 'containers'): SwaggerParameter {
  return { name, description, paramType: 'body', required: false, allowMultiple: false, dataType }
}

export function list (...values: string[]): AllowableValues { return { valueType: 'LIST', values } }

export function model (id: string, description: string, properties: Record<string, SwaggerProperty>): SwaggerModel {
  return { id, description, properties }
}

/** Required property shorthand. */
export function req (type: string, description?: string, allowableValues?: AllowableValues): SwaggerProperty {
  return { type, required: true, ...(description ? { description } : {}), ...(allowableValues ? { allowableValues } : {}) }
}

/** Optional property shorthand. */
export function opt (type: string, description?: string, allowableValues?: AllowableValues): SwaggerProperty {
  return { type, required: false, ...(description ? { description } : {}), ...(allowableValues ? { allowableValues } : {}) }
}
