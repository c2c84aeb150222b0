// Shared by the outbound and customer-card tests: HTTP through the in-process daemon.
import { createToken } from '../../src/accounts/token-service.js'
import type { World } from '../helpers/world.js'

export interface Answer { status: number; body: any }

export async function api (w: World, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, token = w.token): Promise<Answer> {
  const res = await w.daemon.app.inject({
    method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {})
  })
  return { status: res.statusCode, body: res.body === '' ? null : res.json() }
}

export function operatorToken (w: World, operatorId: string): string {
  return createToken(w.daemon.db, { name: `op ${operatorId}`, role: 'operator', operatorId }, Date.now()).token
}

export function supervisorToken (w: World): string {
  return createToken(w.daemon.db, { name: 'sup', role: 'supervisor' }, Date.now()).token
}
