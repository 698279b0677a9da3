import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/**
 * One row per job that only one replica at a time may run (the directory re-check of each LDAP
 * provider): who holds it and until when. A holder that crashed stops holding it at `lease_until`.
 */
export function jobLeases(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('job_leases')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('owner', t.text, (c) => c.notNull())
        .addColumn('lease_until', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
