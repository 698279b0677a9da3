import { type Expression, type SqlBool, sql } from 'kysely';
import type { DigestDefaults } from '../../domain/notifications/digest-schedule.js';
import type { DigestScheduling } from '../../domain/notifications/run-digests.js';
import { claimDue } from './claim.js';
import type { Db } from './database.js';
import { type DigestStoreOptions, inputs, intentOf } from './digest-store.js';

/**
 * The intent key of each row computed in SQL, exactly as intentKey(effectiveDigestIntent(…)) does. A
 * user's settings row is complete, so it is taken whole or not at all. (libsql binds JS numbers as
 * REAL, hence the cast to integer before text: "1", never "1.0".)
 */
function intentSql(defaults: DigestDefaults): Expression<string> {
  return sql<string>`case when s.user_id is null
    then ${`${defaults.frequency}|${defaults.time}|`} || u.time_zone || ${`|${defaults.weekday}`}
    else s.digest_frequency || '|' || s.digest_time || '|' || coalesce(s.digest_time_zone, u.time_zone)
      || '|' || cast(cast(s.digest_weekday as integer) as text) end`;
}

/** Schedules outside transactions: leasing due users, creating and recomputing schedules. */
export function digestScheduling(db: Db, options: DigestStoreOptions): DigestScheduling {
  const k = db.kysely;
  return {
    claimDue(now, limit, dueBy = now) {
      return claimDue(db, 'digest_schedules', {
        owner: options.owner,
        now: now.getTime(),
        leaseMs: options.leaseMs,
        limit,
        due: sql`next_run_at is not null and next_run_at <= ${dueBy.getTime()}`,
        orderBy: sql`next_run_at`,
      });
    },
    async claimUser(userId, now) {
      const result = await k
        .updateTable('digest_schedules')
        .set({ lease_owner: options.owner, lease_until: now.getTime() + options.leaseMs })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now.getTime())]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async staleSchedules(limit) {
      const rows = await inputs(k)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('notification_digest_items as i')
              .select(sql`1`.as('one'))
              .whereRef('i.user_id', '=', 'u.id')
              .where('i.digested_at', 'is', null),
          ),
        )
        .where((eb) =>
          eb.or([
            eb('d.id', 'is', null),
            eb('d.intent', '<>', intentSql(options.defaults)) as Expression<SqlBool>,
          ]),
        )
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        userId: row.id,
        intent: intentOf(row, options.defaults),
        lastPeriod: row.last_period,
      }));
    },
    async scheduleInput(userId) {
      const row = await inputs(k).where('u.id', '=', userId).executeTakeFirst();
      return row ? { intent: intentOf(row, options.defaults), lastPeriod: row.last_period } : null;
    },
    async storedSchedule(userId) {
      const row = await k
        .selectFrom('digest_schedules')
        .select(['intent', 'next_run_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
      return row
        ? {
            intent: row.intent,
            nextRunAt: row.next_run_at === null ? null : new Date(Number(row.next_run_at)),
          }
        : null;
    },
    async saveSchedule(userId, intent, nextRunAt, now) {
      const values = { intent, next_run_at: nextRunAt?.getTime() ?? null, updated_at: now.getTime() };
      await k
        .insertInto('digest_schedules')
        .values({ id: userId, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },
  };
}

/** Deletes records of digests older than `before`: they guard only against repeats of recent periods. */
export async function pruneDigestRuns(db: Db, before: Date): Promise<number> {
  const result = await db.kysely
    .deleteFrom('digest_runs')
    .where('created_at', '<', before.getTime())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
