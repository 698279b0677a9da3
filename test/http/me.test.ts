import { describe, expect, it } from 'vitest';
import { accountStore } from '../../src/adapters/db/account-store.js';
import { linkIn, login, mailbox, signedInLocal, strongPassword } from '../support/accounts.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

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

describe('GET /api/v1/me', () => {
  it('describes a local user with every capability and no credentials help', async () => {
    const { user, headers } = await signedInLocal(app);
    const res = await app.request('GET', '/api/v1/me', undefined, headers);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: user.id,
      username: user.username,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: user.email,
      pendingEmail: null,
      avatarUrl: null,
      role: 'user',
      provider: { id: 'local', kind: 'local', displayName: 'Concierge account' },
      preferences: { fuzzyDates: true, timeZone: 'UTC', locale: 'en' },
      capabilities: { changePassword: true, resetPassword: true, editEmail: true, editName: true },
    });
  });

  it('tells a directory user who manages their password', async () => {
    const { cookie } = await signedInUser(app, { providerId: 'studio-ldap', avatarKey: 'abc123' });
    const res = await app.request('GET', '/api/v1/me', undefined, { cookie });
    expect(res.json.capabilities).toEqual({
      changePassword: false,
      resetPassword: false,
      editEmail: false,
      editName: false,
    });
    expect(res.json.credentialsHelp).toMatch(/Studio directory.*IT helpdesk, it@studio\.example/);
    expect(res.json.avatarUrl).toBe('/avatars/abc123-256.webp');
    expect(res.json.provider).toEqual({ id: 'studio-ldap', kind: 'ldap', displayName: 'Studio directory' });
  });

  it('answers 401 without a session', async () => {
    expect((await app.request('GET', '/api/v1/me')).status).toBe(401);
  });
});

