import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const serviceToken = 'host-platform-token-0123456789abcdef0123456789';
const auth = { authorization: `Bearer ${serviceToken}` };

async function setup() {
  let now = Date.parse('2026-11-28T12:00:00Z');
  // A clock that moves one second per reading, so every batch has its own creation time.
  const clock = () => {
    now += 1000;
    return new Date(now);
  };
  const app = await testApp({ config: { serviceTokens: [serviceToken] }, clock });
  const ada = await signedInUser(app, { username: 'ada' });
  const grace = await signedInUser(app, { username: 'grace' });
  const post = async (title: string, recipients = ['ada']) =>
    app.request(
      'POST',
      '/api/v1/events',
      { type: 'mention', recipients, title, idempotencyKey: `${title}-${recipients.join()}` },
      auth,
    );
  const list = async (query: string, cookie = ada.cookie) =>
    app.request('GET', `/api/v1/me/notifications${query}`, undefined, { cookie });
  return { app, ada, grace, post, list };
}

describe('the inbox', () => {
  it('lists the user’s notifications newest first in cursor pages, with the unread count', async () => {
    const { post, list } = await setup();
    for (const t of ['one', 'two', 'three', 'four', 'five']) await post(t);
    const first = await list('?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.items.map((i: { title: string }) => i.title)).toEqual(['five', 'four']);
    expect(first.json.unreadCount).toBe(5);
    expect(first.json.items[0]).toMatchObject({
      type: 'mention',
      typeLabel: 'Mentioned',
      read: false,
      readAt: null,
    });
    const second = await list(`?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((i: { title: string }) => i.title)).toEqual(['three', 'two']);
    const third = await list(`?limit=2&cursor=${second.json.nextCursor}`);
    expect(third.json.items.map((i: { title: string }) => i.title)).toEqual(['one']);
    expect(third.json.nextCursor).toBeNull();
  });

  it('marks items read by id or all at once, and filters unread', async () => {
    const { post, list, app, ada } = await setup();
    for (const t of ['a', 'b', 'c']) await post(t);
    const ids = (await list('')).json.items.map((i: { id: string }) => i.id);
    const res = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { ids: [ids[0]] },
      { cookie: ada.cookie },
    );
    expect(res.json).toEqual({ marked: 1, unreadCount: 2 });
    const unread = await list('?unread=true');
    expect(unread.json.items.map((i: { title: string }) => i.title)).toEqual(['b', 'a']);
    const all = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { all: true },
      { cookie: ada.cookie },
    );
    expect(all.json).toEqual({ marked: 2, unreadCount: 0 });
    expect((await list('?unread=1')).json.items).toEqual([]);
  });

  it('answers 400 to an id holding a NUL byte, on PostgreSQL too (its text type refuses NUL)', async () => {
    const { app, ada } = await setup();
    const res = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { ids: ['a\u0000b'] },
      { cookie: ada.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.json.detail).toMatch(/control characters/);
  });

  it('never shows nor marks another user’s items', async () => {
    const { post, list, app, grace } = await setup();
    await post('for ada');
    await post('for grace', ['grace']);
    const adaItems = (await list('')).json.items;
    expect(adaItems.map((i: { title: string }) => i.title)).toEqual(['for ada']);
    const res = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { ids: [adaItems[0].id] },
      { cookie: grace.cookie },
    );
    expect(res.json).toEqual({ marked: 0, unreadCount: 1 });
    expect((await list('')).json.unreadCount).toBe(1);
    const graceAll = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { all: true },
      { cookie: grace.cookie },
    );
    expect(graceAll.json.marked).toBe(1);
    expect((await list('')).json.unreadCount).toBe(1);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?unread=maybe', 'unread'],
    ['?cursor=not-a-cursor', 'cursor'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const { list } = await setup();
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.json.issues[0].field).toBe(field);
  });

  it.each([
    [{}, 'ids'],
    [{ ids: [] }, 'ids'],
    [{ ids: 'x' }, 'ids'],
    [{ all: false }, 'all'],
    [{ ids: ['x'], all: true }, 'ids'],
  ])('refuses the read body %j', async (body, field) => {
    const { app, ada } = await setup();
    const res = await app.request('POST', '/api/v1/me/notifications/read', body, { cookie: ada.cookie });
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('needs a signed-in user, and a same-origin request for changes', async () => {
    const { app, ada } = await setup();
    expect((await app.request('GET', '/api/v1/me/notifications')).status).toBe(401);
    const cross = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { all: true },
      { cookie: ada.cookie, origin: 'https://evil.example' },
    );
    expect(cross.status).toBe(403);
  });

  it('renders the inbox and settings pages for a signed-in user and sends others to sign in', async () => {
    const { app, ada, post } = await setup();
    await post('Shot <010> is ready');
    const page = await app.app.request('http://concierge.test/inbox', { headers: { cookie: ada.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Shot &lt;010&gt; is ready');
    expect(html).toContain('1 unread');
    const settings = await app.app.request('http://concierge.test/account/notifications', {
      headers: { cookie: ada.cookie },
    });
    const settingsHtml = await settings.text();
    expect(settingsHtml).toContain('Include in digest e-mail');
    expect(settingsHtml).toMatch(
      /data-type="security.new-sign-in" data-channel="email" checked="" disabled=""/,
    );
    const anonymous = await app.app.request('http://concierge.test/inbox');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/login?returnTo=%2Finbox');
  });
});
