import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * One index on the inbox instead of two. Every ingested inbox row was written into three B-trees besides
 * the table: the primary key (appended: ids are time-ordered), `(user_id, created_at, id)` and
 * `(user_id, read_at)`, the last two scattered over every recipient's part of the index. `read_at` now
 * rides at the end of the page index, so the unread count and the unread filter are read from that one
 * index (no table lookups), and an ingested row costs one scattered index write instead of two.
 */
export function inboxIndex(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not today's types
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('notification_inbox_user_read_idx')
        .on('notification_inbox')
        .columns(['user_id', 'created_at', 'id', 'read_at'])
        .execute();
      await db.schema.dropIndex('notification_inbox_user_idx').execute();
      await db.schema.dropIndex('notification_inbox_unread_idx').execute();
    },
  };
}
