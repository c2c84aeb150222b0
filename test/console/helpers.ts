// Console test helpers: log in through the real form and carry the cookies along.
import type { FastifyInstance } from 'fastify'

export interface Browser {
  cookies: Map<string, string>
  get (url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }>
  post (url: string, form: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }>
  api (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, opts?: { csrf?: boolean }): Promise<{ status: number; json: any }> // eslint-disable-line @typescript-eslint/no-explicit-any
  csrf (): Promise<string>
}

export function browser (app: FastifyInstance): Browser {
  const cookies = new Map<string, string>()
  const cookieHeader = (): string => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const keep = (res: { cookies: Array<{ name: string; value: string; maxAge?: number; expires?: Date }> }): void => {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires !== undefined && c.expires.getTime() < Date.now())) cookies.delete(c.name)
      else cookies.set(c.name, c.value)
    }
  }
  const b: Browser = {
    cookies,
    async get (url) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: cookieHeader() } })
      keep(res)
      return { status: res.statusCode, body: res.body, headers: res.headers }
    },
    async post (url, form) {
      const res = await app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() })
      keep(res)
      return { status: res.statusCode, body: res.body, headers: res.headers }
    },
    async api (method, url, body, opts = {}) {
      const headers: Record<string, string> = { cookie: cookieHeader() }
      if (body !== undefined) headers['content-type'] = 'application/json'
      if (opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = await b.csrf()
      const res = await app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) })
      keep(res)
      return { status: res.statusCode, json: res.body === '' ? null : JSON.parse(res.body) }
    },
    async csrf () {
      let page = await b.get('/login')
      if (page.status === 302) page = await b.get(String(page.headers.location))
      const m = /name="csrf-token" content="([^"]+)"/.exec(page.body) ?? /name="_csrf" value="([^"]+)"/.exec(page.body)
      if (m === null) throw new Error(`no CSRF token on the page (status ${page.status})`)
      return m[1]!
    }
  }
  return b
}

export async function logIn (b: Browser, username: string, password: string): Promise<{ status: number; location: unknown }> {
  const csrf = await b.csrf()
  const res = await b.post('/login', { _csrf: csrf, username, password })
  return { status: res.status, location: res.headers.location }
}
