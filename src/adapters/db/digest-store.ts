import { CompiledQuery, sql } from 'kysely';
import type { Outbox } from '../../domain/mail/email.js';
import type { PendingDigestItem } from '../../domain/notifications/digest-assembly.js';
import {
  type DigestDefaults,
  type DigestFrequency,
  effectiveDigestIntent,
} from '../../domain/notifications/digest-schedule.js';
import type { DigestRecipient, DigestRunStore } from '../../domain/notifications/run-digests.js';
import type { Clock } from '../../domain/shared/clock.js';
import type { Transact } from '../../domain/shared/transaction.js';
import type { Db, Dialect, Executor } from './database.js';
import { outboxWriter, type RenderEmail } from './outbox-store.js';

export interface DigestStoreOptions {
  /** Who leases schedules: one id per process, so a lease can be recognised. */
  readonly owner: string;
  /** After this long a leased schedule whose worker died may be taken again. */
  readonly leaseMs: number;
  readonly defaults: DigestDefaults;
}

// Parameters per statement stay well under SQLite's and PostgreSQL's limits.
const CHUNK = 500;

/** The user, their settings and schedule in one row: what the intent and the recipient are built from. */
export function inputs(db: Executor) {
  return db
    .selectFrom('users as u')
    .leftJoin('notification_user_settings as s', 's.user_id', 'u.id')
    .leftJoin('digest_schedules as d', 'd.id', 'u.id')
    .select([
      'u.id',
      'u.email',
      'u.username',
      'u.first_name',
      'u.disabled',
      'u.fuzzy_dates',
      'u.time_zone',
      'u.locale',
      's.digest_frequency',
      's.digest_time',
      's.digest_time_zone',
      's.digest_weekday',
      'd.last_period',
    ]);
}

export type InputRow = Awaited<ReturnType<ReturnType<typeof inputs>['executeTakeFirstOrThrow']>>;

function recipientOf(row: InputRow, defaults: DigestDefaults): DigestRecipient {
  return {
    id: row.id,
    email: row.email,
    name: row.first_name || row.username,
    disabled: row.disabled === 1,
    preferences: { fuzzyDates: row.fuzzy_dates === 1, timeZone: row.time_zone, locale: row.locale },
    intent: intentOf(row, defaults),
    lastPeriod: row.last_period,
  };
}

export function intentOf(row: InputRow, defaults: DigestDefaults) {
  const choice =
    row.digest_frequency === null
      ? null
      : {
          frequency: row.digest_frequency as DigestFrequency,
          time: row.digest_time ?? defaults.time,
          timeZone: row.digest_time_zone,
          weekday: row.digest_weekday ?? defaults.weekday,
        };
  return effectiveDigestIntent(choice, row.time_zone, defaults);
}

/**
 * The statements run for every user (or group), written as SQL text: building them with Kysely's
 * query builder cost more CPU than the database spent running them (see BENCHMARKS.md). Same text
 * every time, so libsql reuses its prepared statement.
 */
function perUserSql(dialect: Dialect) {
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const list = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => p(from + i)).join(', ');
  return {
    lockLeased: (count: number) =>
      `update digest_schedules set lease_until = ${p(1)} where lease_owner = ${p(2)} and id in (${list(3, count)})
      returning id, next_run_at`,
    recordRun: `insert into digest_runs (user_id, period_key, items, created_at) values (${list(1, 4)})
      on conflict (user_id, period_key) do nothing returning user_id`,
    finish: `update digest_schedules set intent = ${p(1)}, next_run_at = ${p(2)}, last_period = ${p(3)},
      last_run_at = ${p(4)}, lease_owner = null, lease_until = null, updated_at = ${p(5)} where id = ${p(6)}`,
    markDigested: (count: number) =>
      `update notification_digest_items set digested_at = ${p(1)} where id in (${list(2, count)})`,
  };
}

