import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const SERVICE_TOKEN = 'host-platform-service-token-0123456789abcdef';
const service = { authorization: `Bearer ${SERVICE_TOKEN}` };

async function hostApp(clock?: () => Date) {
  return testApp({ config: { serviceTokens: [SERVICE_TOKEN] }, ...(clock ? { clock } : {}) });
}

async function newKey(
  app: Awaited<ReturnType<typeof testApp>>,
  cookie: string,
  body: object = { name: 'CI' },
) {
  const res = await app.request('POST', '/api/v1/me/api-keys', body, { cookie });
  return res.json as { id: string; key: string; expiresAt: string | null };
}

describe('POST /api/v1/introspect', () => {
  it('describes an API key: active, kind, owner and expiry', async () => {
    const app = await hostApp();
    const { user, cookie } = await signedInUser(app, { firstName: 'Åsa', lastName: 'Öberg', role: 'admin' });
    const { key, expiresAt } = await newKey(app, cookie, { name: 'CI', expiresInDays: 7 });
    const res = await app.request('POST', '/api/v1/introspect', { token: key }, service);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toEqual({
      active: true,
      kind: 'api_key',
      user: {
        id: user.id,
        username: user.username,
        email: user.email,
        firstName: 'Åsa',
        lastName: 'Öberg',
        role: 'admin',
      },
      expiresAt,
    });
  });

  it('gives expiresAt null for a key without expiry, and records the key as used', async () => {
    const app = await hostApp();
    const { cookie } = await signedInUser(app);
    const { key } = await newKey(app, cookie);
    const res = await app.request('POST', '/api/v1/introspect', { token: key }, service);
    expect([res.json.active, res.json.expiresAt]).toEqual([true, null]);
    const list = await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie });
    expect(list.json.items[0].lastUsedAt).not.toBeNull();
  });

  it('describes a session token without extending or touching the session', async () => {
    const app = await hostApp();
    const { user, token, session } = await signedInUser(app);
    const before = await app.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    const res = await app.request('POST', '/api/v1/introspect', { token }, service);
    expect(res.json).toMatchObject({
      active: true,
      kind: 'session',
      user: { id: user.id },
      expiresAt: session.expiresAt.toISOString(),
    });
    const after = await app.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('answers {active: false} for a revoked key, an expired key, a disabled user and an ended session', async () => {
    let now = Date.now();
    const app = await hostApp(() => new Date(now));
    const ada = await signedInUser(app);
    const revoked = await newKey(app, ada.cookie, { name: 'revoked' });
    await app.request('DELETE', `/api/v1/me/api-keys/${revoked.id}`, undefined, { cookie: ada.cookie });
    const expiring = await newKey(app, ada.cookie, { name: 'expiring', expiresInDays: 1 });
    const bob = await signedInUser(app);
    const bobsKey = await newKey(app, bob.cookie);
    await app.db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', bob.user.id).execute();
    const carol = await signedInUser(app);
    await app.db.kysely.deleteFrom('sessions').where('id', '=', carol.session.id).execute();
    now += 86_400_000 + 1;
    for (const token of [revoked.key, expiring.key, bobsKey.key, bob.token, carol.token]) {
      const res = await app.request('POST', '/api/v1/introspect', { token }, service);
      expect([res.status, res.json]).toEqual([200, { active: false }]);
    }
  });

  it('answers {active: false} for an expired session', async () => {
    let now = Date.now();
    const app = await hostApp(() => new Date(now));
    const { token } = await signedInUser(app);
    now += 31 * 86_400_000;
    expect((await app.request('POST', '/api/v1/introspect', { token }, service)).json).toEqual({
      active: false,
    });
  });

  it.each([
    ['an empty string', ''],
    ['an unknown key', `cnc_${'b'.repeat(52)}`],
    ['an unknown session token', 'abcdefghijklmnopqrstuvwxyz234567'],
    ['a hostile string', "' or 1=1; --"],
    ['a long string', 'x'.repeat(1024)],
  ])('answers {active: false} for %s', async (_, token) => {
    const app = await hostApp();
    const res = await app.request('POST', '/api/v1/introspect', { token }, service);
    expect([res.status, res.json]).toEqual([200, { active: false }]);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong service token', { authorization: `Bearer ${SERVICE_TOKEN}x` }],
    ['a Basic credential', { authorization: `Basic ${SERVICE_TOKEN}` }],
  ])('refuses %s with 401 before looking at the body', async (_, headers) => {
    const app = await hostApp();
    const res = await app.request('POST', '/api/v1/introspect', { nonsense: true }, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a user’s API key in place of the service token', async () => {
    const app = await hostApp();
    const { cookie } = await signedInUser(app);
    const { key } = await newKey(app, cookie);
    const res = await app.request(
      'POST',
      '/api/v1/introspect',
      { token: key },
      { authorization: `Bearer ${key}` },
    );
    expect(res.status).toBe(401);
  });

  it('refuses every caller when no service token is configured', async () => {
    const app = await testApp();
    const res = await app.request('POST', '/api/v1/introspect', { token: 'x' }, service);
    expect(res.status).toBe(401);
    expect(res.json.detail).toMatch(/No service token is configured/);
  });

  it.each([
    ['no token', {}],
    ['a token that is a number', { token: 12345 }],
    ['a token of 1025 characters', { token: 'x'.repeat(1025) }],
    ['an unknown field', { token: 'x', user: 'admin' }],
    ['a body that is not JSON', 'token=x'],
  ])('refuses %s with 400 problem+json', async (_, body) => {
    const app = await hostApp();
    const res = await app.request('POST', '/api/v1/introspect', body, service);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each([
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/plain', { 'content-type': 'text/plain' }],
  ])('refuses %s with 415 saying to send JSON', async (_, headers) => {
    const app = await hostApp();
    const res = await app.request('POST', '/api/v1/introspect', '{"token":"x"}', { ...service, ...headers });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ code: 'unsupported_media_type', detail: expect.stringMatching(/JSON/) });
  });

  it('names the bad field and says why', async () => {
    const app = await hostApp();
    const res = await app.request('POST', '/api/v1/introspect', { token: 7 }, service);
    expect(res.json).toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'token', message: 'must be text' }],
    });
    const malformed = await app.request('POST', '/api/v1/introspect', '{"token":', service);
    expect(malformed.json).toMatchObject({ status: 400, code: 'malformed_json' });
  });
});

describe('the OpenAPI document', () => {
  it('describes the API key, picture and introspection routes', async () => {
    const app = await testApp();
    const res = await app.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.json.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/me/api-keys',
        '/api/v1/me/api-keys/{id}',
        '/api/v1/me/avatar',
        '/api/v1/admin/users/{id}/avatar',
        '/api/v1/introspect',
        '/avatars/{file}',
        '/metrics',
      ]),
    );
    expect(Object.keys(paths['/api/v1/me/api-keys'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(paths['/api/v1/me/avatar'].put.requestBody.content['multipart/form-data']).toBeDefined();
    expect(paths['/api/v1/introspect'].post.requestBody.content['application/json'].schema).toBeDefined();
  });
});
