import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/**
 * Browsers each user has signed in from, by the SHA-256 of a long-lived device cookie: a sign-in from
 * one not listed raises the `security.new-sign-in` notice. (0009 is left to the directory re-check's
 * lease, written at the same time.)
 */
export function knownDevices(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('known_devices')
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device_hash', t.text, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('last_seen_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('known_devices_pk', ['user_id', 'device_hash'])
        .execute();
    },
  };
}
