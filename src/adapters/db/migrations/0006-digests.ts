import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function digests(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      // One row per user with a digest schedule; `id` is the user id, so the generic claimDue can lease it.
      await db.schema
        .createTable('digest_schedules')
        .addColumn('id', t.text, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        // The wall-clock intent next_run_at was computed from ("daily|08:00|Europe/Stockholm|1"): a
        // differing effective intent (settings, time zone or workspace default changed) means recompute.
        .addColumn('intent', t.text, (c) => c.notNull())
        // UTC epoch ms of the next digest; null when digests are off.
        .addColumn('next_run_at', t.time)
        .addColumn('last_period', t.text)
        .addColumn('last_run_at', t.time)
        .addColumn('lease_owner', t.text)
        .addColumn('lease_until', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('digest_schedules_due_idx')
        .on('digest_schedules')
        .column('next_run_at')
        .execute();

      // One row per digest sent; the unique key is what makes a digest go out at most once per period.
      await db.schema
        .createTable('digest_runs')
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('period_key', t.text, (c) => c.notNull())
        .addColumn('items', t.int, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('digest_runs_pk', ['user_id', 'period_key'])
        .execute();
      await db.schema.createIndex('digest_runs_created_idx').on('digest_runs').column('created_at').execute();
    },
  };
}
