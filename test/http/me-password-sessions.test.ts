import { describe, expect, it } from 'vitest';
import { localUser, login, mailbox, signedInLocal, strongPassword } from '../support/accounts.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp, testOrigin } from '../support/test-app.js';

const app = await testApp({
  config: {
    support: { contact: 'the studio helpdesk' },
    providers: [
      { id: 'local', kind: 'local' },
      {
        id: 'studio-ldap',
        kind: 'ldap',
        displayName: 'Studio directory',
        url: 'ldap://127.0.0.1:1',
        bindDn: 'cn=concierge,dc=studio',
        bindPassword: 'unused',
        userBase: 'dc=studio',
        contact: 'IT helpdesk, it@studio.example',
      },
    ],
  },
});
const newMail = mailbox(app);

describe('POST /api/v1/me/password', () => {
  it('changes the password, ends every other session, keeps this one and emails a notice', async () => {
    const { user, password, headers } = await signedInLocal(app);
    const other = await login(app, user.username, password);
    await newMail();
    const next = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: next, confirmPassword: next },
      headers,
    );
    expect(res.status).toBe(204);
    expect((await app.request('GET', '/api/v1/me', undefined, headers)).status).toBe(200);
    expect((await app.request('GET', '/api/v1/me', undefined, { cookie: other.cookie })).status).toBe(401);
    // The old password is refused: with 503, as this file's directory never answers and a failed
    // sign-in then answers alike for every account.
    expect((await login(app, user.username, password)).json.code).toBe('provider_unavailable');
    expect((await login(app, user.username, next)).status).toBe(200);
    // Each sign-in without a device cookie is a new browser, so new sign-in notices come too.
    const mail = (await newMail()).find((m) => m.to === user.email && !m.subject.startsWith('New sign-in'));
    expect(mail?.subject).toMatch(/password was changed/);
  });

  it('answers 400 password_mismatch when the two entries differ', async () => {
    const { password, headers } = await signedInLocal(app);
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: strongPassword(), confirmPassword: strongPassword() },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('password_mismatch');
  });

  it('answers 400 password_policy listing each broken rule', async () => {
    const { user, password, headers } = await signedInLocal(app);
    const short = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: 'short', confirmPassword: 'short' },
      headers,
    );
    expect(short.json.code).toBe('password_policy');
    expect(short.json.issues[0]).toEqual({ field: 'newPassword', message: 'Use at least 12 characters.' });
    const weak = 'password1234';
    const guessable = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: weak, confirmPassword: weak },
      headers,
    );
    expect(guessable.json.detail).toMatch(/too easy to guess/);
    const mine = user.email;
    const own = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: mine, confirmPassword: mine },
      headers,
    );
    expect(own.json.detail).toMatch(/email address/);
  });

  it('refuses a wrong current password', async () => {
    const { headers } = await signedInLocal(app);
    const next = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: 'not-it-at-all', newPassword: next, confirmPassword: next },
      headers,
    );
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('current_password_incorrect');
  });

  it('answers 409 password_managed_externally naming the provider and its contact', async () => {
    const { cookie } = await signedInUser(app, { providerId: 'studio-ldap' });
    const next = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: 'x', newPassword: next, confirmPassword: next },
      { cookie },
    );
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('password_managed_externally');
    expect(res.json.detail).toMatch(/Studio directory.*IT helpdesk, it@studio\.example/);
  });

  it.each([
    [{ newPassword: 'a', confirmPassword: 'a' }, 'currentPassword'],
    [{ currentPassword: 'a', confirmPassword: 'a' }, 'newPassword'],
    [{ currentPassword: 'a', newPassword: 'a' }, 'confirmPassword'],
    [{ currentPassword: 1, newPassword: 'a', confirmPassword: 'a' }, 'currentPassword'],
    [{ currentPassword: 'a', newPassword: 'a'.repeat(1025), confirmPassword: 'a' }, 'newPassword'],
  ])('answers %j with 400 naming %s', async (body, field) => {
    const { headers } = await signedInLocal(app);
    const res = await app.request('POST', '/api/v1/me/password', body, headers);
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
  });
});

describe('sessions', () => {
  it('lists the sessions with the current one marked, ends one, then all others', async () => {
    const { user, password, headers } = await signedInLocal(app);
    const second = await login(app, user.username, password, { 'user-agent': 'Second browser' });
    await login(app, user.username, password);
    const list = await app.request('GET', '/api/v1/me/sessions', undefined, headers);
    expect(list.json).toHaveLength(3);
    expect(list.json.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const target = list.json.find((s: { userAgent: string }) => s.userAgent === 'Second browser');
    expect(target.id).toMatch(/^[0-9a-f]{32}$/);
    expect((await app.request('DELETE', `/api/v1/me/sessions/${target.id}`, undefined, headers)).status).toBe(
      204,
    );
    expect((await app.request('GET', '/api/v1/me', undefined, { cookie: second.cookie })).status).toBe(401);
    expect((await app.request('DELETE', '/api/v1/me/sessions', undefined, headers)).status).toBe(204);
    const left = await app.request('GET', '/api/v1/me/sessions', undefined, headers);
    expect(left.json).toHaveLength(1);
    expect(left.json[0].current).toBe(true);
  });

  it('shows the address the reverse proxy appended and the browser, with server.trustProxy', async () => {
    const proxied = await testApp({
      config: { server: { publicUrl: testOrigin, trustProxy: true } },
    });
    const { user, password } = await localUser(proxied);
    const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
    // The first entry came from the client and could be anything; the last is the proxy's.
    const { cookie } = await login(proxied, user.username, password, {
      'x-forwarded-for': '203.0.113.66, 198.51.100.23',
      'user-agent': browser,
    });
    const list = await proxied.request('GET', '/api/v1/me/sessions', undefined, { cookie });
    expect(list.json).toEqual([
      expect.objectContaining({ ip: '198.51.100.23', userAgent: browser, current: true }),
    ]);
  });

  it('ignores X-Forwarded-For without server.trustProxy', async () => {
    const { user, password } = await localUser(app);
    const { cookie } = await login(app, user.username, password, {
      'x-forwarded-for': '203.0.113.66',
      'user-agent': 'curl/8.5.0',
    });
    const [session] = (await app.request('GET', '/api/v1/me/sessions', undefined, { cookie })).json;
    expect(session).toMatchObject({ ip: null, userAgent: 'curl/8.5.0' });
  });

  it("answers another user's session id with 404 and leaves that session alone", async () => {
    const mine = await signedInLocal(app);
    const theirs = await signedInLocal(app);
    const [their] = (await app.request('GET', '/api/v1/me/sessions', undefined, theirs.headers)).json;
    const res = await app.request('DELETE', `/api/v1/me/sessions/${their.id}`, undefined, mine.headers);
    expect(res.status).toBe(404);
    expect((await app.request('GET', '/api/v1/me', undefined, theirs.headers)).status).toBe(200);
  });

  it.each(['x'.repeat(65), '%00', "'; drop table sessions; --"])(
    'answers the session id %j with 4xx',
    async (id) => {
      const { headers } = await signedInLocal(app);
      const res = await app.request(
        'DELETE',
        `/api/v1/me/sessions/${encodeURIComponent(id)}`,
        undefined,
        headers,
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    },
  );
});
