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
  'status',
  'next_attempt_at',
  'created_at',
];

/** Finds posted recipients with their settings: three queries per chunk of names, whatever the batch. */
export function recipientDirectory(db: Executor): RecipientDirectory {
  return {
    async find(keys) {
      const found: Recipient[] = [];
      for (const part of chunks(keys, 500)) {
        const users = await db
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
          .where((eb) =>
            eb.or([eb('users.id', 'in', part), eb('users.username_key', 'in', part.map(identityKey))]),
          )
          .execute();
        if (users.length === 0) continue;
        const overrides = await db
          .selectFrom('notification_preferences')
          .select(['user_id', 'type', 'inbox', 'email', 'digest'])
          .where(
            'user_id',
            'in',
            users.map((u) => u.id),
          )
          .execute();
        const byUser = new Map<string, Map<string, ChannelOverride>>();
        for (const o of overrides) {
          const m = byUser.get(o.user_id) ?? new Map<string, ChannelOverride>();
          m.set(o.type, toOverride(o));
          byUser.set(o.user_id, m);
        }
        for (const u of users) {
          const name = `${u.first_name} ${u.last_name}`.trim();
          found.push({
            id: u.id,
            username: u.username,
            email: u.email,
            displayName: name || u.username,
            disabled: Number(u.disabled) === 1,
            preferences: { fuzzyDates: Number(u.fuzzy_dates) === 1, timeZone: u.time_zone, locale: u.locale },
            notifyOwnActions: Number(u.notify_own_actions ?? 0) === 1,
            overrides: byUser.get(u.id) ?? new Map(),
          });
        }
      }
      return found;
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
      const values = emails.map((e) => [
        orderedId(now),
        e.to,
        e.subject,
        e.html,
        e.text,
        JSON.stringify(e.headers),
        e.template,
        'pending',
        now,
        now,
      ]);
      await bulkInsert(db, 'outbox', OUTBOX_COLUMNS, values);
    },
  };
}
