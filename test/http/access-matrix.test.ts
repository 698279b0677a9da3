import { describe, expect, it } from 'vitest';
import { apiKeysStore } from '../../src/adapters/db/api-keys-store.js';
import { sessionsStore } from '../../src/adapters/db/sessions-store.js';
import { generateApiKey } from '../../src/domain/accounts/api-keys.js';
import type { User } from '../../src/domain/accounts/user.js';
import { publicSessionId } from '../../src/domain/auth/my-sessions.js';
import { createSession } from '../../src/domain/auth/sessions.js';
import { hashToken, newId } from '../../src/domain/shared/tokens.js';
import { localUser, strongPassword } from '../support/accounts.js';
import { png } from '../support/images.js';
import { testApp, testOrigin } from '../support/test-app.js';

// The proof that every route answers every kind of caller as the access rule says (src/http/access.ts):
// ONE table below, route × caller → the status expected. Routes come from the served OpenAPI document
// and from the app's own route list (pages, forms), and a route neither covers fails the suite, so a
// new route must be classified here. No cell may answer 5xx.

const SERVICE_TOKEN = 'matrix-service-token-0123456789abcdef';
const app = await testApp({ config: { serviceTokens: [SERVICE_TOKEN] } });
const image = await png(64, 64);

const CALLERS = [
  'anonymous',
  'userA',
  'userB',
  'admin',
  'keyA',
  'keyAdmin',
  'service',
  'malformedBearer',
  'expiredKey',
  'revokedKey',
  'randomCookie',
] as const;
type Caller = (typeof CALLERS)[number];

interface Person {
  readonly user: User;
  readonly password: string;
  readonly cookie: string;
}

/** Three people with sessions and keys, and objects of B's that A must not reach. */
interface World {
  readonly a: Person;
  readonly b: Person;
  readonly admin: Person;
  readonly keyA: string;
  readonly keyAdmin: string;
  readonly expiredKey: string;
  readonly revokedKey: string;
  /** Public id of a second session of B's (not the one B's cookie holds). */
  readonly bSessionId: string;
  readonly bKeyId: string;
  readonly bInboxItemId: string;
}

async function person(role: 'user' | 'admin' = 'user'): Promise<Person> {
  const { user, password } = await localUser(app, { role });
  const { token } = await session(user.id);
  return { user, password, cookie: `concierge_session=${token}` };
}

function session(userId: string) {
  return createSession({ sessions: sessionsStore(app.db.kysely), clock: () => new Date() }, userId, {
    userAgent: 'access-matrix',
    ip: null,
  });
}

async function key(userId: string, over: { expiresAt?: Date; revokedAt?: Date } = {}) {
  const secret = generateApiKey();
  const id = newId();
  await apiKeysStore(app.db.kysely).insert(
    {
      id,
      userId,
      name: 'matrix',
      prefix: secret.slice(0, 12),
      createdAt: new Date(Date.now() - 86_400_000),
      expiresAt: over.expiresAt ?? null,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: over.revokedAt ?? null,
    },
    hashToken(secret),
  );
  return { id, secret };
}

async function world(): Promise<World> {
  const [a, b, admin] = await Promise.all([person(), person(), person('admin')]);
  const past = new Date(Date.now() - 60_000);
  const [keyA, keyAdmin, expired, revoked, bKey, bSession] = await Promise.all([
    key(a.user.id),
    key(admin.user.id),
    key(a.user.id, { expiresAt: past }),
    key(a.user.id, { revokedAt: past }),
    key(b.user.id),
    session(b.user.id),
  ]);
  const posted = await app.request(
    'POST',
    '/api/v1/events',
    { type: 'mention', recipients: [b.user.username], title: 'For B only', idempotencyKey: newId() },
    { authorization: `Bearer ${SERVICE_TOKEN}` },
  );
  expect(posted.status).toBe(202);
  const inbox = await app.request('GET', '/api/v1/me/notifications', undefined, { cookie: b.cookie });
  return {
    a,
    b,
    admin,
    keyA: keyA.secret,
    keyAdmin: keyAdmin.secret,
    expiredKey: expired.secret,
    revokedKey: revoked.secret,
    bSessionId: publicSessionId(bSession.session.id),
    bKeyId: bKey.id,
    bInboxItemId: inbox.json.items[0].id,
  };
}

