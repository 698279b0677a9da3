import { describe, expect, it } from 'vitest';
import { notificationInboxStore } from '../../src/adapters/db/notification-inbox-store.js';
import { ingestWriter, recipientDirectory } from '../../src/adapters/db/notification-ingest-store.js';
import { notificationSettingsStore } from '../../src/adapters/db/notification-settings-store.js';
import { unsubscribeSigner } from '../../src/adapters/db/server-secret-store.js';
import { orderedId } from '../../src/domain/notifications/ordered-id.js';
import { engines, freshDatabase } from '../support/databases.js';
import { notificationEmailData } from '../support/notification-emails.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const serviceToken = 'host-platform-token-0123456789abcdef0123456789';

describe.each(engines)('notification stores on %s', (engine) => {
  async function withUsers() {
    const app = await testApp({ engine, config: { serviceTokens: [serviceToken] } });
    const ada = await signedInUser(app, { username: 'Ada' });
    const grace = await signedInUser(app, { username: 'grace' });
    return { app, db: app.db, ada, grace };
  }

  it('upserts and deletes sparse overrides, user settings and workspace defaults', async () => {
    const { db, ada } = await withUsers();
    const store = notificationSettingsStore(db.kysely);
    const now = new Date(1_800_000_000_000);
    await store.saveUserOverrides(
      ada.user.id,
      [{ type: 'mention', override: { inbox: null, email: false, digest: true } }],
      now,
    );
    await store.saveUserOverrides(
      ada.user.id,
      [{ type: 'mention', override: { inbox: true, email: false, digest: true } }],
      now,
    );
    expect((await store.userOverrides(ada.user.id)).get('mention')).toEqual({
      inbox: true,
      email: false,
      digest: true,
    });
    await store.saveUserOverrides(
      ada.user.id,
      [{ type: 'mention', override: { inbox: null, email: null, digest: null } }],
      now,
    );
    expect((await store.userOverrides(ada.user.id)).size).toBe(0);

    expect(await store.userSettings(ada.user.id)).toBeNull();
    const s = {
      digestFrequency: 'weekly' as const,
      digestTime: '07:15',
      digestTimeZone: 'Asia/Tokyo',
      digestWeekday: 3,
      notifyOwnActions: true,
    };
    await store.saveUserSettings(ada.user.id, s, now);
    await store.saveUserSettings(ada.user.id, { ...s, digestTimeZone: null }, now);
    expect(await store.userSettings(ada.user.id)).toEqual({ ...s, digestTimeZone: null });

    await store.saveWorkspaceDefaults(
      [{ type: 'mention', override: { inbox: null, email: false, digest: null } }],
      'admin-1',
      now,
    );
    expect(await store.workspaceDefaults()).toEqual(
      new Map([['mention', { inbox: null, email: false, digest: null }]]),
    );
    await store.saveWorkspaceDefaults(
      [{ type: 'mention', override: { inbox: null, email: null, digest: null } }],
      'admin-1',
      now,
    );
    expect((await store.workspaceDefaults()).size).toBe(0);
  });

  it('finds recipients by id or by username in any case, with their settings', async () => {
    const { db, ada, grace } = await withUsers();
    await notificationSettingsStore(db.kysely).saveUserOverrides(
      grace.user.id,
      [{ type: 'mention', override: { inbox: false, email: null, digest: null } }],
      new Date(),
    );
    const found = await recipientDirectory(db.kysely).find(['ADA', grace.user.id, 'nobody']);
    expect(found.map((r) => r.username).sort()).toEqual(['Ada', 'grace']);
    const g = found.find((r) => r.id === grace.user.id)!;
    expect(g.overrides.get('mention')).toEqual({ inbox: false, email: null, digest: null });
    expect(g.notifyOwnActions).toBe(false);
    expect(g.displayName).toBe('Ada Lovelace');
    expect(found.find((r) => r.id === ada.user.id)!.email).toBe(ada.user.email);
  });

  it('writes a batch with multi-row inserts and skips an idempotency key stored meanwhile', async () => {
    const { db, ada } = await withUsers();
    const now = Date.now();
    const event = (key: string) => ({
      id: orderedId(now),
      idempotencyKey: key,
      contentHash: 'h',
      type: 'mention',
      title: `t ${key}`,
      body: null,
      url: null,
      actor: null,
      actorUserId: null,
      project: 'Atlas',
      occurredAt: now,
      createdAt: now,
    });
    const events = Array.from({ length: 250 }, (_, i) => event(`k${i}`));
    await db.kysely.transaction().execute(async (trx) => {
      const w = ingestWriter(trx, () => new Date(now));
      expect(await w.insertEvents(events)).toBe(250);
      expect(await w.insertEvents([event('k1'), event('new')])).toBe(1);
      await w.insertInbox(
        events.map((e) => ({
          id: orderedId(now),
          userId: ada.user.id,
          eventId: e.id,
          type: 'mention',
          createdAt: now,
        })),
      );
      await w.insertDigestItems([
        {
          id: orderedId(now),
          userId: ada.user.id,
          eventId: events[0]!.id,
          inboxId: null,
          type: 'mention',
          project: 'Atlas',
          occurredAt: now,
          createdAt: now,
        },
      ]);
      await w.insertEmails([
        {
          to: 'ada@studio.example',
          template: 'notification',
          data: notificationEmailData(),
          headers: { 'List-Id': '<x>' },
        },
      ]);
      expect((await w.existingKeys(['k0', 'k249', 'zzz'])).size).toBe(2);
    });
    const inbox = notificationInboxStore(db.kysely);
    expect(await inbox.unreadCount(ada.user.id)).toBe(250);
    const pending = await db.kysely
      .selectFrom('notification_digest_items')
      .selectAll()
      .where('user_id', '=', ada.user.id)
      .where('digested_at', 'is', null)
      .where('created_at', '<=', now)
      .execute();
    expect(pending).toHaveLength(1);
    const outbox = await db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({
      status: 'pending',
      attempts: 0,
      template: 'notification',
      headers: '{"List-Id":"<x>"}',
      html: '',
    });
    expect(JSON.parse(outbox.data ?? 'null')).toMatchObject({ title: 'Shot 010', when: 'just now' });
  });

  it('pages and marks one user’s inbox only', async () => {
    const { app, ada, grace } = await withUsers();
    const auth = { authorization: `Bearer ${serviceToken}` };
    for (let i = 0; i < 3; i++) {
      await app.request(
        'POST',
        '/api/v1/events',
        { type: 'mention', recipients: ['ada', 'grace'], title: `n${i}`, idempotencyKey: `p${i}` },
        auth,
      );
    }
    const inbox = notificationInboxStore(app.db.kysely);
    const page = await inbox.page(ada.user.id, { unreadOnly: false, limit: 10, before: null });
    expect(page).toHaveLength(3);
    const graceIds = (await inbox.page(grace.user.id, { unreadOnly: false, limit: 10, before: null })).map(
      (i) => i.id,
    );
    expect(await inbox.markRead(ada.user.id, graceIds, new Date())).toBe(0);
    expect(await inbox.markRead(ada.user.id, [page[0]!.id, page[0]!.id], new Date())).toBe(1);
    const older = await inbox.page(ada.user.id, {
      unreadOnly: true,
      limit: 10,
      before: { createdAt: page[0]!.createdAt.getTime(), id: page[0]!.id },
    });
    expect(older.map((i) => i.id)).toEqual(page.slice(1).map((i) => i.id));
    expect(await inbox.markAllRead(ada.user.id, new Date())).toBe(2);
    expect(await inbox.unreadCount(grace.user.id)).toBe(3);
  });

  it('stores a retried post once when two requests with the same key race', async () => {
    const { app } = await withUsers();
    const auth = { authorization: `Bearer ${serviceToken}` };
    const e = { type: 'mention', recipients: ['ada'], title: 'race', idempotencyKey: 'race-1' };
    const results = await Promise.all([1, 2, 3, 4].map(() => app.request('POST', '/api/v1/events', e, auth)));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(results.reduce((n, r) => n + r.json.accepted, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.json.duplicates, 0)).toBe(3);
    expect(await app.db.kysely.selectFrom('notification_inbox').selectAll().execute()).toHaveLength(1);
  });

  it('gives every replica the same unsubscribe key, generated once', async () => {
    const db = await freshDatabase(engine);
    const [a, b] = await Promise.all([unsubscribeSigner(db)(), unsubscribeSigner(db)()]);
    expect(Buffer.from(a.mac('x')).equals(Buffer.from(b.mac('x')))).toBe(true);
    expect(await db.kysely.selectFrom('server_secrets').selectAll().execute()).toHaveLength(1);
  });
});
