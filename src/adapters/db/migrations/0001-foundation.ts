import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function foundation(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('username', t.text, (c) => c.notNull())
        .addColumn('username_key', t.text, (c) => c.notNull().unique())
        .addColumn('email', t.text, (c) => c.notNull())
        .addColumn('email_key', t.text, (c) => c.notNull().unique())
        .addColumn('first_name', t.text, (c) => c.notNull().defaultTo(''))
        .addColumn('last_name', t.text, (c) => c.notNull().defaultTo(''))
        .addColumn('role', t.text, (c) => c.notNull().defaultTo('user'))
        .addColumn('disabled', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('provider_id', t.text, (c) => c.notNull())
        .addColumn('avatar_key', t.text)
        .addColumn('fuzzy_dates', t.int, (c) => c.notNull().defaultTo(1))
        .addColumn('time_zone', t.text, (c) => c.notNull().defaultTo('UTC'))
        .addColumn('locale', t.text, (c) => c.notNull().defaultTo('en'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_role_idx').on('users').columns(['role', 'disabled']).execute();

      await db.schema
        .createTable('password_credentials')
        .addColumn('user_id', t.text, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('hash', t.text, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('last_seen_at', t.time, (c) => c.notNull())
        .addColumn('user_agent', t.text)
        .addColumn('ip', t.text)
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expiry_idx').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('one_time_tokens')
        .addColumn('token_hash', t.text, (c) => c.primaryKey())
        .addColumn('purpose', t.text, (c) => c.notNull())
        .addColumn('user_id', t.text, (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('data', t.text)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .execute();
      await db.schema
        .createIndex('one_time_tokens_user_idx')
        .on('one_time_tokens')
        .columns(['user_id', 'purpose'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('to_address', t.text, (c) => c.notNull())
        .addColumn('subject', t.text, (c) => c.notNull())
        .addColumn('html', t.text, (c) => c.notNull())
        .addColumn('text', t.text, (c) => c.notNull())
        .addColumn('headers', t.text, (c) => c.notNull().defaultTo('{}'))
        .addColumn('template', t.text, (c) => c.notNull())
        .addColumn('status', t.text, (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', t.time, (c) => c.notNull())
        .addColumn('lease_owner', t.text)
        .addColumn('lease_until', t.time)
        .addColumn('last_error', t.text)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('sent_at', t.time)
        .execute();
      await db.schema
        .createIndex('outbox_due_idx')
        .on('outbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
    },
  };
}
