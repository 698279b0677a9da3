import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/**
 * Users the directory re-check disabled because their directory no longer lists them (or its group no
 * longer does). The row tells that disable apart from an administrator's, so only the re-check's is
 * undone when the person signs in through that directory again.
 */
export function directoryRemovals(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('directory_removals')
        .addColumn('user_id', t.text, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('provider_id', t.text, (c) => c.notNull())
        .addColumn('removed_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
