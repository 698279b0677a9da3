import { describe, expect, it } from 'vitest';
import { localUser, login, mailbox, signedInLocal } from '../support/accounts.js';
import { testApp } from '../support/test-app.js';

const app = await testApp({
  config: { server: { publicUrl: 'http://concierge.test', trustProxy: true } },
});

describe('POST /api/v1/auth/login', () => {
  it('signs in with the username and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const { user, password } = await localUser(app);
    const res = await login(app, user.username, password);
    expect(res.status).toBe(200);
    expect(res.json.user).toMatchObject({ id: user.id, username: user.username, role: 'user' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: res.cookie });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe(user.username);
  });

  it('signs in with the email in another case and Unicode form', async () => {
    const { user, password } = await localUser(app);
    const res = await login(app, `  ${user.email.toUpperCase()} `, password);
    expect(res.status).toBe(200);
  });

  it('signs in with a username written in decomposed Unicode (NFD) as with NFC', async () => {
    const { user, password } = await localUser(app, { username: `José-${Date.now()}` });
    const res = await login(app, user.username.normalize('NFD').toUpperCase(), password);
    expect(res.status).toBe(200);
  });

  it('answers a wrong password and an unknown user with the same 401 body', async () => {
    const { user } = await localUser(app);
    const wrong = await login(app, user.username, 'not-the-password-at-all');
    const unknown = await login(app, 'nobody-by-this-name', 'not-the-password-at-all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json)).toEqual(strip(unknown.json));
    expect(wrong.json.code).toBe('invalid_credentials');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an invited user who has no password yet, like a wrong password', async () => {
    const s = Math.random().toString(36).slice(2, 8);
    await app.createUser({ username: `inv-${s}`, email: `inv-${s}@studio.example` });
    const res = await login(app, `inv-${s}`, 'anything-at-all-here');
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('invalid_credentials');
  });

  it.each([
    ['identifier missing', { password: 'x' }, 'identifier'],
    ['password missing', { identifier: 'x' }, 'password'],
    ['identifier of the wrong type', { identifier: 5, password: 'x' }, 'identifier'],
    ['password of the wrong type', { identifier: 'x', password: ['x'] }, 'password'],
    ['identifier too long', { identifier: 'a'.repeat(321), password: 'x' }, 'identifier'],
    ['password too long', { identifier: 'x', password: 'a'.repeat(1025) }, 'password'],
    ['an unknown field', { identifier: 'x', password: 'x', admin: true }, '(body)'],
    ['a NUL in the identifier', { identifier: '\u0000admin', password: 'x' }, 'identifier'],
    ['a line break in the identifier', { identifier: 'admin\n', password: 'x' }, 'identifier'],
  ])('answers 400 naming the field for %s', async (_name, body, field) => {
    const res = await app.request('POST', '/api/v1/auth/login', body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('answers a form-encoded body with 415 problem+json, and malformed JSON with 400, never 500', async () => {
    const form = await app.request('POST', '/api/v1/auth/login', 'identifier=x&password=y', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(form.headers.get('content-type')).toMatch(/problem\+json/);
    expect(form.json.code).toBe('unsupported_media_type');
    expect(form.json.detail).toMatch(/Content-Type: application\/json/);
    const broken = await app.request('POST', '/api/v1/auth/login', '{"identifier":', {
      'content-type': 'application/json',
    });
    expect(broken.status).toBe(400);
  });

  it.each([
    "' or 1=1 --",
    '*)(uid=*))(|(uid=*',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    'ａｄｍｉｎ',
  ])('answers the hostile identifier %j with 401 invalid_credentials', async (identifier) => {
    const res = await login(app, identifier, 'whatever-password');
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('invalid_credentials');
  });

  it('refuses a disabled account with 403 once the password is right, and 401 when it is wrong', async () => {
    const { user, password } = await localUser(app);
    const admin = await signedInLocal(app, { role: 'admin' });
    await app.request('PATCH', `/api/v1/admin/users/${user.id}`, { disabled: true }, admin.headers);
    expect((await login(app, user.username, password)).json.code).toBe('account_disabled');
    expect((await login(app, user.username, 'wrong-password-here')).json.code).toBe('invalid_credentials');
  });
});

describe('sign-in throttling', () => {
  it('locks the account after 10 failures with 429 and Retry-After, and emails the owner once', async () => {
    const newMail = mailbox(app);
    await newMail();
    const { user, password } = await localUser(app);
    for (let i = 0; i < 10; i++) {
      const r = await login(app, user.username, `wrong-${i}-password`, { 'x-forwarded-for': `10.9.0.${i}` });
      expect(r.status).toBe(401);
    }
    const locked = await login(app, user.username, password, { 'x-forwarded-for': '10.9.1.1' });
    expect(locked.status).toBe(429);
    expect(locked.json.code).toBe('too_many_requests');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.json.detail).toMatch(/Wait \d+ minutes/);
    const again = await login(app, user.email, 'wrong-again-password', { 'x-forwarded-for': '10.9.1.2' });
    expect(again.status).toBe(429);
    const mails = (await newMail()).filter((m) => m.to === user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/paused/);
  });

  it('locks an unknown identifier the same way, so a 429 does not tell whether the account exists', async () => {
    for (let i = 0; i < 10; i++)
      await login(app, 'ghost-account', 'wrong-password', { 'x-forwarded-for': `10.8.0.${i}` });
    const res = await login(app, 'ghost-account', 'wrong-password', { 'x-forwarded-for': '10.8.1.1' });
    expect(res.status).toBe(429);
  });

  it('limits failures per client address across accounts', async () => {
    const ip = { 'x-forwarded-for': '10.0.0.1, 203.0.113.77' };
    for (let i = 0; i < 50; i++) await login(app, `someone-${i}`, 'wrong-password', ip);
    const { user, password } = await localUser(app);
    const res = await login(app, user.username, password, ip);
    expect(res.status).toBe(429);
    expect(res.json.detail).toMatch(/network/);
    const elsewhere = await login(app, user.username, password, { 'x-forwarded-for': '203.0.113.78' });
    expect(elsewhere.status).toBe(200);
  });

  it('counts the address the proxy appended, so a client cannot escape by forging X-Forwarded-For', async () => {
    // The proxy appends the real peer; whatever the client sent comes first and changes every time.
    const forged = (i: number) => ({ 'x-forwarded-for': `198.18.${i}.1, 203.0.113.90` });
    for (let i = 0; i < 50; i++) await login(app, `nobody-${i}`, 'wrong-password', forged(i));
    const { user, password } = await localUser(app);
    const res = await login(app, user.username, password, forged(99));
    expect(res.status).toBe(429);
    expect(res.json.detail).toMatch(/network/);
  });

  it('clears the account counter after a successful sign-in', async () => {
    const { user, password } = await localUser(app);
    for (let i = 0; i < 9; i++)
      await login(app, user.username, 'wrong-password', { 'x-forwarded-for': `10.7.0.${i}` });
    expect((await login(app, user.username, password)).status).toBe(200);
    for (let i = 0; i < 9; i++)
      await login(app, user.username, 'wrong-password', { 'x-forwarded-for': `10.7.1.${i}` });
    expect((await login(app, user.username, password)).status).toBe(200);
  });
});

describe('POST /api/v1/auth/logout', () => {
  it('ends the session and clears the cookie', async () => {
    const { cookie } = await signedInLocal(app);
    const res = await app.request('POST', '/api/v1/auth/logout', undefined, { cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/concierge_session=;/);
    expect((await app.request('GET', '/api/v1/me', undefined, { cookie })).status).toBe(401);
  });

  it('answers 204 without a session too', async () => {
    expect((await app.request('POST', '/api/v1/auth/logout')).status).toBe(204);
  });

  it('refuses a cross-origin logout that carries the cookie', async () => {
    const { cookie } = await signedInLocal(app);
    const res = await app.request('POST', '/api/v1/auth/logout', undefined, {
      cookie,
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect((await app.request('GET', '/api/v1/me', undefined, { cookie })).status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('describes every account route', async () => {
    const res = await app.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.json.paths);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/providers',
      '/api/v1/auth/password-policy',
      '/api/v1/auth/password-reset',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/me',
      '/api/v1/me/password',
      '/api/v1/me/sessions',
      '/api/v1/me/sessions/{id}',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
      '/api/v1/admin/users/{id}/password-reset',
    ]) {
      expect(paths).toContain(path);
    }
  });
});

describe('GET /api/v1/auth/providers and password-policy', () => {
  it('lists the local provider without a login URL', async () => {
    const res = await app.request('GET', '/api/v1/auth/providers');
    expect(res.json).toEqual([{ id: 'local', kind: 'local', displayName: 'Concierge account' }]);
  });

  it('publishes the configured password policy with its rules in words', async () => {
    const res = await app.request('GET', '/api/v1/auth/password-policy');
    expect(res.json).toMatchObject({ minLength: 12, maxLength: 256, minStrength: 3 });
    expect(res.json.rules.join(' ')).toMatch(/between 12 and 256/);
  });
});
