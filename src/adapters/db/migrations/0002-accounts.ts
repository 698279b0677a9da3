import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

// Local accounts: throttle counters shared by every replica, and former usernames that still sign in.
// Email changes waiting for verification (and their undo links) are one_time_tokens rows whose `data`
// holds the address, so they need no table of their own.
export function accounts(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('auth_throttle')
        .addColumn('key', t.text, (c) => c.primaryKey())
        .addColumn('attempts', t.int, (c) => c.notNull())
        .addColumn('window_started_at', t.time, (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .execute();
      await db.schema
        .createIndex('auth_throttle_window_idx')
        .on('auth_throttle')
        .column('window_started_at')
        .execute();

      await db.schema
        .createTable('username_aliases')
        .addColumn('alias_key', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('username_aliases_user_idx')
        .on('username_aliases')
        .column('user_id')
        .execute();
    },
  };
}