function credentials(w: World, caller: Caller): Record<string, string> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  switch (caller) {
    case 'anonymous':
      return {};
    case 'userA':
      return { cookie: w.a.cookie };
    case 'userB':
      return { cookie: w.b.cookie };
    case 'admin':
      return { cookie: w.admin.cookie };
    case 'keyA':
      return bearer(w.keyA);
    case 'keyAdmin':
      return bearer(w.keyAdmin);
    case 'service':
      return bearer(SERVICE_TOKEN);
    case 'malformedBearer':
      return { authorization: 'Bearer two words' };
    case 'expiredKey':
      return bearer(w.expiredKey);
    case 'revokedKey':
      return bearer(w.revokedKey);
    case 'randomCookie':
      return { cookie: `concierge_session=${newId()}${newId()}` };
  }
}

/** Whose account the caller acts on, where it has one. */
function owner(w: World, caller: Caller): Person | undefined {
  if (caller === 'userA' || caller === 'keyA') return w.a;
  if (caller === 'userB') return w.b;
  if (caller === 'admin' || caller === 'keyAdmin') return w.admin;
  return undefined;
}

interface Sent {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the table's checks read arbitrary answers
  readonly json: any;
}

interface Spec {
  readonly path: string;
  readonly body?: unknown;
  readonly form?: FormData;
}

interface Row {
  /** The request, as this caller would send it on this world. */
  readonly send?: (w: World, caller: Caller) => Spec;
  readonly expect: Record<Caller, number>;
  /** Each cell on a world of its own: the request changes what other cells rely on (sessions, password). */
  readonly fresh?: boolean;
  /** The answer depends on who asks although the route takes no credential (sign-in, pages): no-store. */
  readonly personal?: boolean;
  /** What the allowed answer must also show. */
  readonly check?: (res: Sent, w: World, caller: Caller) => void | Promise<void>;
}

// Shorthands for the usual rows of the table.
const all = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
const refusedGarbage = {
  service: 401,
  malformedBearer: 401,
  expiredKey: 401,
  revokedKey: 401,
  randomCookie: 401,
};
/** The person's own account: a session or one of their API keys (`key` when keys are refused: 403). */
const own = (ok: number, key = ok): Record<Caller, number> => ({
  anonymous: 401,
  userA: ok,
  userB: ok,
  admin: ok,
  keyA: key,
  keyAdmin: key,
  ...refusedGarbage,
});
/** Administrators with a session; an API key, even an administrator's, is refused. */
const administrators = (ok: number): Record<Caller, number> => ({
  ...own(403, 403),
  admin: ok,
});
/** The host platform's service token only. */
const host = (ok: number): Record<Caller, number> => ({ ...all(401), service: ok });
/** A page for a signed-in browser: everyone else is sent to /login (an Authorization header is no sign-in). */
const page: Record<Caller, number> = { ...all(302), userA: 200, userB: 200, admin: 200 };

const unknownAvatar = `/avatars/${'0'.repeat(32)}-256.webp`;

