import { sql } from 'kysely';
import type {
  ResetRequestDone,
  ResetRequestLog,
  ResetRequestQueue,
} from '../../domain/auth/password-reset.js';
import { claimDue } from './claim.js';
import type { Db, Executor } from './database.js';

/** Records reset requests (one insert, whatever the identifier) and removes them once handled. */
export function resetRequestStore(db: Executor): ResetRequestLog & ResetRequestDone {
  return {
    async record(request) {
      await db
        .insertInto('password_reset_requests')
        .values({
          id: request.id,
          identifier: request.identifier,
          ip: request.ip,
          requested_at: request.requestedAt.getTime(),
          lease_owner: null,
          lease_until: null,
        })
        .execute();
    },
    async finish(id, owner) {
      const result = await db
        .deleteFrom('password_reset_requests')
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/**
 * Reset requests as the delivery job claims them, leased to `owner` for `leaseMs` (claim.ts: replicas
 * claim disjoint sets); a request whose worker crashed is claimed again once its lease ends.
 */
export function resetRequestQueue(db: Db, owner: string, leaseMs = 60_000): ResetRequestQueue {
  return {
    owner,
    async claim(limit, now) {
      const ids = await claimDue(db, 'password_reset_requests', {
        owner,
        now: now.getTime(),
        leaseMs,
        limit,
        due: sql`1 = 1`,
        orderBy: sql`requested_at`,
      });
      if (ids.length === 0) return [];
      const rows = await db.kysely
        .selectFrom('password_reset_requests')
        .selectAll()
        .where('id', 'in', ids)
        .where('lease_owner', '=', owner)
        .orderBy('requested_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        identifier: r.identifier,
        ip: r.ip,
        requestedAt: new Date(r.requested_at),
      }));
    },
  };
}