/** One user's digest data inside the run's transaction (`executor` is the transaction). */
export function digestRunStore(
  executor: Executor,
  dialect: Dialect,
  options: DigestStoreOptions,
  clock: Clock,
): DigestRunStore {
  const text = perUserSql(dialect);
  const run = <R>(query: string, params: readonly unknown[]) =>
    executor.executeQuery<R>(CompiledQuery.raw(query, [...params]));
  const store: DigestRunStore = {
    async lockLeased(userIds) {
      const leased = new Map<string, { nextRunAt: number | null }>();
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const chunk = userIds.slice(i, i + CHUNK);
        const { rows } = await run<{ id: string; next_run_at: number | null }>(
          text.lockLeased(chunk.length),
          [clock().getTime() + options.leaseMs, options.owner, ...chunk],
        );
        for (const row of rows) {
          leased.set(row.id, { nextRunAt: row.next_run_at === null ? null : Number(row.next_run_at) });
        }
      }
      return leased;
    },
    async recipient(userId) {
      return (await store.recipients([userId])).get(userId) ?? null;
    },
    async recipients(userIds) {
      const rows = await inputs(executor).where('u.id', 'in', userIds).execute();
      return new Map(rows.map((row) => [row.id, recipientOf(row, options.defaults)]));
    },
    async recordRun(userId, periodKey, items, now) {
      const { rows } = await run(text.recordRun, [userId, periodKey, items, now.getTime()]);
      return rows.length > 0;
    },
    async pendingItems(userId, cutoff) {
      return (await store.pendingItemsOf([userId], cutoff)).get(userId) ?? [];
    },
    async pendingItemsOf(userIds, cutoff) {
      const rows = await executor
        .selectFrom('notification_digest_items as i')
        .innerJoin('notification_events as e', 'e.id', 'i.event_id')
        .leftJoin('notification_inbox as n', 'n.id', 'i.inbox_id')
        .select([
          'i.user_id',
          'i.id',
          'i.type',
          'i.project',
          'i.occurred_at',
          'e.title',
          'e.url',
          'n.read_at',
        ])
        .where('i.user_id', 'in', userIds)
        .where('i.digested_at', 'is', null)
        .where('i.created_at', '<=', cutoff.getTime())
        .execute();
      const byUser = new Map<string, PendingDigestItem[]>();
      for (const r of rows) {
        const item = {
          id: r.id,
          type: r.type,
          project: r.project,
          title: r.title,
          url: r.url,
          occurredAt: Number(r.occurred_at),
          read: r.read_at !== null,
        };
        const list = byUser.get(r.user_id);
        if (list) list.push(item);
        else byUser.set(r.user_id, [item]);
      }
      return byUser;
    },
    async markDigested(ids, now) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        await run(text.markDigested(chunk.length), [now.getTime(), ...chunk]);
      }
    },
    async isolated(work) {
      // Users of one group run one after another, never nested: one savepoint name is enough.
      await sql`savepoint digest_user`.execute(executor);
      try {
        const result = await work();
        await sql`release savepoint digest_user`.execute(executor);
        return result;
      } catch (error) {
        await sql`rollback to savepoint digest_user`.execute(executor);
        await sql`release savepoint digest_user`.execute(executor);
        throw error;
      }
    },
    async finish(userId, next) {
      const ranAt = next.ranAt.getTime();
      await run(text.finish, [
        next.intent,
        next.nextRunAt?.getTime() ?? null,
        next.lastPeriod,
        ranAt,
        ranAt,
        userId,
      ]);
    },
  };
  return store;
}

/** Runs `work` in one transaction with the digest store and the outbox bound to it. */
export function digestTransactor(
  db: Db,
  options: DigestStoreOptions,
  render: RenderEmail,
  clock: Clock,
): Transact<{ digests: DigestRunStore; outbox: Outbox }> {
  return (work) =>
    db.kysely.transaction().execute((trx) =>
      work({
        digests: digestRunStore(trx, db.dialect, options, clock),
        outbox: outboxWriter(trx, render, clock),
      }),
    );
}