describe('PATCH /api/v1/me', () => {
  it('trims names and saves preferences in canonical form', async () => {
    const { headers } = await signedInLocal(app);
    const res = await app.request(
      'PATCH',
      '/api/v1/me',
      {
        firstName: '  Grace ',
        lastName: 'Hopper',
        preferences: { fuzzyDates: false, timeZone: 'europe/paris', locale: 'en-gb' },
      },
      headers,
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      preferences: { fuzzyDates: false, timeZone: 'Europe/Paris', locale: 'en-GB' },
    });
    expect((await app.request('GET', '/api/v1/me', undefined, headers)).json.firstName).toBe('Grace');
  });

  it.each([
    [{ firstName: 'a'.repeat(101) }, 'firstName'],
    [{ lastName: 'bad\u0007name' }, 'lastName'],
    [{ firstName: 'line\nbreak' }, 'firstName'],
    [{ firstName: 'a'.repeat(201) }, 'firstName'],
    [{ firstName: 42 }, 'firstName'],
    [{ preferences: { timeZone: 'Mars/Olympus' } }, 'preferences.timeZone'],
    [{ preferences: { timeZone: '+01:00' } }, 'preferences.timeZone'],
    [{ preferences: { locale: 'not a locale' } }, 'preferences.locale'],
    [{ preferences: { fuzzyDates: 'yes' } }, 'preferences.fuzzyDates'],
    [{ preferences: { colour: 'red' } }, 'preferences'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: `${'a'.repeat(250)}@x.io` }, 'email'],
    [{ role: 'admin' }, '(body)'],
  ])('refuses %j with 400 naming %s and changes nothing', async (body, field) => {
    const { user, headers } = await signedInLocal(app);
    const res = await app.request('PATCH', '/api/v1/me', { lastName: 'Changed', ...body }, headers);
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
    const stored = await accountStore(app.db.kysely).findById(user.id);
    expect(stored?.lastName).toBe('Lovelace');
  });

  it('refuses a cross-origin change carrying the session cookie with 403 and changes nothing', async () => {
    const { user, headers } = await signedInLocal(app);
    const res = await app.request(
      'PATCH',
      '/api/v1/me',
      { firstName: 'Mallory' },
      { ...headers, origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect((await accountStore(app.db.kysely).findById(user.id))?.firstName).toBe('Ada');
  });

  it('lets an API key change names but not the email address or the password', async () => {
    const { password, headers } = await signedInLocal(app);
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'script' }, headers);
    const bearer = { authorization: `Bearer ${created.json.key}` };
    expect((await app.request('PATCH', '/api/v1/me', { firstName: 'Scripted' }, bearer)).status).toBe(200);
    const email = await app.request(
      'PATCH',
      '/api/v1/me',
      { email: 'x@studio.example', currentPassword: password },
      bearer,
    );
    expect(email.status).toBe(403);
    const next = strongPassword();
    const pw = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: next, confirmPassword: next },
      bearer,
    );
    expect(pw.status).toBe(403);
  });

  it('refuses a username with 403 username_admin_only', async () => {
    const { headers } = await signedInLocal(app);
    const res = await app.request('PATCH', '/api/v1/me', { username: 'new-name' }, headers);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('username_admin_only');
  });

  it('lets a directory user change preferences but not names', async () => {
    const { cookie } = await signedInUser(app, { providerId: 'studio-ldap' });
    const prefs = await app.request(
      'PATCH',
      '/api/v1/me',
      { preferences: { fuzzyDates: false } },
      { cookie },
    );
    expect(prefs.status).toBe(200);
    const same = await app.request('PATCH', '/api/v1/me', { firstName: 'Ada' }, { cookie });
    expect(same.status).toBe(200);
    const names = await app.request('PATCH', '/api/v1/me', { firstName: 'Other' }, { cookie });
    expect(names.status).toBe(409);
    expect(names.json.code).toBe('field_managed_externally');
  });

  it('changes the email only through the link sent to the new address, tells the old one, and can be undone', async () => {
    const { user, password, headers } = await signedInLocal(app);
    await newMail();
    const newEmail = `moved-${Date.now()}@studio.example`;
    const noPassword = await app.request('PATCH', '/api/v1/me', { email: newEmail }, headers);
    expect(noPassword.status).toBe(400);
    const wrong = await app.request(
      'PATCH',
      '/api/v1/me',
      { email: newEmail, currentPassword: 'wrong-password-x' },
      headers,
    );
    expect(wrong.json.code).toBe('current_password_incorrect');
    const res = await app.request(
      'PATCH',
      '/api/v1/me',
      { email: newEmail, currentPassword: password },
      headers,
    );
    expect(res.status).toBe(200);
    expect(res.json.email).toBe(user.email);
    expect(res.json.pendingEmail).toBe(newEmail);

    const verifyMail = (await newMail()).find((m) => m.to === newEmail);
    expect(verifyMail?.subject).toMatch(/Confirm/);
    const { token } = linkIn(verifyMail!.text, '/verify-email');
    expect((await app.request('GET', `/verify-email?token=${token}`)).status).toBe(200);
    expect((await app.request('POST', '/api/v1/auth/email/verify', { token })).status).toBe(204);
    expect((await app.request('POST', '/api/v1/auth/email/verify', { token })).status).toBe(400);
    expect((await app.request('GET', '/api/v1/me', undefined, headers)).json.email).toBe(newEmail);

    const notice = (await newMail()).find((m) => m.to === user.email);
    expect(notice?.text).toContain(newEmail);
    const undo = linkIn(notice!.text, '/undo-email-change');
    expect((await app.request('POST', '/api/v1/auth/email/undo', { token: undo.token })).status).toBe(204);
    expect((await app.request('GET', '/api/v1/me', undefined, headers)).status).toBe(401);
    const back = await login(app, user.email, password);
    expect(back.status).toBe(200);
    expect(back.json.user.email).toBe(user.email);
  });

  it('refuses an email another account uses at once, without mailing its owner', async () => {
    const a = await signedInLocal(app);
    const b = await signedInLocal(app);
    await newMail();
    const body = { email: b.user.email.toUpperCase(), currentPassword: a.password };
    const res = await app.request('PATCH', '/api/v1/me', body, a.headers);
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('email_taken');
    expect(await newMail()).toHaveLength(0);
  });

  it('refuses the link when another account took the address in the meantime', async () => {
    const a = await signedInLocal(app);
    await newMail();
    const wanted = `wanted-${Date.now()}@studio.example`;
    await app.request('PATCH', '/api/v1/me', { email: wanted, currentPassword: a.password }, a.headers);
    const mail = (await newMail()).find((m) => m.to === wanted);
    const { token } = linkIn(mail!.text, '/verify-email');
    await app.createUser({ username: `taker-${Date.now()}`, email: wanted });
    const res = await app.request('POST', '/api/v1/auth/email/verify', { token });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('email_taken');
  });

  it.each([{}, { token: '' }, { token: 5 }, { token: 'x'.repeat(201) }, { token: 'no-such-token' }])(
    'answers the email link %j with a 400',
    async (body) => {
      expect((await app.request('POST', '/api/v1/auth/email/verify', body)).status).toBe(400);
      expect((await app.request('POST', '/api/v1/auth/email/undo', body)).status).toBe(400);
    },
  );
});
