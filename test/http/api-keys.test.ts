import { describe, expect, it } from 'vitest';
import { apiKeysStore } from '../../src/adapters/db/api-keys-store.js';
import { hashToken, newId } from '../../src/domain/shared/tokens.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const KEY = /^cnc_[a-z2-7]{52}$/;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A test app whose clock the test moves forward. */
async function appWithClock(config: Record<string, unknown> = {}) {
  let now = Date.now();
  const app = await testApp({ clock: () => new Date(now), config });
  return { app, advance: (ms: number) => (now += ms) };
}

async function countKeys(app: Awaited<ReturnType<typeof testApp>>, userId: string): Promise<number> {
  const rows = await app.db.kysely
    .selectFrom('api_keys')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  return rows.length;
}

async function createKey(
  app: Awaited<ReturnType<typeof testApp>>,
  cookie: string,
  body: object = { name: 'CI' },
) {
  const res = await app.request('POST', '/api/v1/me/api-keys', body, { cookie });
  expect(res.status).toBe(201);
  return res.json as { id: string; key: string; prefix: string };
}

describe('creating an API key', () => {
  it('answers 201 with the key shown once, stores only its SHA-256, and emails the owner a notice', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const res = await app.request(
      'POST',
      '/api/v1/me/api-keys',
      { name: 'Render farm', expiresInDays: 30 },
      { cookie },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json.key).toMatch(KEY);
    expect(res.json).toMatchObject({
      name: 'Render farm',
      prefix: res.json.key.slice(0, 12),
      lastUsedAt: null,
      expired: false,
    });
    expect(Date.parse(res.json.expiresAt) - Date.parse(res.json.createdAt)).toBe(30 * 86_400_000);
    const row = await app.db.kysely
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', res.json.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashToken(res.json.key));
    expect(JSON.stringify(row)).not.toContain(res.json.key.slice(12));
    const mail = await app.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', user.email)
      .execute();
    expect(mail.map((m) => m.template)).toEqual(['api-key-created']);
    expect(mail[0]!.text).toContain('Render farm');
    expect(mail[0]!.text).not.toContain(res.json.key);
  });

  it('makes a key without expiry when expiresInDays is left out', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const res = await app.request('POST', '/api/v1/me/api-keys', { name: 'Forever' }, { cookie });
    expect([res.status, res.json.expiresAt]).toEqual([201, null]);
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a name of spaces', { name: '   ' }],
    ['a name of 101 characters', { name: 'x'.repeat(101) }],
    ['a name with a control character', { name: 'evil\u0000name' }],
    ['a name that is a number', { name: 42 }],
    ['zero days', { name: 'k', expiresInDays: 0 }],
    ['3651 days', { name: 'k', expiresInDays: 3651 }],
    ['1.5 days', { name: 'k', expiresInDays: 1.5 }],
    ['days as a string', { name: 'k', expiresInDays: '30' }],
    ['an unknown field', { name: 'k', scope: 'admin' }],
    ['a body that is not JSON', '{"name": '],
  ])('refuses %s with 400 problem+json and stores nothing', async (_, body) => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const res = await app.request('POST', '/api/v1/me/api-keys', body, { cookie });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.detail).toBeTruthy();
    expect(await countKeys(app, user.id)).toBe(0);
    expect(await app.db.kysely.selectFrom('outbox').select('id').execute()).toEqual([]);
  });

  it('needs a signed-in session: an API key cannot create keys (403), nor can nobody (401)', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const { key } = await createKey(app, cookie);
    const withKey = await app.request('POST', '/api/v1/me/api-keys', { name: 'more' }, bearer(key));
    expect([withKey.status, withKey.json.code]).toEqual([403, 'session_required']);
    const anonymous = await app.request('POST', '/api/v1/me/api-keys', { name: 'more' });
    expect(anonymous.status).toBe(401);
    expect(await countKeys(app, user.id)).toBe(1);
  });

  it('refuses a 101st live key with 409', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const store = apiKeysStore(app.db.kysely);
    for (let i = 0; i < 100; i++) {
      const key = {
        id: newId(),
        userId: user.id,
        name: `k${i}`,
        prefix: 'cnc_aaaaaaaa',
        createdAt: new Date(),
        expiresAt: null,
        lastUsedAt: null,
        lastUsedIp: null,
        revokedAt: null,
      };
      await store.insert(key, hashToken(key.id));
    }
    const res = await app.request('POST', '/api/v1/me/api-keys', { name: 'one too many' }, { cookie });
    expect([res.status, res.json.code]).toEqual([409, 'conflict']);
    expect(await countKeys(app, user.id)).toBe(100);
  });
});

describe('listing API keys', () => {
  it('shows name, prefix, dates and last use but never the key, and only the caller’s own keys', async () => {
    const app = await testApp();
    const ada = await signedInUser(app);
    const bob = await signedInUser(app);
    const { key } = await createKey(app, ada.cookie, { name: 'Nuke «render» <b>' });
    await createKey(app, bob.cookie, { name: 'Bob’s key' });
    const res = await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie: ada.cookie });
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(1);
    expect(Object.keys(res.json.items[0]).sort()).toEqual(
      ['createdAt', 'expired', 'expiresAt', 'id', 'lastUsedAt', 'lastUsedIp', 'name', 'prefix'].sort(),
    );
    expect(res.json.items[0].name).toBe('Nuke «render» <b>');
    expect(res.text).not.toContain(key.slice(12));
  });

  it('works with the API key itself and records its last use at most once a minute, with the address', async () => {
    const { app, advance } = await appWithClock({
      server: { publicUrl: 'http://concierge.test', trustProxy: true },
    });
    const { cookie } = await signedInUser(app);
    const { key } = await createKey(app, cookie);
    const list = (ip: string) =>
      app.request('GET', '/api/v1/me/api-keys', undefined, { ...bearer(key), 'x-forwarded-for': ip });
    const first = await list('203.0.113.5');
    expect(first.status).toBe(200);
    const used = first.json.items[0];
    expect(used.lastUsedIp).toBe('203.0.113.5');
    expect(used.lastUsedAt).not.toBeNull();
    advance(30_000);
    expect((await list('203.0.113.6')).json.items[0]).toMatchObject({
      lastUsedAt: used.lastUsedAt,
      lastUsedIp: '203.0.113.5',
    });
    advance(31_000);
    const later = (await list('203.0.113.7')).json.items[0];
    expect(later.lastUsedIp).toBe('203.0.113.7');
    expect(Date.parse(later.lastUsedAt) - Date.parse(used.lastUsedAt)).toBe(61_000);
  });
});

