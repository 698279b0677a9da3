import { describe, expect, it } from 'vitest';
import { linkIn, localUser, login, mailbox, strongPassword } from '../support/accounts.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const app = await testApp({
  config: {
    server: { publicUrl: 'http://concierge.test', trustProxy: true },
    providers: [
      { id: 'local', kind: 'local' },
      {
        id: 'google',
        kind: 'oidc',
        preset: 'google',
        clientId: 'client',
        clientSecret: 'secret',
        contact: 'Studio IT, it@studio.example',
      },
    ],
  },
});
const newMail = mailbox(app);
let ipCounter = 0;
const freshIp = () => ({ 'x-forwarded-for': `198.51.100.${++ipCounter}` });
const request = (identifier: unknown, headers = freshIp()) =>
  app.request('POST', '/api/v1/auth/password-reset', { identifier }, headers);

describe('the password-reset flow', () => {
  it('emails a single-use link that sets the password, ends every session and sends a notice', async () => {
    const { user, password } = await localUser(app);
    const session = await login(app, user.username, password);
    await newMail();
    const res = await request(user.email);
    expect(res.status).toBe(202);

    const [mail, ...others] = (await newMail()).filter((m) => m.to === user.email);
    expect(others).toHaveLength(0);
    expect(mail?.subject).toBe('Reset your Concierge password');
    const { url, token } = linkIn(mail!.text, '/reset-password');
    expect(url.startsWith('http://concierge.test/reset-password?token=')).toBe(true);
    const page = await app.request('GET', new URL(url).pathname + new URL(url).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Choose a new password');

    const next = strongPassword();
    const weak = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: 'short',
      confirmPassword: 'short',
    });
    expect(weak.json.code).toBe('password_policy');
    const mismatch = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: next,
      confirmPassword: `${next}x`,
    });
    expect(mismatch.json.code).toBe('password_mismatch');
    const ok = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: next,
      confirmPassword: next,
    });
    expect(ok.status).toBe(204);
    const reused = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: next,
      confirmPassword: next,
    });
    expect(reused.status).toBe(400);
    expect(reused.json.code).toBe('token_invalid');

    expect((await app.request('GET', '/api/v1/me', undefined, { cookie: session.cookie })).status).toBe(401);
    expect((await login(app, user.username, password)).status).toBe(401);
    expect((await login(app, user.username, next)).status).toBe(200);
    // Each sign-in without a device cookie is a new browser, so new sign-in notices come too.
    const notice = (await newMail()).find((m) => m.to === user.email && !m.subject.startsWith('New sign-in'));
    expect(notice?.subject).toBe('Your Concierge password was reset');
  });

  it('answers known, unknown, disabled and externally managed identifiers with the same 202 body', async () => {
    const { user } = await localUser(app);
    const external = await signedInUser(app, { providerId: 'google' });
    const answers = await Promise.all([
      request(user.username),
      request('nobody-at-all'),
      request('nobody@nowhere.example'),
      request(external.user.email),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(a.json).toEqual(answers[0]?.json);
    }
  });

  it('tells an account managed elsewhere who manages its password, with no link', async () => {
    const external = await signedInUser(app, { providerId: 'google' });
    await newMail();
    await request(external.user.username);
    const mail = (await newMail()).find((m) => m.to === external.user.email);
    expect(mail?.subject).toBe('About your Concierge password');
    expect(mail?.text).toContain('Google');
    expect(mail?.text).toContain('Studio IT, it@studio.example');
    expect(mail?.text).not.toContain('reset-password');
  });

  it('sends nothing for an unknown identifier', async () => {
    await newMail();
    await request('unknown-person-xyz');
    expect(await newMail()).toHaveLength(0);
  });

  it('makes an earlier link stop working when a new one is requested', async () => {
    const { user } = await localUser(app);
    await newMail();
    await request(user.username);
    const first = linkIn((await newMail())[0]!.text, '/reset-password').token;
    await request(user.username);
    const second = linkIn((await newMail())[0]!.text, '/reset-password').token;
    const next = strongPassword();
    const old = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token: first,
      newPassword: next,
      confirmPassword: next,
    });
    expect(old.json.code).toBe('token_invalid');
    const ok = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token: second,
      newPassword: next,
      confirmPassword: next,
    });
    expect(ok.status).toBe(204);
  });

  it('drops requests beyond three an hour per account silently, still answering 202', async () => {
    const { user } = await localUser(app);
    await newMail();
    for (let i = 0; i < 5; i++) expect((await request(user.username)).status).toBe(202);
    const mails = (await newMail()).filter((m) => m.to === user.email);
    expect(mails).toHaveLength(3);
  });

  it('answers 429 with Retry-After after 20 requests an hour from one address', async () => {
    const ip = { 'x-forwarded-for': '192.0.2.200' };
    for (let i = 0; i < 20; i++) expect((await request(`someone-${i}`, ip)).status).toBe(202);
    const res = await request('someone-else', ip);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.each([
    [{}, 'identifier'],
    [{ identifier: '' }, 'identifier'],
    [{ identifier: 12 }, 'identifier'],
    [{ identifier: 'a'.repeat(321) }, 'identifier'],
    [{ identifier: 'ad\u0000min' }, 'identifier'],
  ])('answers the request %j with 400', async (body, field) => {
    const res = await app.request('POST', '/api/v1/auth/password-reset', body);
    expect(res.status).toBe(400);
    expect(res.json.issues[0].field).toBe(field);
  });

  it.each([
    [{ newPassword: 'a', confirmPassword: 'a' }, 'token'],
    [{ token: 'x', confirmPassword: 'a' }, 'newPassword'],
    [{ token: 'x', newPassword: 'a' }, 'confirmPassword'],
    [{ token: 7, newPassword: 'a', confirmPassword: 'a' }, 'token'],
    [{ token: 'x'.repeat(201), newPassword: 'a', confirmPassword: 'a' }, 'token'],
  ])('answers the confirmation %j with 400 naming %s', async (body, field) => {
    const res = await app.request('POST', '/api/v1/auth/password-reset/confirm', body);
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it.each(['no-such-token', '<script>', "' or '1'='1"])(
    'answers the unknown token %j with 400 token_invalid',
    async (token) => {
      const next = strongPassword();
      const res = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
        token,
        newPassword: next,
        confirmPassword: next,
      });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('token_invalid');
    },
  );
});
