import { sql } from 'kysely';
import type { ThrottleStore } from '../../domain/auth/throttle.js';
import type { Executor } from './database.js';

/**
 * Attempt counters in auth_throttle. Each method is one statement, so concurrent replicas never lose a
 * count: `hit` is an upsert that starts a new window or adds one; `lock` succeeds for one caller only.
 */
export function throttleStore(db: Executor): ThrottleStore {
  return {
    async lockedUntil(key, now) {
      const row = await db
        .selectFrom('auth_throttle')
        .select('locked_until')
        .where('key', '=', key)
        .where('locked_until', '>', now.getTime())
        .executeTakeFirst();
      return row?.locked_until ? new Date(row.locked_until) : null;
    },
    async hit(key, now, windowMs) {
      const at = now.getTime();
      const windowOver = sql<boolean>`auth_throttle.window_started_at <= ${at - windowMs}`;
      const row = await db
        .insertInto('auth_throttle')
        .values({ key, attempts: 1, window_started_at: at, locked_until: null })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            attempts: sql<number>`case when ${windowOver} then 1 else auth_throttle.attempts + 1 end`,
            window_started_at: sql<number>`case when ${windowOver} then ${at} else auth_throttle.window_started_at end`,
          }),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      return Number(row.attempts);
    },
    async lock(key, now, until) {
      const row = await db
        .updateTable('auth_throttle')
        .set({ locked_until: until.getTime(), attempts: 0, window_started_at: now.getTime() })
        .where('key', '=', key)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now.getTime())]))
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },
    async clear(key) {
      await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
    },
  };
}

/** Deletes counters whose window and lock are both over (for a clean-up job). */
export async function purgeThrottle(db: Executor, now: Date, olderThanMs: number): Promise<number> {
  const cutoff = now.getTime() - olderThanMs;
  const result = await db
    .deleteFrom('auth_throttle')
    .where('window_started_at', '<', cutoff)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.getTime())]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
