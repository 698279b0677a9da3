import { afterAll, describe, expect, it } from 'vitest';
import { localUser, mailbox } from '../support/accounts.js';
import {
  googleProviderConfig,
  oidcSignIn,
  signInAtProvider,
  startOidcProvider,
  type TestAccount,
} from '../support/oidc-provider.js';
import { testApp, testOrigin } from '../support/test-app.js';

const op = await startOidcProvider({
  redirectUris: ['google', 'partner'].map((id) => `${testOrigin}/auth/oidc/${id}/callback`),
});
afterAll(() => op.close());

const app = await testApp({
  config: {
    support: { contact: 'the studio IT desk' },
    providers: [
      { id: 'local', kind: 'local' },
      googleProviderConfig(op, {
        allowedDomains: ['studio.example', 'freelance.example'],
        // Staff get an account at first sign-in; freelancers only once an administrator made one.
        autoCreate: ['studio.example'],
        contact: 'Google Workspace admins, gadmin@studio.example',
      }),
      {
        id: 'partner',
        kind: 'oidc',
        displayName: 'Partner SSO',
        issuer: op.issuer,
        clientId: op.clientId,
        clientSecret: op.clientSecret,
        linkByEmail: true,
      },
    ],
  },
});

const unique = () => Math.random().toString(36).slice(2, 8);

/** Starts at Concierge, signs in at the provider as `account`, and returns Concierge's callback answer. */
const ssoSignIn = (providerId: string, accountId: string, options: { returnTo?: string } = {}) =>
  oidcSignIn(app.app, accountId, { providerId, ...options });

function account(over: Partial<TestAccount> & { email: string }): string {
  return op.addAccount({ email_verified: true, given_name: 'Gia', family_name: 'Moreau', ...over });
}

