import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

type App = Awaited<ReturnType<typeof testApp>>;
const typeOf = (body: { types: { type: string }[] }, type: string) =>
  body.types.find((t) => t.type === type) as { channels: Record<string, boolean>; locked?: true } | undefined;

async function setup() {
  const app = await testApp();
  const ada = await signedInUser(app, {
    username: 'ada',
    preferences: { fuzzyDates: true, timeZone: 'Europe/Stockholm', locale: 'sv' },
  });
  const get = async (cookie = ada.cookie) =>
    app.request('GET', '/api/v1/me/notification-settings', undefined, { cookie });
  const put = async (body: unknown, cookie = ada.cookie) =>
    app.request('PUT', '/api/v1/me/notification-settings', body, { cookie });
  return { app, ada, get, put };
}

async function overrideRows(app: App) {
  return app.db.kysely.selectFrom('notification_preferences').selectAll().execute();
}

describe('GET/PUT /api/v1/me/notification-settings', () => {
  it('needs a signed-in user', async () => {
    const { app } = await setup();
    expect((await app.request('GET', '/api/v1/me/notification-settings')).status).toBe(401);
    expect(
      (await app.request('PUT', '/api/v1/me/notification-settings', { notifyOwnActions: true })).status,
    ).toBe(401);
  });

  it('shows every catalog type with its workspace defaults and the digest in the user’s time zone', async () => {
    const { get } = await setup();
    const res = await get();
    expect(res.status).toBe(200);
    expect(typeOf(res.json, 'task.assigned')).toMatchObject({
      channels: { inbox: true, email: true, digest: false },
    });
    expect(typeOf(res.json, 'security.new-sign-in')).toMatchObject({ locked: true });
    expect(typeOf(res.json, 'mention')).not.toHaveProperty('locked');
    expect(res.json.digest).toEqual({ frequency: 'daily', time: '08:00', timeZone: 'Europe/Stockholm' });
    expect(res.json.notifyOwnActions).toBe(false);
  });

  it('changes only the channels sent and stores them as sparse overrides', async () => {
    const { app, get, put } = await setup();
    const res = await put({ types: [{ type: 'task.assigned', channels: { email: false } }] });
    expect(res.status).toBe(200);
    expect(typeOf(res.json, 'task.assigned')!.channels).toEqual({ inbox: true, email: false, digest: false });
    expect(await overrideRows(app)).toMatchObject([
      { type: 'task.assigned', inbox: null, email: 0, digest: null },
    ]);
    expect(typeOf((await get()).json, 'task.assigned')!.channels.email).toBe(false);
    await put({ types: [{ type: 'task.assigned', channels: { email: null } }] });
    expect(await overrideRows(app)).toEqual([]);
  });

  it('accepts what GET returned, sent back whole, without pinning anything that did not change', async () => {
    const { app, ada, get, put } = await setup();
    const before = (await get()).json;
    const res = await put(before);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(before);
    // The digest still follows the profile's time zone: moving the profile moves the digest.
    const settings = await app.db.kysely.selectFrom('notification_user_settings').selectAll().execute();
    expect(settings.map((r) => r.digest_time_zone)).toEqual([null]);
    const moved = await app.request(
      'PATCH',
      '/api/v1/me',
      { preferences: { timeZone: 'Asia/Tokyo' } },
      { cookie: ada.cookie },
    );
    expect(moved.status).toBe(200);
    expect((await get()).json.digest.timeZone).toBe('Asia/Tokyo');
  });

  it('answers 409 notification_locked when a locked type is switched off, and stores nothing', async () => {
    const { app, put } = await setup();
    const res = await put({
      types: [
        { type: 'mention', channels: { email: false } },
        { type: 'security.new-sign-in', channels: { email: false } },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('notification_locked');
    expect(await overrideRows(app)).toEqual([]);
  });

  it('stores and validates the digest schedule', async () => {
    const { get, put } = await setup();
    const res = await put({
      digest: { frequency: 'weekly', time: '17:30', timeZone: 'America/New_York', weekday: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.json.digest).toEqual({
      frequency: 'weekly',
      time: '17:30',
      timeZone: 'America/New_York',
      weekday: 5,
    });
    await put({ digest: { timeZone: null, frequency: 'daily' } });
    expect((await get()).json.digest).toEqual({
      frequency: 'daily',
      time: '17:30',
      timeZone: 'Europe/Stockholm',
    });
  });

  it.each([
    [{ types: [{ type: 'no.such', channels: { email: true } }] }, 'types.0.type'],
    [
      {
        types: [
          { type: 'task.assigned', channels: { email: true } },
          { type: 'task.assigned', channels: { email: false } },
        ],
      },
      'types.1.type',
    ],
    [{ types: [{ type: 'security.new-sign-in' }] }, 'types.0.channels'],
    [{ types: [{ type: 'task.assigned', channels: { email: 'yes' } }] }, 'types.0.channels.email'],
    [{ types: [{ type: 'task.assigned', channels: { sms: true } }] }, 'types.0.channels'],
    [{ digest: { time: '8am' } }, 'digest.time'],
    [{ digest: { time: '24:00' } }, 'digest.time'],
    [{ digest: { frequency: 'hourly' } }, 'digest.frequency'],
    [{ digest: { timeZone: 'Mars/Olympus' } }, 'digest.timeZone'],
    [{ digest: { weekday: 8 } }, 'digest.weekday'],
    [{ digest: { weekday: 0 } }, 'digest.weekday'],
    [{ notifyOwnActions: 'yes' }, 'notifyOwnActions'],
    [{ colour: 'red' }, '(body)'],
  ])('refuses %j with 400 naming %s, and stores nothing', async (body, field) => {
    const { app, put } = await setup();
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(await overrideRows(app)).toEqual([]);
    expect(await app.db.kysely.selectFrom('notification_user_settings').selectAll().execute()).toEqual([]);
  });

  it('refuses digest on a type that cannot go into the digest', async () => {
    const { put } = await setup();
    const res = await put({ types: [{ type: 'task.assigned', channels: { digest: true } }] });
    expect(res.status).toBe(200);
    const app2 = await testApp({
      config: {
        notifications: {
          types: [{ type: 'ping', label: 'Ping', description: 'A ping.', digestible: false }],
        },
      },
    });
    const bob = await signedInUser(app2);
    const refused = await app2.request(
      'PUT',
      '/api/v1/me/notification-settings',
      { types: [{ type: 'ping', channels: { digest: true } }] },
      { cookie: bob.cookie },
    );
    expect(refused.status).toBe(400);
    expect(refused.json.issues[0].field).toBe('types.0.channels.digest');
  });

  it('keeps each user’s settings to themselves', async () => {
    const { app, put, get } = await setup();
    const grace = await signedInUser(app);
    await put({ types: [{ type: 'mention', channels: { inbox: false } }], notifyOwnActions: true });
    const theirs = (await get(grace.cookie)).json;
    expect(typeOf(theirs, 'mention')!.channels.inbox).toBe(true);
    expect(theirs.notifyOwnActions).toBe(false);
  });
});

describe('GET/PUT /api/v1/admin/notification-defaults', () => {
  it('is for administrators only', async () => {
    const { app, ada } = await setup();
    expect((await app.request('GET', '/api/v1/admin/notification-defaults')).status).toBe(401);
    const res = await app.request('GET', '/api/v1/admin/notification-defaults', undefined, {
      cookie: ada.cookie,
    });
    expect(res.status).toBe(403);
    const put = await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'mention', channels: { email: false } }] },
      { cookie: ada.cookie },
    );
    expect(put.status).toBe(403);
    expect(await app.db.kysely.selectFrom('notification_defaults').selectAll().execute()).toEqual([]);
  });

  it('changes a default for everyone who did not override it, and not for who did', async () => {
    const { app, ada, put, get } = await setup();
    const admin = await signedInUser(app, { role: 'admin' });
    await put({ types: [{ type: 'status.changed', channels: { email: false } }] });
    const res = await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'status.changed', channels: { email: true } }] },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    expect(res.json.types.find((t: { type: string }) => t.type === 'status.changed')).toMatchObject({
      channels: { inbox: true, email: true, digest: true },
      configured: { inbox: true, email: false, digest: true },
      overridden: ['email'],
    });
    const grace = await signedInUser(app);
    expect(typeOf((await get(grace.cookie)).json, 'status.changed')!.channels.email).toBe(true);
    expect(typeOf((await get(ada.cookie)).json, 'status.changed')!.channels.email).toBe(false);
    const reset = await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'status.changed', channels: { email: null } }] },
      { cookie: admin.cookie },
    );
    expect(reset.json.types.find((t: { type: string }) => t.type === 'status.changed').overridden).toEqual(
      [],
    );
  });

  it('answers 409 for a locked type and 400 for an unknown one', async () => {
    const { app } = await setup();
    const admin = await signedInUser(app, { role: 'admin' });
    const locked = await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'security.api-key-created', channels: { email: false } }] },
      { cookie: admin.cookie },
    );
    expect(locked.status).toBe(409);
    expect(locked.json.code).toBe('notification_locked');
    const unknown = await app.request(
      'PUT',
      '/api/v1/admin/notification-defaults',
      { types: [{ type: 'nope', channels: { email: false } }] },
      { cookie: admin.cookie },
    );
    expect(unknown.status).toBe(400);
    expect(await app.db.kysely.selectFrom('notification_defaults').selectAll().execute()).toEqual([]);
  });
});
