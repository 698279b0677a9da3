import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const serviceToken = 'host-platform-token-0123456789abcdef0123456789';
const auth = { authorization: `Bearer ${serviceToken}` };

async function setup() {
  const app = await testApp({ config: { serviceTokens: [serviceToken] } });
  const ada = await signedInUser(app, { username: 'ada' });
  const grace = await signedInUser(app, { username: 'grace', firstName: 'Grace', lastName: 'Hopper' });
  return { app, ada, grace };
}

const event = (over: Record<string, unknown> = {}) => ({
  type: 'task.assigned',
  recipients: ['ada'],
  title: 'Shot 010: comp',
  body: 'Please take over the comp.',
  url: 'https://host.example/tasks/10',
  actor: 'grace',
  project: 'Atlas',
  idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
  ...over,
});

async function counts(app: Awaited<ReturnType<typeof testApp>>) {
  const n = async (
    table: 'notification_events' | 'notification_inbox' | 'notification_digest_items' | 'outbox',
  ) =>
    Number(
      (
        await app.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    events: await n('notification_events'),
    inbox: await n('notification_inbox'),
    digest: await n('notification_digest_items'),
    outbox: await n('outbox'),
  };
}

describe('POST /api/v1/events', () => {
  it('refuses a request without a service token, or with a wrong one, and stores nothing', async () => {
    const { app } = await setup();
    const none = await app.request('POST', '/api/v1/events', event());
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await app.request('POST', '/api/v1/events', event(), {
      authorization: 'Bearer nope-nope-nope',
    });
    expect(wrong.status).toBe(401);
    const cookie = await app.request('POST', '/api/v1/events', event(), {
      cookie: (await signedInUser(app)).cookie,
    });
    expect(cookie.status).toBe(401);
    expect((await counts(app)).events).toBe(0);
  });

  it('accepts one event and fans it out to inbox and email by the type defaults', async () => {
    const { app } = await setup();
    const res = await app.request('POST', '/api/v1/events', event(), auth);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      accepted: 1,
      duplicates: 0,
      unknownRecipients: [],
      deliveries: { inbox: 1, email: 1, digest: 0 },
    });
    expect(await counts(app)).toEqual({ events: 1, inbox: 1, digest: 0, outbox: 1 });
  });

  it('accepts a batch and puts digest types into the pending digest items', async () => {
    const { app } = await setup();
    const res = await app.request(
      'POST',
      '/api/v1/events',
      { events: [event(), event({ type: 'status.changed', recipients: ['ada', 'GRACE'], actor: null })] },
      auth,
    );
    expect(res.status).toBe(202);
    expect(res.json.accepted).toBe(2);
    expect(res.json.deliveries).toEqual({ inbox: 3, email: 1, digest: 2 });
    const items = await app.db.kysely.selectFrom('notification_digest_items').selectAll().execute();
    expect(items.every((i) => i.digested_at === null && i.inbox_id !== null && i.project === 'Atlas')).toBe(
      true,
    );
  });

  it('stores the same key with the same content once and counts the repeat as a duplicate', async () => {
    const { app } = await setup();
    const e = event();
    expect((await app.request('POST', '/api/v1/events', e, auth)).json.accepted).toBe(1);
    const again = await app.request('POST', '/api/v1/events', { events: [e, e] }, auth);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await counts(app)).toEqual({ events: 1, inbox: 1, digest: 0, outbox: 1 });
  });

  it('answers 409 when a key comes back with other content, and stores nothing of that batch', async () => {
    const { app } = await setup();
    const e = event();
    await app.request('POST', '/api/v1/events', e, auth);
    const res = await app.request(
      'POST',
      '/api/v1/events',
      { events: [event(), { ...e, title: 'Changed' }] },
      auth,
    );
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('idempotency_conflict');
    expect(res.json.detail).toContain(e.idempotencyKey);
    expect((await counts(app)).events).toBe(1);
    const inBatch = await app.request(
      'POST',
      '/api/v1/events',
      { events: [event({ idempotencyKey: 'x' }), event({ idempotencyKey: 'x', title: 'Other' })] },
      auth,
    );
    expect(inBatch.status).toBe(409);
    expect((await counts(app)).events).toBe(1);
  });

  it('reports unknown recipients by name and still delivers to the known ones', async () => {
    const { app } = await setup();
    const e = event({ recipients: ['ada', 'nobody', 'ghost'] });
    const res = await app.request('POST', '/api/v1/events', e, auth);
    expect(res.status).toBe(202);
    expect(res.json.unknownRecipients).toEqual([
      { idempotencyKey: e.idempotencyKey, recipients: ['nobody', 'ghost'] },
    ]);
    expect(res.json.deliveries.inbox).toBe(1);
  });

  it('does not notify the actor of their own action unless they opted in', async () => {
    const { app, grace } = await setup();
    const own = await app.request(
      'POST',
      '/api/v1/events',
      event({ recipients: ['ada', 'grace'], actor: 'grace' }),
      auth,
    );
    expect(own.json.deliveries.inbox).toBe(1);
    await app.request(
      'PUT',
      '/api/v1/me/notification-settings',
      { notifyOwnActions: true },
      { cookie: grace.cookie },
    );
    const optedIn = await app.request(
      'POST',
      '/api/v1/events',
      event({ recipients: ['ada', 'grace'], actor: grace.user.id }),
      auth,
    );
    expect(optedIn.json.deliveries.inbox).toBe(2);
  });

  it.each([
    ['an unknown type', { type: 'no.such.type' }, 'type'],
    ['a missing title', { title: undefined }, 'title'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
    ['a body over 10,000 characters', { body: 'x'.repeat(10_001) }, 'body'],
    ['a javascript: url', { url: 'javascript:alert(1)' }, 'url'],
    ['an ftp url', { url: 'ftp://host.example/file' }, 'url'],
    ['recipients that are not a list', { recipients: 'ada' }, 'recipients'],
    ['no recipients', { recipients: [] }, 'recipients'],
    ['a missing idempotencyKey', { idempotencyKey: undefined }, 'idempotencyKey'],
    ['an occurredAt that is not a date', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['an unknown field', { priority: 'high' }, '(body)'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_, over, field) => {
    const { app } = await setup();
    const res = await app.request('POST', '/api/v1/events', event(over), auth);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
    const batch = await app.request('POST', '/api/v1/events', { events: [event(), event(over)] }, auth);
    expect(batch.status).toBe(400);
    expect(batch.json.issues.map((i: { field: string }) => i.field)).toContain(
      field === '(body)' ? 'events.1' : `events.1.${field}`,
    );
    expect(await counts(app)).toEqual({ events: 0, inbox: 0, digest: 0, outbox: 0 });
  });

  it('refuses a batch over 1,000 events, an empty batch, and a body that is not JSON', async () => {
    const { app } = await setup();
    const many = Array.from({ length: 1001 }, (_, i) => ({
      type: 'mention',
      recipients: ['ada'],
      title: 't',
      idempotencyKey: `m${i}`,
    }));
    const res = await app.request('POST', '/api/v1/events', { events: many }, auth);
    expect(res.status).toBe(400);
    expect(res.json.issues[0].field).toBe('events');
    expect((await app.request('POST', '/api/v1/events', { events: [] }, auth)).status).toBe(400);
    const bad = await app.request('POST', '/api/v1/events', '{"type":', auth);
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('malformed_json');
    expect((await counts(app)).events).toBe(0);
  });

  it('refuses NUL in any text of an event with 400 and stores nothing (PostgreSQL text cannot hold it)', async () => {
    const { app } = await setup();
    const fields = ['type', 'title', 'body', 'actor', 'project', 'idempotencyKey'] as const;
    const bad = [
      ...fields.map((field) => ({ field, event: event({ [field]: 'a\u0000b' }) })),
      { field: 'recipients.0', event: event({ recipients: ['ada\u0000'] }) },
      { field: 'url', event: event({ url: 'https://host.example/tasks/\u0000' }) },
    ];
    for (const { field, event: posted } of bad) {
      const res = await app.request('POST', '/api/v1/events', posted, auth);
      expect(res.status, field).toBe(400);
      expect(
        res.json.issues.map((i: { field: string }) => i.field),
        field,
      ).toContain(field);
      const inBatch = await app.request('POST', '/api/v1/events', { events: [event(), posted] }, auth);
      expect(inBatch.status, `events.1.${field}`).toBe(400);
    }
    // Line breaks and tabs stay allowed in the body.
    const multiLine = await app.request('POST', '/api/v1/events', event({ body: 'one\n\ttwo' }), auth);
    expect(multiLine.status).toBe(202);
    expect(await counts(app)).toMatchObject({ events: 1 });
  });

  it('fans one event out by each recipient’s own settings and the workspace default', async () => {
    const { app } = await setup();
    const admin = await signedInUser(app, { role: 'admin' });
    const users = await Promise.all(
      ['u-inbox', 'u-email', 'u-digest', 'u-none', 'u-default'].map((username) =>
        signedInUser(app, { username }),
      ),
    );
    const set = (i: number, channels: object) =>
      app.request(
        'PUT',
        '/api/v1/me/notification-settings',
        { types: [{ type: 'status.changed', channels }] },
        { cookie: users[i]!.cookie },
      );
    await set(0, { inbox: true, email: false, digest: false });
    await set(1, { inbox: false, email: true, digest: false });
    await set(2, { inbox: false, email: false, digest: true });
    await set(3, { inbox: false, email: false, digest: false });
    // The workspace turns email on for everyone who has not chosen otherwise (only u-default here).
    await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'status.changed', channels: { email: true } }] },
      { cookie: admin.cookie },
    );
    const names = users.map((u) => u.user.username);
    const res = await app.request(
      'POST',
      '/api/v1/events',
      event({ type: 'status.changed', recipients: names, actor: null }),
      auth,
    );
    expect(res.json.deliveries).toEqual({ inbox: 2, email: 2, digest: 2 });
    const byUser = async (table: 'notification_inbox' | 'notification_digest_items') =>
      (await app.db.kysely.selectFrom(table).select('user_id').execute())
        .map((r) => users.findIndex((u) => u.user.id === r.user_id))
        .sort();
    expect(await byUser('notification_inbox')).toEqual([0, 4]);
    expect(await byUser('notification_digest_items')).toEqual([2, 4]);
    const to = (await app.db.kysely.selectFrom('outbox').select('to_address').execute())
      .map((r) => r.to_address)
      .sort();
    expect(to).toEqual([users[1]!.user.email, users[4]!.user.email].sort());
  });

  it('refuses a batch naming more than 50,000 recipients in all', async () => {
    const { app } = await setup();
    const many = Array.from({ length: 1000 }, (_, i) => ({
      type: 'mention',
      recipients: Array(51).fill('ada'),
      title: 't',
      idempotencyKey: `r${i}`,
    }));
    const res = await app.request('POST', '/api/v1/events', { events: many }, auth);
    expect(res.status).toBe(400);
    expect(res.json.issues[0].field).toBe('events');
  });

  it('accepts exactly 1,000 events in one batch', async () => {
    const { app } = await setup();
    const many = Array.from({ length: 1000 }, (_, i) => ({
      type: 'status.changed',
      recipients: ['ada', 'grace'],
      title: `t${i}`,
      idempotencyKey: `b${i}`,
    }));
    const res = await app.request('POST', '/api/v1/events', { events: many }, auth);
    expect(res.status).toBe(202);
    expect(res.json.accepted).toBe(1000);
    expect(await counts(app)).toEqual({ events: 1000, inbox: 2000, digest: 2000, outbox: 0 });
  });

  it('takes a full batch of long events over the general 1 MiB limit, and says to split a larger one', async () => {
    const { app } = await setup();
    const long = (n: number, chars: number) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'status.changed',
        recipients: ['ada'],
        title: `t${i}`,
        body: 'x'.repeat(chars),
        idempotencyKey: `long-${chars}-${i}`,
      }));
    const full = await app.request('POST', '/api/v1/events', { events: long(1000, 8_000) }, auth);
    expect(full.status).toBe(202);
    expect(full.json.accepted).toBe(1000);

    const huge = JSON.stringify({ events: long(1000, 10_000) }).replace(/x{10000}/g, 'é'.repeat(10_000));
    const res = await app.request('POST', '/api/v1/events', huge, {
      ...auth,
      'content-length': String(Buffer.byteLength(huge)),
    });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('body_too_large');
    expect(res.json.detail).toMatch(/Split the events into smaller batches/);
    expect((await counts(app)).events).toBe(1000);
  });
});
