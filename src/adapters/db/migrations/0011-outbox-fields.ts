import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Notification emails are stored as their template's fields (JSON in `data`, subject, HTML and text
 * left empty) and filled in when they are sent: a rendered notification email is about 4 KB, and
 * writing it made the outbox the largest cost of an ingest. Other emails are still stored rendered.
 */
export function outboxFields(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema.alterTable('outbox').addColumn('data', 'text').execute();
    },
  };
}
