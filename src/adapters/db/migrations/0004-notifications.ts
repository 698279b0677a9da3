import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function notifications(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('notification_events')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('idempotency_key', t.text, (c) => c.notNull().unique())
        .addColumn('content_hash', t.text, (c) => c.notNull())
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('title', t.text, (c) => c.notNull())
        .addColumn('body', t.text)
        .addColumn('url', t.text)
        .addColumn('actor', t.text)
        .addColumn('actor_user_id', t.text)
        .addColumn('project', t.text)
        .addColumn('occurred_at', t.time, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('notification_inbox')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('event_id', t.text, (c) =>
          c.notNull().references('notification_events.id').onDelete('cascade'),
        )
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('read_at', t.time)
        .execute();
      // Newest-first pages of one user, and the unread count.
      await db.schema
        .createIndex('notification_inbox_user_idx')
        .on('notification_inbox')
        .columns(['user_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('notification_inbox_unread_idx')
        .on('notification_inbox')
        .columns(['user_id', 'read_at'])
        .execute();

      await db.schema
        .createTable('notification_digest_items')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('event_id', t.text, (c) =>
          c.notNull().references('notification_events.id').onDelete('cascade'),
        )
        .addColumn('inbox_id', t.text)
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('project', t.text)
        .addColumn('occurred_at', t.time, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('digested_at', t.time)
        .execute();
      // "Pending items of user X up to a cutoff": user_id = ? and digested_at is null and created_at <= ?
      await db.schema
        .createIndex('notification_digest_pending_idx')
        .on('notification_digest_items')
        .columns(['user_id', 'digested_at', 'created_at'])
        .execute();

      await db.schema
        .createTable('notification_preferences')
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('type', t.text, (c) => c.notNull())
        .addColumn('inbox', t.int)
        .addColumn('email', t.int)
        .addColumn('digest', t.int)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'type'])
        .execute();

      await db.schema
        .createTable('notification_defaults')
        .addColumn('type', t.text, (c) => c.primaryKey())
        .addColumn('inbox', t.int)
        .addColumn('email', t.int)
        .addColumn('digest', t.int)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addColumn('updated_by', t.text)
        .execute();

      await db.schema
        .createTable('notification_user_settings')
        .addColumn('user_id', t.text, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('digest_frequency', t.text, (c) => c.notNull())
        .addColumn('digest_time', t.text, (c) => c.notNull())
        .addColumn('digest_time_zone', t.text)
        .addColumn('digest_weekday', t.int, (c) => c.notNull().defaultTo(1))
        .addColumn('notify_own_actions', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('server_secrets')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('value', t.text, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
