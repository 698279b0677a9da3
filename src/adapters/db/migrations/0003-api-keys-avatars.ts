import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/** Personal API keys (stored as SHA-256 only) and the index that finds who else shows a picture. */
export function apiKeysAvatars(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('prefix', t.text, (c) => c.notNull())
        .addColumn('key_hash', t.text, (c) => c.notNull().unique())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time)
        .addColumn('last_used_at', t.time)
        .addColumn('last_used_ip', t.text)
        .addColumn('revoked_at', t.time)
        .execute();
      await db.schema
        .createIndex('api_keys_user_idx')
        .on('api_keys')
        .columns(['user_id', 'created_at'])
        .execute();
      // Two people may upload the same file (same content-hash key): removing one's picture must not
      // delete the files the other still shows.
      await db.schema.createIndex('users_avatar_key_idx').on('users').column('avatar_key').execute();
    },
  };
}
