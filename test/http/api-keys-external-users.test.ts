import { afterAll, describe, expect, it } from 'vitest';
import { login } from '../support/accounts.js';
import { googleProviderConfig, oidcSignIn, startOidcProvider } from '../support/oidc-provider.js';
import { addPerson, ldapProviderConfig, startSlapd } from '../support/slapd.js';
import { testApp, testOrigin } from '../support/test-app.js';

// Issue 5: personal API keys work for directory (LDAP) and Google users as for local ones. A real slapd
// and a real OpenID provider stand in for the studio's directory and Google.
const slapd = await startSlapd();
afterAll(() => slapd.dispose());
const op = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/google/callback`] });
afterAll(() => op.close());

const SERVICE_TOKEN = 'host-platform-token-0123456789abcdefghij';
const app = await testApp({
  config: {
    serviceTokens: [SERVICE_TOKEN],
    providers: [
      { id: 'local', kind: 'local' },
      ldapProviderConfig(slapd, { passwords: 'contact-admin', contact: 'IT helpdesk' }),
      googleProviderConfig(op, { allowedDomains: ['studio.example'], autoCreate: ['studio.example'] }),
    ],
  },
});

const unique = () => Math.random().toString(36).slice(2, 8);

async function ldapSession(): Promise<{ cookie: string; email: string }> {
  const p = await addPerson(slapd, { uid: `k-${unique()}`, password: `pw-${unique()}-long-enough` });
  const res = await login(app, p.uid, p.password);
  expect(res.status).toBe(200);
  return { cookie: res.cookie, email: p.mail };
}

async function googleSession(): Promise<{ cookie: string; email: string }> {
  const email = `g-${unique()}@studio.example`;
  const sub = op.addAccount({ email, email_verified: true, hd: 'studio.example', given_name: 'Gia' });
  const { cookie } = await oidcSignIn(app.app, sub);
  expect(cookie).not.toBe('');
  return { cookie, email };
}

describe.each([
  ['an LDAP directory user', 'studio-ldap', ldapSession],
  ['a Google user', 'google', googleSession],
])('personal API keys of %s', (_label, providerId, signIn) => {
  it('are created on a session, authenticate as their owner on /api/v1/me, and introspect to the owner', async () => {
    const { cookie, email } = await signIn();
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie });
    expect(me.json.provider.id).toBe(providerId);
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'Pipeline' }, { cookie });
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.json.key}` };

    const viaKey = await app.request('GET', '/api/v1/me', undefined, bearer);
    expect(viaKey.status).toBe(200);
    expect(viaKey.json).toMatchObject({ id: me.json.id, email, provider: { id: providerId } });
    // Preferences are theirs to change whatever the provider, with a key too.
    const patched = await app.request('PATCH', '/api/v1/me', { preferences: { fuzzyDates: false } }, bearer);
    expect([patched.status, patched.json.preferences.fuzzyDates]).toEqual([200, false]);
    const keys = await app.request('GET', '/api/v1/me/api-keys', undefined, bearer);
    expect(keys.json.items.map((k: { name: string }) => k.name)).toEqual(['Pipeline']);
    // Creating keys still needs a signed-in session.
    const another = await app.request('POST', '/api/v1/me/api-keys', { name: 'x' }, bearer);
    expect([another.status, another.json.code]).toEqual([403, 'session_required']);

    const introspected = await app.request(
      'POST',
      '/api/v1/introspect',
      { token: created.json.key },
      { authorization: `Bearer ${SERVICE_TOKEN}` },
    );
    expect(introspected.json).toMatchObject({
      active: true,
      kind: 'api_key',
      user: { id: me.json.id, email },
    });

    expect(
      (await app.request('DELETE', `/api/v1/me/api-keys/${created.json.id}`, undefined, { cookie })).status,
    ).toBe(204);
    const revoked = await app.request('GET', '/api/v1/me', undefined, bearer);
    expect([revoked.status, revoked.json.detail]).toEqual([401, expect.stringMatching(/revoked/i)]);
  });
});
