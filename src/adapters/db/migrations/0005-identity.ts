import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/** External accounts (LDAP, OIDC) keyed by provider + issuer + subject, each linked to one user. */
export function identity(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('external_identities')
        .addColumn('provider_id', t.text, (c) => c.notNull())
        .addColumn('issuer', t.text, (c) => c.notNull())
        .addColumn('subject', t.text, (c) => c.notNull())
        .addColumn('user_id', t.text, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('last_sign_in_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('external_identities_pk', ['provider_id', 'issuer', 'subject'])
        .execute();
      // One account per provider and user: the lookup of POST /me/password and of the admin view.
      await db.schema
        .createIndex('external_identities_user_idx')
        .on('external_identities')
        .columns(['user_id', 'provider_id'])
        .unique()
        .execute();
    },
  };
}