async function userCount(): Promise<number> {
  const row = await app.db.kysely
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('GET /auth/oidc/{providerId}/start and /callback', () => {
  it('creates the user at a first sign-in allowed by the domain policy, then signs the same user in again', async () => {
    const email = `gia-${unique()}@studio.example`;
    const sub = account({ email, hd: 'studio.example' });
    const first = await ssoSignIn('google', sub, { returnTo: '/account?tab=profile' });
    expect(first.res.status).toBe(302);
    expect(first.res.headers.get('location')).toBe('/account?tab=profile');
    expect(first.res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: first.cookie });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      email,
      firstName: 'Gia',
      lastName: 'Moreau',
      provider: { id: 'google', kind: 'oidc', displayName: 'Google' },
      capabilities: { changePassword: false, resetPassword: false },
    });
    expect(me.json.credentialsHelp).toContain('gadmin@studio.example');
    const again = await ssoSignIn('google', sub);
    expect(again.res.headers.get('location')).toBe('/');
    const me2 = await app.request('GET', '/api/v1/me', undefined, { cookie: again.cookie });
    expect(me2.json.id).toBe(me.json.id);
  });

  it('refuses a first sign-in the domain policy does not allow, with a page saying whom to ask', async () => {
    const before = await userCount();
    const sub = account({ email: `fl-${unique()}@freelance.example`, hd: 'freelance.example' });
    const { res, cookie } = await ssoSignIn('google', sub);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('not created automatically for freelance.example');
    expect(html).toContain('gadmin@studio.example');
    expect(cookie).toBe('');
    expect(await userCount()).toBe(before);
  });

  it.each([
    ['the hd claim is missing', { hd: undefined }],
    ['the hd claim names another organisation', { hd: 'rival.example' }],
    ['the email address is not verified', { hd: 'studio.example', email_verified: false }],
  ])('refuses the sign-in when %s, and stores nothing', async (_label, over) => {
    const before = await userCount();
    const sub = account({ email: `x-${unique()}@studio.example`, ...over });
    const { res, cookie } = await ssoSignIn('google', sub);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Back to the sign-in page');
    expect(cookie).toBe('');
    expect(await userCount()).toBe(before);
  });

  it('refuses a tampered state and a replayed callback without signing anyone in', async () => {
    const sub = account({ email: `t-${unique()}@studio.example`, hd: 'studio.example' });
    const start = await ssoSignIn('google', sub);
    expect(start.res.status).toBe(302);
    // The same callback again: the attempt was used up, whatever the provider would say of the code.
    const replay = await start.finish();
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain('already used');
    const tampered = new URL(start.callback);
    tampered.searchParams.set('state', 'a'.repeat(32));
    const res = await start.finish(tampered);
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie') ?? '').not.toMatch(/concierge_session=[a-z0-9]/);
  });

  it('refuses a callback opened in a browser that did not start the sign-in', async () => {
    const sub = account({ email: `b-${unique()}@studio.example`, hd: 'studio.example' });
    const start = await app.app.request(`${testOrigin}/auth/oidc/google/start`);
    const callback = await signInAtProvider(start.headers.get('location') ?? '', sub);
    const res = await app.app.request(callback.href);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('another browser');
  });

  it.each([
    ['//evil.example/x'],
    ['https://evil.example/'],
    ['/\\evil.example'],
    ['javascript:alert(1)'],
    ['/ok\r\nSet-Cookie: x=1'],
    ['/\t/evil.example/landing'],
    ['/..//evil.example'],
    ['\u2215\u2215evil.example'],
  ])('sends the browser home instead of to the foreign returnTo %j', async (returnTo) => {
    const sub = account({ email: `r-${unique()}@studio.example`, hd: 'studio.example' });
    const { res } = await ssoSignIn('google', sub, { returnTo });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
  });

  it('links a first sign-in to the existing user with the same verified email only where linking is enabled', async () => {
    const { user } = await localUser(app);
    const sub = account({ email: user.email });
    const linked = await ssoSignIn('partner', sub);
    expect(linked.res.status).toBe(302);
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: linked.cookie });
    expect(me.json.id).toBe(user.id);
    // Google does not link by email: the address is someone else's account, so it is refused.
    const other = await localUser(app);
    const sub2 = account({ email: other.user.email, hd: 'studio.example' });
    const refused = await ssoSignIn('google', sub2);
    expect(refused.res.status).toBe(409);
    expect(await refused.res.text()).toContain('already uses');
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = await app.request('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/auth/oidc/{providerId}/start', '/auth/oidc/{providerId}/callback']),
    );
  });

  it('answers an unknown provider with a 404 page', async () => {
    for (const id of ['nope', 'local', 'UPPER', '..%2f..%2fetc']) {
      const res = await app.app.request(`${testOrigin}/auth/oidc/${id}/start`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('lists the OIDC providers with their loginUrl for the login page', async () => {
    const res = await app.request('GET', '/api/v1/auth/providers');
    expect(res.json).toEqual([
      { id: 'local', kind: 'local', displayName: 'Concierge account' },
      { id: 'google', kind: 'oidc', displayName: 'Google', loginUrl: '/auth/oidc/google/start' },
      { id: 'partner', kind: 'oidc', displayName: 'Partner SSO', loginUrl: '/auth/oidc/partner/start' },
    ]);
  });
});

describe('what a Google user may do here', () => {
  it('tells them whom to ask about their password, and keeps names and email read-only', async () => {
    const email = `pw-${unique()}@studio.example`;
    const { cookie } = await ssoSignIn('google', account({ email, hd: 'studio.example' }));
    const password = await app.request(
      'POST',
      '/api/v1/me/password',
      {
        currentPassword: 'whatever',
        newPassword: 'a-new-password-123',
        confirmPassword: 'a-new-password-123',
      },
      { cookie },
    );
    expect(password.status).toBe(409);
    expect(password.json.code).toBe('password_managed_externally');
    expect(password.json.detail).toContain('Google');
    expect(password.json.detail).toContain('gadmin@studio.example');
    const name = await app.request('PATCH', '/api/v1/me', { lastName: 'Other' }, { cookie });
    expect(name.status).toBe(409);
    expect(name.json.code).toBe('field_managed_externally');
    expect(name.json.detail).toContain('Google');
  });

  it('answers a reset request like any other and emails who manages the password, with no link', async () => {
    const email = `reset-${unique()}@studio.example`;
    expect((await ssoSignIn('google', account({ email, hd: 'studio.example' }))).res.status).toBe(302);
    const newMail = mailbox(app);
    await newMail();
    const res = await app.request('POST', '/api/v1/auth/password-reset', { identifier: email });
    expect(res.status).toBe(202);
    const mails = (await newMail()).filter((m) => m.to.includes(email));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('gadmin@studio.example');
    expect(mails[0]?.text).not.toMatch(/reset-password\?token=/);
  });
});

describe('the login page and cancelled sign-ins', () => {
  it('shows one button per single sign-on provider, carrying returnTo', async () => {
    const res = await app.app.request(`${testOrigin}/login?returnTo=${encodeURIComponent('/inbox')}`);
    const html = await res.text();
    expect(html).toContain('href="/auth/oidc/google/start?returnTo=%2Finbox"');
    expect(html).toContain('href="/auth/oidc/partner/start?returnTo=%2Finbox"');
    expect(html).toContain('Partner SSO');
  });

  it('answers a sign-in cancelled at the provider with a page, and signs nobody in', async () => {
    const start = await app.app.request(`${testOrigin}/auth/oidc/google/start`);
    const browser = /concierge_oidc=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const callback = `${testOrigin}/auth/oidc/google/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(op.issuer)}`;
    const res = await app.app.request(callback, { headers: { cookie: `concierge_oidc=${browser}` } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('was cancelled');
    expect(res.headers.get('set-cookie') ?? '').not.toMatch(/concierge_session=[a-z0-9]/);
  });
});

describe('single sign-on from a new browser', () => {
  it('raises the new sign-in notice as a password sign-in does, and keeps the browser once known', async () => {
    const sub = account({ email: `devices-${unique()}@studio.example`, hd: 'studio.example' });
    const first = await oidcSignIn(app.app, sub);
    const device = /concierge_device=([a-z2-7]{32})/.exec(first.res.headers.get('set-cookie') ?? '')?.[1];
    expect(device).toBeDefined();
    const second = await oidcSignIn(app.app, sub);
    const items = await app.request('GET', '/api/v1/me/notifications', undefined, { cookie: second.cookie });
    expect(items.json.items.map((i: { type: string }) => i.type)).toEqual(['security.new-sign-in']);
  });
});

describe('starting single sign-ons from one address', () => {
  it('answers 429 with Retry-After past the limit, stores no attempt for it, and leaves other addresses alone', async () => {
    const limited = await testApp({
      config: {
        server: { publicUrl: testOrigin, trustProxy: true },
        auth: { throttle: { redirectStartIp: { maxAttempts: 3, windowMinutes: 10, lockMinutes: 10 } } },
        providers: [{ id: 'local', kind: 'local' }, googleProviderConfig(op)],
      },
    });
    const start = (ip: string) =>
      limited.app.request(`${testOrigin}/auth/oidc/google/start`, { headers: { 'x-forwarded-for': ip } });
    const attempts = async () =>
      Number(
        (
          await limited.db.kysely
            .selectFrom('one_time_tokens')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('purpose', '=', 'redirect-sign-in')
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (let i = 0; i < 3; i++) expect((await start('203.0.113.7')).status).toBe(302);
    expect(await attempts()).toBe(3);
    const refused = await start('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain(
      'Too many sign-ins were started from your network in a short time. Wait 10 minutes and try again.',
    );
    expect(await attempts()).toBe(3);
    expect((await start('198.51.100.20')).status).toBe(302);
  });
});

describe('with automatic creation', () => {
  it('creates the user at the first sign-in and finds the same user at the next', async () => {
    const autoApp = await testApp({
      config: {
        providers: [{ id: 'local', kind: 'local' }, googleProviderConfig(op, { autoCreate: true })],
      },
    });
    const sub = account({ email: `auto-${unique()}@studio.example`, hd: 'studio.example' });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { res, cookie } = await oidcSignIn(autoApp.app, sub);
      expect(res.status).toBe(302);
      const me = await autoApp.request('GET', '/api/v1/me', undefined, { cookie });
      ids.push(me.json.id);
    }
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
  });
});
