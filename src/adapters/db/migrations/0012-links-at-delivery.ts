import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

/** Account emails that carry a one-time link (their rendered text holds the token), as of this migration. */
const LINK_TEMPLATES = ['password-reset', 'invitation', 'email-verify', 'email-changed'] as const;

/**
 * Nothing in the database lets a copy of it use a link: an email with a one-time link is stored as its
 * template's fields and `link` (which reserved one_time_tokens row, by `link_id`, and how long it stays
 * valid); the token is minted when the email is sent and only its hash is written. Password-reset
 * requests are recorded as they come (`password_reset_requests`) and turned into emails by the delivery
 * job, so the answer costs the same for every identifier. Emails already sent or dead lose their text.
 */
export function linksAtDelivery(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema.alterTable('one_time_tokens').addColumn('link_id', t.text).execute();
      await db.schema
        .createIndex('one_time_tokens_link_idx')
        .unique()
        .on('one_time_tokens')
        .column('link_id')
        .execute();
      await db.schema.alterTable('outbox').addColumn('link', t.text).execute();
      await db.schema
        .createTable('password_reset_requests')
        .addColumn('id', t.text, (c) => c.primaryKey())
        .addColumn('identifier', t.text, (c) => c.notNull())
        .addColumn('ip', t.text)
        .addColumn('requested_at', t.time, (c) => c.notNull())
        .addColumn('lease_owner', t.text)
        .addColumn('lease_until', t.time)
        .execute();
      await db
        .updateTable('outbox')
        .set({ html: '', text: '' })
        .where('template', 'in', [...LINK_TEMPLATES])
        .where('status', '!=', 'pending')
        .where('data', 'is', null)
        .execute();
    },
  };
}
