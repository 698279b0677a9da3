import { describe, expect, it } from 'vitest';
import {
  DEAD_EMAIL_RETENTION_MS,
  DIGEST_ITEM_RETENTION_MS,
  deleteExpiredRows,
  RESET_REQUEST_RETENTION_MS,
  SENT_EMAIL_RETENTION_MS,
  TOKEN_GRACE_MS,
} from '../../src/adapters/db/expired-rows.js';
import { usersStore } from '../../src/adapters/db/users-store.js';
import { newId } from '../../src/domain/shared/tokens.js';
import { expiredRowsJob } from '../../src/jobs/expired-rows-job.js';
import { engines, freshDatabase } from '../support/databases.js';
import { aUser } from '../support/users.js';

const now = new Date('2026-11-28T12:00:00Z');
const t = now.getTime();

async function seed(engine: (typeof engines)[number]) {
  const db = await freshDatabase(engine);
  const k = db.kysely;
  const userId = newId();
  await usersStore(k).insert(aUser({ id: userId }, now), null);
  const session = (id: string, expiresAt: number) => ({
    id,
    user_id: userId,
    created_at: t - 1000,
    expires_at: expiresAt,
    last_seen_at: t - 1000,
    user_agent: null,
    ip: null,
  });
  const token = (hash: string, expiresAt: number) => ({
    token_hash: hash,
    purpose: 'password_reset',
    user_id: userId,
    data: null,
    created_at: t - 1000,
    expires_at: expiresAt,
    used_at: null,
  });
  const email = (
    id: string,
    status: 'pending' | 'sent' | 'dead',
    sentAt: number | null,
    lastAttemptAt = t,
  ) => ({
    id,
    to_address: 'ada@studio.example',
    subject: 's',
    html: '<p>h</p>',
    text: 't',
    template: 'test',
    headers: '{}',
    status,
    next_attempt_at: lastAttemptAt,
    created_at: lastAttemptAt - 1000,
    sent_at: sentAt,
  });
  return { db, k, userId, session, token, email };
}

const ids = async (rows: Promise<Array<Record<string, unknown>>>, key: string) =>
  (await rows).map((r) => r[key]).sort();

describe.each(engines)('deleting expired rows on %s', (engine) => {
  it('deletes expired sessions, tokens a week past expiry, emails sent a month ago and dead three months ago, nothing else', async () => {
    const { k, db, userId, session, token, email } = await seed(engine);
    await k
      .insertInto('sessions')
      .values([session('expired', t - 1), session('at-expiry', t), session('live', t + 60_000)])
      .execute();
    await k
      .insertInto('one_time_tokens')
      .values([
        token('long-gone', t - TOKEN_GRACE_MS - 1),
        token('recently-expired', t - 60_000),
        token('live', t + 60_000),
      ])
      .execute();
    await k
      .insertInto('outbox')
      .values([
        email('old-sent', 'sent', t - SENT_EMAIL_RETENTION_MS - 1),
        email('new-sent', 'sent', t - 60_000),
        email('long-dead', 'dead', null, t - DEAD_EMAIL_RETENTION_MS - 1),
        email('recently-dead', 'dead', null, t - SENT_EMAIL_RETENTION_MS - 1),
        email('pending', 'pending', null, t - DEAD_EMAIL_RETENTION_MS - 1),
      ])
      .execute();

    await k
      .insertInto('notification_events')
      .values({
        id: 'e1',
        idempotency_key: 'k1',
        content_hash: 'h',
        type: 'note.created',
        title: 'A note',
        occurred_at: t - DIGEST_ITEM_RETENTION_MS - 2,
        created_at: t - DIGEST_ITEM_RETENTION_MS - 2,
      })
      .execute();
    const item = (id: string, createdAt: number) => ({
      id,
      user_id: userId,
      event_id: 'e1',
      type: 'note.created',
      occurred_at: createdAt,
      created_at: createdAt,
    });
    await k
      .insertInto('notification_digest_items')
      .values([item('stale', t - DIGEST_ITEM_RETENTION_MS - 1), item('fresh', t - 60_000)])
      .execute();

    const request = (id: string, requestedAt: number) => ({
      id,
      identifier: 'someone',
      ip: null,
      requested_at: requestedAt,
      lease_owner: null,
      lease_until: null,
    });
    await k
      .insertInto('password_reset_requests')
      .values([request('stuck', t - RESET_REQUEST_RETENTION_MS - 1), request('waiting', t - 60_000)])
      .execute();

    const deleted = await deleteExpiredRows(db.kysely, now, 1000);
    expect(deleted).toEqual({
      sessions: 2,
      tokens: 1,
      sentEmails: 1,
      deadEmails: 1,
      digestItems: 1,
      resetRequests: 1,
    });
    expect(await ids(k.selectFrom('password_reset_requests').select('id').execute(), 'id')).toEqual([
      'waiting',
    ]);
    expect(await ids(k.selectFrom('notification_digest_items').select('id').execute(), 'id')).toEqual([
      'fresh',
    ]);
    expect(await ids(k.selectFrom('sessions').select('id').execute(), 'id')).toEqual(['live']);
    expect(await ids(k.selectFrom('one_time_tokens').select('token_hash').execute(), 'token_hash')).toEqual([
      'live',
      'recently-expired',
    ]);
    expect(await ids(k.selectFrom('outbox').select('id').execute(), 'id')).toEqual([
      'new-sent',
      'pending',
      'recently-dead',
    ]);
    expect(await deleteExpiredRows(db.kysely, now, 1000)).toEqual({
      sessions: 0,
      tokens: 0,
      sentEmails: 0,
      deadEmails: 0,
      digestItems: 0,
      resetRequests: 0,
    });
  });

  it('deletes in bounded batches, and the job repeats them until a batch comes back short', async () => {
    const { k, db, session } = await seed(engine);
    await k
      .insertInto('sessions')
      .values(Array.from({ length: 25 }, (_, i) => session(`s${i}`, t - 1)))
      .execute();
    expect((await deleteExpiredRows(db.kysely, now, 10)).sessions).toBe(10);
    const batches: number[] = [];
    const job = expiredRowsJob(
      async (at, limit) => {
        const d = await deleteExpiredRows(db.kysely, at, limit);
        batches.push(d.sessions);
        return d;
      },
      () => now,
      { schedule: '0 */10 * * * *', batchSize: 10 },
    );
    await job.run();
    expect(batches).toEqual([10, 5]);
    expect(await k.selectFrom('sessions').select('id').execute()).toEqual([]);
  });

  it('stops after the current batch when the service is stopping', async () => {
    const { k, db, session } = await seed(engine);
    await k
      .insertInto('sessions')
      .values(Array.from({ length: 30 }, (_, i) => session(`s${i}`, t - 1)))
      .execute();
    const stopping = new AbortController();
    const job = expiredRowsJob(
      async (at, limit) => {
        stopping.abort();
        return deleteExpiredRows(db.kysely, at, limit);
      },
      () => now,
      { schedule: '0 */10 * * * *', batchSize: 10 },
    );
    await job.run(stopping.signal);
    expect(await k.selectFrom('sessions').select('id').execute()).toHaveLength(20);
  });
});