const table: Record<string, Row> = {
  'GET /api/v1/me': {
    expect: own(200),
    check: (res, w, caller) => expect(res.json.id).toBe(owner(w, caller)?.user.id),
  },
  'PATCH /api/v1/me': {
    send: () => ({ path: '/api/v1/me', body: { preferences: { fuzzyDates: false } } }),
    expect: own(200),
  },
  'POST /api/v1/me/password': {
    fresh: true,
    send: (w, caller) => {
      const current = (owner(w, caller) ?? w.a).password;
      const next = strongPassword();
      return {
        path: '/api/v1/me/password',
        body: { currentPassword: current, newPassword: next, confirmPassword: next },
      };
    },
    expect: own(204, 403),
  },
  'GET /api/v1/me/sessions': {
    expect: own(200),
    check: (res, w, caller) =>
      expect(JSON.stringify(res.json).includes(w.bSessionId)).toBe(caller === 'userB'),
  },
  'DELETE /api/v1/me/sessions': {
    fresh: true,
    expect: own(204),
    // A key has no session of its own to keep: every session of its owner ends; a session keeps itself.
    check: async (_res, w, caller) => {
      if (caller !== 'userA' && caller !== 'keyA') return;
      const me = await app.request('GET', '/api/v1/me', undefined, { cookie: w.a.cookie });
      expect(me.status).toBe(caller === 'keyA' ? 401 : 200);
    },
  },
  'DELETE /api/v1/me/sessions/{id}': {
    fresh: true,
    send: (w) => ({ path: `/api/v1/me/sessions/${w.bSessionId}` }),
    expect: { ...own(404), userB: 204 },
  },
  'GET /api/v1/me/api-keys': {
    expect: own(200),
    check: (res, w, caller) =>
      expect(res.json.items.some((k: { id: string }) => k.id === w.bKeyId)).toBe(caller === 'userB'),
  },
  'POST /api/v1/me/api-keys': {
    send: () => ({ path: '/api/v1/me/api-keys', body: { name: 'matrix' } }),
    expect: own(201, 403),
  },
  'DELETE /api/v1/me/api-keys/{id}': {
    fresh: true,
    send: (w) => ({ path: `/api/v1/me/api-keys/${w.bKeyId}` }),
    expect: { ...own(404), userB: 204 },
  },
  'PUT /api/v1/me/avatar': {
    send: () => {
      const form = new FormData();
      form.append('file', new File([new Uint8Array(image)], 'me.png', { type: 'image/png' }));
      return { path: '/api/v1/me/avatar', form };
    },
    expect: own(200),
  },
  'DELETE /api/v1/me/avatar': { expect: own(204) },
  'DELETE /api/v1/admin/users/{id}/avatar': {
    send: (w) => ({ path: `/api/v1/admin/users/${w.b.user.id}/avatar` }),
    expect: administrators(204),
  },
  'GET /avatars/{file}': { send: () => ({ path: unknownAvatar }), expect: all(404) },
  'POST /api/v1/introspect': {
    send: (w) => ({ path: '/api/v1/introspect', body: { token: w.keyA } }),
    expect: host(200),
    check: (res, w) => expect(res.json.user.id).toBe(w.a.user.id),
  },
  'POST /api/v1/events': {
    send: (w) => ({
      path: '/api/v1/events',
      body: { type: 'mention', recipients: [w.a.user.username], title: 'Matrix', idempotencyKey: newId() },
    }),
    expect: host(202),
  },
  'GET /api/v1/me/notifications': {
    expect: own(200),
    check: (res, w, caller) =>
      expect(res.json.items.some((i: { id: string }) => i.id === w.bInboxItemId)).toBe(caller === 'userB'),
  },
  'POST /api/v1/me/notifications/read': {
    fresh: true,
    send: (w) => ({ path: '/api/v1/me/notifications/read', body: { ids: [w.bInboxItemId] } }),
    expect: own(200),
    // Another person's item changes nothing; B's own is marked.
    check: (res, _w, caller) => expect(res.json.marked).toBe(caller === 'userB' ? 1 : 0),
  },
  'GET /api/v1/me/notification-settings': { expect: own(200) },
  'PUT /api/v1/me/notification-settings': {
    send: () => ({ path: '/api/v1/me/notification-settings', body: { notifyOwnActions: true } }),
    expect: own(200),
  },
  'GET /api/v1/admin/notification-defaults': { expect: administrators(200) },
  'PUT /api/v1/admin/notification-defaults': {
    send: () => ({
      path: '/api/v1/admin/notification-defaults',
      body: { types: [{ type: 'mention', channels: { email: null } }] },
    }),
    expect: administrators(200),
  },
  'GET /api/v1/me/digest/preview': { expect: own(200) },
  'GET /api/v1/admin/users': { expect: administrators(200) },
  'POST /api/v1/admin/users': {
    send: () => {
      const name = `made-${newId().slice(0, 8).toLowerCase()}`;
      return { path: '/api/v1/admin/users', body: { username: name, email: `${name}@studio.example` } };
    },
    expect: administrators(201),
  },
  'GET /api/v1/admin/users/{id}': {
    send: (w) => ({ path: `/api/v1/admin/users/${w.b.user.id}` }),
    expect: administrators(200),
  },
  'PATCH /api/v1/admin/users/{id}': {
    send: (w) => ({ path: `/api/v1/admin/users/${w.b.user.id}`, body: { firstName: 'Bea' } }),
    expect: administrators(200),
  },
  'POST /api/v1/admin/users/{id}/password-reset': {
    send: (w) => ({ path: `/api/v1/admin/users/${w.b.user.id}/password-reset` }),
    expect: administrators(202),
  },
  // Public operations answer everyone alike: a credential, good or bad, changes nothing.
  'GET /api/v1/auth/providers': { expect: all(200) },
  'GET /api/v1/auth/password-policy': { expect: all(200) },
  'POST /api/v1/auth/login': {
    personal: true,
    send: (w) => ({
      path: '/api/v1/auth/login',
      body: { identifier: w.a.user.username, password: w.a.password },
    }),
    expect: all(200),
    check: (res, w) => expect(res.json.user.id).toBe(w.a.user.id),
  },
  'POST /api/v1/auth/logout': { fresh: true, expect: all(204) },
  'POST /api/v1/auth/password-reset': {
    send: (w) => ({ path: '/api/v1/auth/password-reset', body: { identifier: w.a.user.username } }),
    expect: all(202),
  },
  'POST /api/v1/auth/password-reset/confirm': {
    send: () => {
      const next = strongPassword();
      return {
        path: '/api/v1/auth/password-reset/confirm',
        body: { token: 'not-a-link', newPassword: next, confirmPassword: next },
      };
    },
    expect: all(400),
  },
  'POST /api/v1/auth/email/verify': {
    send: () => ({ path: '/api/v1/auth/email/verify', body: { token: 'nope' } }),
    expect: all(400),
  },
  'POST /api/v1/auth/email/undo': {
    send: () => ({ path: '/api/v1/auth/email/undo', body: { token: 'nope' } }),
    expect: all(400),
  },
  // An administrator exists, so setup is closed for everyone.
  'POST /api/v1/setup': {
    personal: true,
    send: () => ({
      path: '/api/v1/setup',
      body: { token: 'nope', username: 'first', email: 'first@studio.example', password: strongPassword() },
    }),
    expect: all(403),
  },
  'GET /healthz': { expect: all(200) },
  'GET /readyz': { expect: all(200) },
  'GET /metrics': { expect: all(200) },
  'GET /auth/oidc/{providerId}/start': {
    personal: true,
    send: () => ({ path: '/auth/oidc/nowhere/start' }),
    expect: all(404),
  },
  'GET /auth/oidc/{providerId}/callback': {
    personal: true,
    send: () => ({ path: '/auth/oidc/nowhere/callback?state=x&code=y' }),
    expect: all(404),
  },
  // Pages and forms (not in the OpenAPI document).
  'GET /login': { personal: true, expect: all(200) },
  'GET /forgot-password': { expect: all(200) },
  'GET /reset-password': {
    personal: true,
    send: () => ({ path: '/reset-password?token=x' }),
    expect: all(200),
  },
  'GET /verify-email': { personal: true, send: () => ({ path: '/verify-email?token=x' }), expect: all(200) },
  'GET /undo-email-change': {
    personal: true,
    send: () => ({ path: '/undo-email-change?token=x' }),
    expect: all(200),
  },
  'GET /account': { personal: true, expect: page },
  'GET /account/api-keys': { personal: true, expect: page },
  'GET /account/api-keys/new': {
    personal: true,
    send: () => ({ path: '/account/api-keys/new?name=CI' }),
    expect: page,
  },
  'GET /account/notifications': { personal: true, expect: page },
  'GET /inbox': { personal: true, expect: page },
  'GET /setup': { personal: true, send: () => ({ path: '/setup?token=x' }), expect: all(403) },
  'POST /setup': {
    personal: true,
    send: () => ({
      path: '/setup',
      body: `token=x&username=first&email=first%40studio.example&password=${strongPassword()}`,
    }),
    expect: all(403),
  },
  'GET /unsubscribe': { personal: true, send: () => ({ path: '/unsubscribe?token=x' }), expect: all(400) },
  'POST /unsubscribe': { personal: true, send: () => ({ path: '/unsubscribe?token=x' }), expect: all(400) },
  'GET /api/docs': { expect: all(200) },
  'GET /api/docs/{file}': { send: () => ({ path: '/api/docs/init.js' }), expect: all(200) },
  'GET /assets/{name}': { send: () => ({ path: '/assets/accounts.js' }), expect: all(200) },
  'GET /api/v1/openapi.json': { expect: all(200) },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const served = (await app.request('GET', '/api/v1/openapi.json')).json as {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { security?: unknown[] }>>>;
};
const documented = new Map<string, { security?: unknown[] }>();
for (const [path, item] of Object.entries(served.paths)) {
  for (const m of METHODS) if (item[m]) documented.set(`${m.toUpperCase()} ${path}`, item[m]);
}
// Every route the app answers, pages and forms included (`:id` written as in the document).
const registered = new Set(
  app.app.routes
    .filter((r) => r.method !== 'ALL' && METHODS.includes(r.method.toLowerCase() as (typeof METHODS)[number]))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
);

/** The row's request as `caller` sends it, with exactly `headers` (no Origin unless given). */
async function send(
  row: Row,
  key: string,
  w: World,
  caller: Caller,
  headers: Record<string, string>,
): Promise<Sent> {
  const [method, template] = key.split(' ') as [string, string];
  const s = row.send ? row.send(w, caller) : { path: template };
  const h: Record<string, string> = { ...headers };
  const init: RequestInit = { method, headers: h };
  if (s.form) init.body = s.form;
  else if (typeof s.body === 'string') {
    init.body = s.body;
    h['content-type'] = 'application/x-www-form-urlencoded';
  } else if (s.body !== undefined) {
    init.body = JSON.stringify(s.body);
    h['content-type'] = 'application/json';
  }
  const res = await app.app.request(`${testOrigin}${s.path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
}

const shared = await world();

describe('the access matrix', () => {
  it('covers every route of the OpenAPI document and of the app', () => {
    const rows = new Set(Object.keys(table));
    expect([...documented.keys()].filter((r) => !rows.has(r))).toEqual([]);
    expect([...registered].filter((r) => !rows.has(r))).toEqual([]);
    // And names no route that does not exist.
    expect([...rows].filter((r) => !documented.has(r) && !registered.has(r))).toEqual([]);
  });

  describe.each(Object.entries(table))('%s', (key, row) => {
    const method = key.split(' ')[0]!;
    const security = documented.get(key)?.security;
    // Answers that depend on who asks: operations that take a credential, and the rows marked personal.
    const personal = (security !== undefined && security.length > 0) || row.personal === true;

    it.each(CALLERS)('answers %s as the table says', async (caller) => {
      const w = row.fresh ? await world() : shared;
      const res = await send(row, key, w, caller, { origin: testOrigin, ...credentials(w, caller) });
      expect(res.status, `${key} as ${caller}`).toBeLessThan(500);
      expect(res.status, `${key} as ${caller}`).toBe(row.expect[caller]);
      if (res.status >= 400 && res.json) {
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.json.detail).toEqual(expect.any(String));
      }
      if (personal) expect(res.headers.get('cache-control'), `${key} as ${caller}`).toBe('no-store');
      if (res.status < 300) await row.check?.(res, w, caller);
    });

    // The cookie is the credential of a browser: an unsafe request carrying it must come from our origin.
    if (UNSAFE.has(method) && key !== 'POST /unsubscribe') {
      it.each([
        ['a foreign origin', 'https://evil.example'],
        ['Origin: null', 'null'],
        ['no Origin', undefined],
      ])("refuses A's cookie from %s with 403 cross_origin_request", async (_what, origin) => {
        const headers: Record<string, string> = { cookie: shared.a.cookie };
        if (origin) headers.origin = origin;
        const res = await send(row, key, shared, 'userA', headers);
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.json.code).toBe('cross_origin_request');
      });
    }
  });

  it('lets the signed unsubscribe link through from anywhere: its token is the credential', async () => {
    const res = await send(table['POST /unsubscribe']!, 'POST /unsubscribe', shared, 'userA', {
      cookie: shared.a.cookie,
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(400);
  });
});
