import pino from 'pino';
import { createRenderer } from '../../emails/render.js';
import type { Db } from '../../src/adapters/db/database.js';
import { unsubscribeSigner } from '../../src/adapters/db/server-secret-store.js';
import { composeDigests } from '../../src/compose/digests.js';
import { createCatalog } from '../../src/domain/notifications/catalog.js';
import type { DigestDefaults } from '../../src/domain/notifications/digest-schedule.js';
import type { Clock } from '../../src/domain/shared/clock.js';

export const digestPublicUrl = 'https://concierge.test';

// Inserted in chunks: one multi-row statement per chunk keeps seeding fast on both engines.
const CHUNK = 400;

export const testCatalog = createCatalog([
  {
    type: 'status.changed',
    label: 'Status changed',
    description: 'A status changed.',
    channels: { inbox: true, email: false, digest: true },
    locked: false,
    digestible: true,
  },
  {
    type: 'comment.followed',
    label: 'Note or reply',
    description: 'A note or reply.',
    channels: { inbox: true, email: false, digest: true },
    locked: false,
    digestible: true,
  },
]);

export interface FixtureUser {
  readonly id: string;
  readonly username?: string;
  readonly timeZone?: string;
  readonly disabled?: boolean;
  readonly fuzzyDates?: boolean;
  /** BCP 47 locale of the user's date preference (default "en"). */
  readonly locale?: string;
}

/** Inserts users directly (each owns its data: ids should be unique per test). */
export async function insertUsers(db: Db, users: readonly FixtureUser[], now = Date.now()): Promise<void> {
  const rows = users.map((u) => {
    const username = u.username ?? u.id;
    return {
      id: u.id,
      username,
      username_key: username.toLowerCase(),
      email: `${username}@example.test`,
      email_key: `${username.toLowerCase()}@example.test`,
      first_name: '',
      last_name: '',
      role: 'user' as const,
      disabled: u.disabled ? 1 : 0,
      provider_id: 'local',
      avatar_key: null,
      fuzzy_dates: u.fuzzyDates === false ? 0 : 1,
      time_zone: u.timeZone ?? 'UTC',
      locale: u.locale ?? 'en',
      created_at: now,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.kysely
      .insertInto('users')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export interface FixtureItem {
  readonly userId: string;
  readonly type?: string;
  readonly project?: string | null;
  readonly title?: string;
  readonly createdAt: number;
  /** Also in the inbox, and read there. */
  readonly read?: boolean;
}

let counter = 0;

/** Inserts events, inbox rows and pending digest items, as the ingest fan-out does; their item ids. */
export async function insertPending(db: Db, items: readonly FixtureItem[]): Promise<string[]> {
  const events = [];
  const inbox = [];
  const digest = [];
  for (const item of items) {
    counter += 1;
    const id = `${item.userId}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
    events.push({
      id: `ev-${id}`,
      idempotency_key: `key-${id}`,
      content_hash: 'h',
      type: item.type ?? 'status.changed',
      title: item.title ?? `Shot ${counter} is approved`,
      body: null,
      url: `https://host.test/shots/${counter}`,
      actor: null,
      actor_user_id: null,
      project: item.project === undefined ? 'Atlas' : item.project,
      occurred_at: item.createdAt,
      created_at: item.createdAt,
    });
    inbox.push({
      id: `in-${id}`,
      user_id: item.userId,
      event_id: `ev-${id}`,
      type: item.type ?? 'status.changed',
      created_at: item.createdAt,
      read_at: item.read ? item.createdAt + 1 : null,
    });
    digest.push({
      id: `di-${id}`,
      user_id: item.userId,
      event_id: `ev-${id}`,
      inbox_id: `in-${id}`,
      type: item.type ?? 'status.changed',
      project: item.project === undefined ? 'Atlas' : item.project,
      occurred_at: item.createdAt,
      created_at: item.createdAt,
      digested_at: null,
    });
  }
  for (let i = 0; i < items.length; i += CHUNK) {
    await db.kysely
      .insertInto('notification_events')
      .values(events.slice(i, i + CHUNK))
      .execute();
    await db.kysely
      .insertInto('notification_inbox')
      .values(inbox.slice(i, i + CHUNK))
      .execute();
    await db.kysely
      .insertInto('notification_digest_items')
      .values(digest.slice(i, i + CHUNK))
      .execute();
  }
  return digest.map((d) => d.id);
}

/** The digest feature wired onto `db` with real adapters, as main.ts wires it. */
export function digestsFor(
  db: Db,
  clock: Clock,
  options: {
    owner?: string;
    defaults?: DigestDefaults;
    leaseMs?: number;
    batchSize?: number;
    limit?: number;
  } = {},
) {
  return composeDigests({
    db,
    render: createRenderer(digestPublicUrl),
    clock,
    logger: pino({ level: 'silent' }),
    catalog: testCatalog,
    signer: unsubscribeSigner(db),
    defaults: options.defaults ?? { frequency: 'daily', time: '08:00', weekday: 1 },
    publicUrl: digestPublicUrl,
    listIdDomain: 'concierge.test',
    owner: options.owner ?? `test-${process.pid}`,
    leaseMs: options.leaseMs ?? 60_000,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
  });
}

/** Digest emails in the outbox, by recipient address. */
export async function digestOutbox(db: Db) {
  return db.kysely
    .selectFrom('outbox')
    .select(['to_address', 'subject', 'text', 'html', 'headers'])
    .where('template', '=', 'digest')
    .execute();
}