describe('revoking an API key', () => {
  it('stops the key at once (401 saying it was revoked) and drops it from the list', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const { id, key } = await createKey(app, cookie);
    expect((await app.request('DELETE', `/api/v1/me/api-keys/${id}`, undefined, { cookie })).status).toBe(
      204,
    );
    const res = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.json.detail).toMatch(/was revoked on/);
    expect((await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie })).json.items).toEqual([]);
    expect((await app.request('DELETE', `/api/v1/me/api-keys/${id}`, undefined, { cookie })).status).toBe(
      404,
    );
  });

  it('answers 404 for another user’s key, as if it did not exist, and leaves that key working', async () => {
    const app = await testApp();
    const ada = await signedInUser(app);
    const bob = await signedInUser(app);
    const bobs = await createKey(app, bob.cookie);
    const res = await app.request('DELETE', `/api/v1/me/api-keys/${bobs.id}`, undefined, {
      cookie: ada.cookie,
    });
    const unknown = await app.request('DELETE', `/api/v1/me/api-keys/${newId()}`, undefined, {
      cookie: ada.cookie,
    });
    expect([res.status, res.json.code]).toEqual([404, 'not_found']);
    expect(res.json.detail).toBe(unknown.json.detail);
    expect((await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(bobs.key))).status).toBe(200);
  });

  it.each([
    ['a hostile id', "x'%20or%201=1--"],
    ['an id of 101 characters', 'a'.repeat(101)],
  ])('answers %s with a 4xx problem', async (_, id) => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const res = await app.request('DELETE', `/api/v1/me/api-keys/${id}`, undefined, { cookie });
    expect([400, 404]).toContain(res.status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('can be done with the key itself (a leaked key can be killed from a script)', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const { id, key } = await createKey(app, cookie);
    expect((await app.request('DELETE', `/api/v1/me/api-keys/${id}`, undefined, bearer(key))).status).toBe(
      204,
    );
  });
});

describe('authenticating with an API key', () => {
  it('refuses an expired key with 401 saying it expired', async () => {
    const { app, advance } = await appWithClock();
    const { cookie } = await signedInUser(app);
    const { key } = await createKey(app, cookie, { name: 'short', expiresInDays: 1 });
    advance(86_400_000 + 1);
    const res = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key));
    expect(res.status).toBe(401);
    expect(res.json.detail).toMatch(/expired on/);
    expect(
      (await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie })).json.items[0].expired,
    ).toBe(true);
  });

  it('refuses the key of a disabled user with 401 saying the account is disabled', async () => {
    const app = await testApp();
    const { user, cookie } = await signedInUser(app);
    const { key } = await createKey(app, cookie);
    await app.db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
    const res = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key));
    expect(res.status).toBe(401);
    expect(res.json.detail).toMatch(/is disabled/);
  });

  it.each([
    ['an unknown key of the right shape', `cnc_${'a'.repeat(52)}`],
    ['a session token', 'abcdefghijklmnopqrstuvwxyz234567'],
    ['a truncated key', 'cnc_abc'],
    ['a hostile string', "cnc_'; drop table api_keys; --"],
  ])('refuses %s with 401 and a generic detail', async (_, token) => {
    const app = await testApp();
    const res = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(token));
    expect(res.status).toBe(401);
    expect(res.json.detail).toBe('The Authorization header does not hold a valid API key.');
  });

  it('works the same for users of other providers (Google, LDAP)', async () => {
    const app = await testApp();
    for (const providerId of ['google', 'studio-ldap']) {
      const { cookie } = await signedInUser(app, { providerId });
      const { key } = await createKey(app, cookie);
      expect((await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key))).status).toBe(200);
    }
  });
});

describe('on either engine', () => {
  it('a key is created, used, listed and revoked the same way', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const { id, key } = await createKey(app, cookie, { name: 'pg', expiresInDays: 5 });
    const listed = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key));
    expect(listed.json.items).toMatchObject([{ id, name: 'pg', expired: false }]);
    expect(listed.json.items[0].lastUsedAt).not.toBeNull();
    expect((await app.request('DELETE', `/api/v1/me/api-keys/${id}`, undefined, { cookie })).status).toBe(
      204,
    );
    expect((await app.request('GET', '/api/v1/me/api-keys', undefined, bearer(key))).status).toBe(401);
  });

  it('answers an id holding a NUL byte with 400, on PostgreSQL too (its text type refuses NUL)', async () => {
    const app = await testApp();
    const admin = await signedInUser(app, { role: 'admin' });
    for (const path of ['/api/v1/me/api-keys/%00', '/api/v1/admin/users/%00/avatar']) {
      const res = await app.request('DELETE', path, undefined, { cookie: admin.cookie });
      expect(res.status, path).toBe(400);
      expect(res.json.detail, path).toMatch(/control characters/);
    }
  });
});
