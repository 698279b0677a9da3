import { identityKey } from '../../domain/accounts/user.js';
import type { ChannelOverride } from '../../domain/notifications/catalog.js';
import type { IngestWriter, RecipientDirectory } from '../../domain/notifications/ingest-ports.js';
import { orderedId } from '../../domain/notifications/ordered-id.js';
import type { Recipient } from '../../domain/notifications/routing.js';
import type { Executor } from './database.js';
import { bulkInsert, chunks, toOverride } from './notification-rows.js';

const EVENT_COLUMNS = [
  'id',
  'idempotency_key',
  'content_hash',
  'type',
  'title',
  'body',
  'url',
  'actor',
  'actor_user_id',
  'project',
  'occurred_at',
  'created_at',
];
const DIGEST_COLUMNS = [
  'id',
  'user_id',
  'event_id',
  'inbox_id',
  'type',
  'project',
  'occurred_at',
  'created_at',
];
const OUTBOX_COLUMNS = [
  'id',
  'to_address',
  'subject',
  'html',
  'text',
  'headers',
  'template',
  'data',
  'status',
  'next_attempt_at',
  'created_at',
];

/**
 * Finds posted recipients with their settings. Keys are looked up as ids first, and only those no id
 * matched as usernames (an id wins over a username, as in the ingest's lookup): a host names recipients
 * one way or the other, and two plain IN lists cost SQLite a third of one `id IN … OR username_key IN …`.
 */
export function recipientDirectory(db: Executor): RecipientDirectory {
  const users = (where: 'users.id' | 'users.username_key', values: readonly string[]) =>
    db
      .selectFrom('users')
      .leftJoin('notification_user_settings as s', 's.user_id', 'users.id')
      .select([
        'users.id',
        'users.username',
        'users.email',
        'users.first_name',
        'users.last_name',
        'users.disabled',
        'users.fuzzy_dates',
        'users.time_zone',
        'users.locale',
        's.notify_own_actions',
      ])
      .where(where, 'in', values)
      .execute();
  type UserRow = Awaited<ReturnType<typeof users>>[number];
  return {
    async find(keys) {
      const rows = new Map<string, UserRow>();
      for (const part of chunks(keys, 500)) for (const u of await users('users.id', part)) rows.set(u.id, u);
      const names = [...new Set(keys.filter((k) => !rows.has(k)).map(identityKey))];
      for (const part of chunks(names, 500))
        for (const u of await users('users.username_key', part)) rows.set(u.id, u);
      const overrides = new Map<string, Map<string, ChannelOverride>>();
      for (const part of chunks([...rows.keys()], 500)) {
        const found = await db
          .selectFrom('notification_preferences')
          .select(['user_id', 'type', 'inbox', 'email', 'digest'])
          .where('user_id', 'in', part)
          .execute();
        for (const o of found) {
          const m = overrides.get(o.user_id) ?? new Map<string, ChannelOverride>();
          m.set(o.type, toOverride(o));
          overrides.set(o.user_id, m);
        }
      }
      return [...rows.values()].map((u): Recipient => {
        const name = `${u.first_name} ${u.last_name}`.trim();
        return {
          id: u.id,
          username: u.username,
          email: u.email,
          displayName: name || u.username,
          disabled: Number(u.disabled) === 1,
          preferences: { fuzzyDates: Number(u.fuzzy_dates) === 1, timeZone: u.time_zone, locale: u.locale },
          notifyOwnActions: Number(u.notify_own_actions ?? 0) === 1,
          overrides: overrides.get(u.id) ?? new Map(),
        };
      });
    },
    async workspaceDefaults() {
      const rows = await db
        .selectFrom('notification_defaults')
        .select(['type', 'inbox', 'email', 'digest'])
        .execute();
      return new Map(rows.map((r) => [r.type, toOverride(r)]));
    },
  };
}

/** Writes an ingest batch with multi-row inserts, inside the caller's transaction. */
export function ingestWriter(db: Executor, clock: () => Date): IngestWriter {
  return {
    async existingKeys(keys) {
      const out = new Map<string, string>();
      for (const part of chunks(keys, 500)) {
        const rows = await db
          .selectFrom('notification_events')
          .select(['idempotency_key', 'content_hash'])
          .where('idempotency_key', 'in', part)
          .execute();
        for (const r of rows) out.set(r.idempotency_key, r.content_hash);
      }
      return out;
    },
    async insertEvents(events) {
      const rows = events.map((e) => [
        e.id,
        e.idempotencyKey,
        e.contentHash,
        e.type,
        e.title,
        e.body,
        e.url,
        e.actor,
        e.actorUserId,
        e.project,
        e.occurredAt,
        e.createdAt,
      ]);
      return bulkInsert(
        db,
        'notification_events',
        EVENT_COLUMNS,
        rows,
        'on conflict (idempotency_key) do nothing',
      );
    },
    async insertInbox(rows) {
      const values = rows.map((r) => [r.id, r.userId, r.eventId, r.type, r.createdAt]);
      await bulkInsert(db, 'notification_inbox', ['id', 'user_id', 'event_id', 'type', 'created_at'], values);
    },
    async insertDigestItems(rows) {
      const values = rows.map((r) => [
        r.id,
        r.userId,
        r.eventId,
        r.inboxId,
        r.type,
        r.project,
        r.occurredAt,
        r.createdAt,
      ]);
      await bulkInsert(db, 'notification_digest_items', DIGEST_COLUMNS, values);
    },
    async insertEmails(emails) {
      const now = clock().getTime();
      // Subject, HTML and text are filled in from `data` when the email is sent (outbox-store.ts).
      const values = emails.map((e) => [
        orderedId(now),
        e.to,
        '',
        '',
        '',
        JSON.stringify(e.headers ?? {}),
        e.template,
        JSON.stringify(e.data),
        'pending',
        now,
        now,
      ]);
      await bulkInsert(db, 'outbox', OUTBOX_COLUMNS, values);
    },
  };
}
