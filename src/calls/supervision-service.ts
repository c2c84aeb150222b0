// What POST /api/calls/{callId}/listen runs: finds the person's phone (their operator's endpoint,
// else their own phone endpoint) and the operator talking on the call, then rings that phone.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'
import type { Clock } from '../clock.js'
import { getOperator } from '../db/catalog-repo.js'
import type { Db } from '../db/open.js'
import { SupervisionRepo } from '../db/supervision-repo.js'
import { userRow } from '../db/users-repo.js'
import type { SupervisionMode } from '../domain/supervision.js'
import { Conflict, NotFound, Unavailable } from '../errors.js'
import { Supervision, type SupervisionView } from './supervision.js'

export interface ListenRequest { callId: string; userId: string; mode: SupervisionMode }
export type ListenStarted = SupervisionView & { endpoint: string }

export interface SupervisionServiceDeps {
  db: Db; ari: AriLink; clock: Clock; log: Logger; newId: (prefix: string) => string
  /** The operator talking on a running call; null when none is. */
  talkingOn: (callId: string) => { operatorId: string; channelId: string } | null
  ringTimeoutSeconds: number; guardMs: number
}

export class SupervisionService {
  readonly supervision: Supervision

  constructor (private readonly deps: SupervisionServiceDeps) {
    this.supervision = new Supervision({
      ari: deps.ari, clock: deps.clock, log: deps.log, repo: new SupervisionRepo(deps.db), newId: deps.newId,
      settings: { ringTimeoutSeconds: deps.ringTimeoutSeconds, guardMs: deps.guardMs, snoopWaitMs: 5000 },
      talkingCall: (callId) => {
        const talking = deps.talkingOn(callId)
        if (talking === null) return null
        return { callId, operatorChannelId: talking.channelId, operatorName: getOperator(deps.db, talking.operatorId)?.name ?? talking.operatorId }
      }
    })
  }

  listen (req: ListenRequest): ListenStarted {
    if (!this.deps.ari.connected) throw new Unavailable('Asterisk is not connected: the supervisor\'s phone cannot ring now')
    const endpoint = this.phoneOf(req.userId)
    const user = userRow(this.deps.db, req.userId)!
    return { ...this.supervision.start(req.callId, { userId: req.userId, name: user.displayName, endpoint }, req.mode), endpoint }
  }

  /** The phone that rings for the person: their operator's, else their own phone endpoint. */
  private phoneOf (userId: string): string {
    const user = userRow(this.deps.db, userId)
    if (user === undefined) throw new NotFound('user', userId)
    if (user.disabledAt !== null) throw new Conflict(`user ${user.username} is disabled`)
    if (user.role === 'operator') throw new Conflict(`user ${user.username} is an operator: listening in is for supervisors and admins`)
    const operator = user.operatorId === null ? undefined : getOperator(this.deps.db, user.operatorId)
    if (operator !== undefined && operator.removedAt === null) return operator.endpoint
    if (user.phoneEndpoint !== null) return user.phoneEndpoint
    throw new Conflict(`user ${user.username} has no phone: give them an operator or a phone endpoint (e.g. PJSIP/150)`)
  }
}
