import { describe, expect, it } from 'vitest';
import { linkIn, localUser, login, mailbox, signedInLocal, strongPassword } from '../support/accounts.js';
import { expectProblem } from '../support/http-checks.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const app = await testApp();
const newMail = mailbox(app);
const admin = await signedInLocal(app, { role: 'admin' });
const as = admin.headers;

describe('admin routes', () => {
  it.each([
    ['GET', '/api/v1/admin/users', undefined],
    ['POST', '/api/v1/admin/users', { username: 'x1', email: 'x1@studio.example' }],
    ['GET', `/api/v1/admin/users/${admin.user.id}`, undefined],
    ['PATCH', `/api/v1/admin/users/${admin.user.id}`, { role: 'user' }],
    ['POST', `/api/v1/admin/users/${admin.user.id}/password-reset`, undefined],
  ])('answer a non-admin %s %s with 403 and change nothing', async (method, path, body) => {
    const user = await signedInLocal(app);
    const res = await app.request(method, path, body, user.headers);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('forbidden');
    expect((await app.request('GET', '/api/v1/me', undefined, as)).json.role).toBe('admin');
  });

  it('answer 401 without a session', async () => {
    expect((await app.request('GET', '/api/v1/admin/users')).status).toBe(401);
  });
});

describe('GET /api/v1/admin/users', () => {
  it('pages through users and searches username, email and names', async () => {
    const tag = `zeb${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) {
      await app.createUser({
        username: `${tag}-${i}`,
        email: `${tag}-${i}@studio.example`,
        lastName: `Searchable${i}`,
        password: strongPassword(),
      });
    }
    const page = await app.request('GET', `/api/v1/admin/users?search=${tag}&limit=2`, undefined, as);
    expect(page.status).toBe(200);
    expect(page.json.total).toBe(3);
    expect(page.json.items).toHaveLength(2);
    const rest = await app.request(
      'GET',
      `/api/v1/admin/users?search=${tag}&limit=2&offset=2`,
      undefined,
      as,
    );
    expect(rest.json.items).toHaveLength(1);
    const byName = await app.request('GET', '/api/v1/admin/users?search=searchable2', undefined, as);
    expect(byName.json.items.map((u: { username: string }) => u.username)).toContain(`${tag}-2`);
    const wild = await app.request('GET', '/api/v1/admin/users?search=%25', undefined, as);
    expect(wild.json.total).toBe(0);
  });

  it.each(['limit=0', 'limit=201', 'limit=abc', 'offset=-1', `search=${'a'.repeat(201)}`, 'search=%00'])(
    'answers the query %s with 400',
    async (query) => {
      expect((await app.request('GET', `/api/v1/admin/users?${query}`, undefined, as)).status).toBe(400);
    },
  );
});

describe('POST /api/v1/admin/users', () => {
  it('creates a user with a password, who can sign in', async () => {
    const password = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: 'created-1', email: 'created-1@studio.example', firstName: 'Cee', password },
      as,
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      username: 'created-1',
      role: 'user',
      disabled: false,
      provider: { id: 'local' },
    });
    expect((await login(app, 'created-1', password)).status).toBe(200);
  });

  it('invites a user without a password by email; the link sets the password', async () => {
    await newMail();
    const res = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: 'invited-1', email: 'invited-1@studio.example', role: 'admin' },
      as,
    );
    expect(res.status).toBe(201);
    const mail = (await newMail()).find((m) => m.to === 'invited-1@studio.example');
    expect(mail?.subject).toBe('You are invited to Concierge');
    expect(mail?.text).toContain(admin.user.username);
    const { token } = linkIn(mail!.text, '/reset-password');
    const password = strongPassword();
    const set = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: password,
      confirmPassword: password,
    });
    expect(set.status).toBe(204);
    const signedIn = await login(app, 'invited-1', password);
    expect(signedIn.json.user.role).toBe('admin');
  });

  it('refuses a taken username or email with 409 and a weak password with 400', async () => {
    const { user } = await localUser(app);
    const dupName = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: user.username.toUpperCase(), email: 'fresh-1@studio.example' },
      as,
    );
    expect(dupName.json.code).toBe('username_taken');
    const dupMail = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: 'fresh-2', email: user.email },
      as,
    );
    expect(dupMail.json.code).toBe('email_taken');
    const weak = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: 'fresh-3', email: 'fresh-3@studio.example', password: 'password' },
      as,
    );
    expect(weak.json.code).toBe('password_policy');
  });

  it.each([
    [{ email: 'a@studio.example' }, 'username'],
    [{ username: 'abc' }, 'email'],
    [{ username: 'has space', email: 'a@studio.example' }, 'username'],
    [{ username: '<script>', email: 'a@studio.example' }, 'username'],
    [{ username: 'a'.repeat(65), email: 'a@studio.example' }, 'username'],
    [{ username: 'okname', email: 'nope' }, 'email'],
    [{ username: 'okname', email: 'a@studio.example', role: 'root' }, 'role'],
    [{ username: 'okname', email: 'a@studio.example', firstName: 'x\u0000y' }, 'firstName'],
    [{ username: 'okname', email: 'a@studio.example', disabled: true }, '(body)'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const res = await app.request('POST', '/api/v1/admin/users', body, as);
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
    const check = await app.request('GET', '/api/v1/admin/users?search=okname', undefined, as);
    expect(check.json.total).toBe(0);
  });
});

describe('PATCH /api/v1/admin/users/{id}', () => {
  it('renames a user; the old username keeps signing in and is listed as an alias', async () => {
    const { user, password } = await localUser(app);
    const res = await app.request(
      'PATCH',
      `/api/v1/admin/users/${user.id}`,
      { username: `${user.username}-new` },
      as,
    );
    expect(res.status).toBe(200);
    expect(res.json.username).toBe(`${user.username}-new`);
    expect((await login(app, user.username, password)).json.user.username).toBe(`${user.username}-new`);
    expect((await login(app, `${user.username}-new`, password)).status).toBe(200);
    const read = await app.request('GET', `/api/v1/admin/users/${user.id}`, undefined, as);
    expect(read.json.aliases).toEqual([user.username.toLowerCase()]);
    const taken = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: user.username, email: `x-${Date.now()}@studio.example` },
      as,
    );
    expect(taken.json.code).toBe('username_taken');
  });

  it.each([
    ['username', (u: { username: string }) => u.username.toUpperCase(), 'username_taken', /username/],
    ['email', (u: { email: string }) => u.email.toUpperCase(), 'email_taken', /email address/],
  ] as const)(
    "refuses another user's %s with 409 saying so, and changes nothing",
    async (field, taken, code, detail) => {
      const holder = await localUser(app);
      const { user } = await localUser(app);
      const res = await app.request(
        'PATCH',
        `/api/v1/admin/users/${user.id}`,
        { firstName: 'Changed', [field]: taken(holder.user) },
        as,
      );
      expectProblem(res, 409, code);
      expect(res.json.detail).toMatch(detail);
      expect(res.json.detail).toContain(holder.user.username);
      const read = await app.request('GET', `/api/v1/admin/users/${user.id}`, undefined, as);
      expect(read.json).toMatchObject({ username: user.username, email: user.email, firstName: 'Ada' });
      expect(read.json.aliases).toEqual([]);
    },
  );

  it("refuses another user's former username with 409 username_taken", async () => {
    const { user: renamed } = await localUser(app);
    const formerName = renamed.username;
    await app.request('PATCH', `/api/v1/admin/users/${renamed.id}`, { username: `${formerName}-b` }, as);
    const { user } = await localUser(app);
    const res = await app.request('PATCH', `/api/v1/admin/users/${user.id}`, { username: formerName }, as);
    expectProblem(res, 409, 'username_taken');
    expect(res.json.detail).toContain(`former username of ${formerName}-b`);
    expect((await app.request('GET', `/api/v1/admin/users/${user.id}`, undefined, as)).json.username).toBe(
      user.username,
    );
  });

  it('disables a user: sessions end for good, API keys are refused until the account is enabled again', async () => {
    const target = await signedInLocal(app);
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'script' }, target.headers);
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.json.key}` };
    expect((await app.request('GET', '/api/v1/me', undefined, bearer)).status).toBe(200);
    const res = await app.request('PATCH', `/api/v1/admin/users/${target.user.id}`, { disabled: true }, as);
    expect(res.json.disabled).toBe(true);
    expect((await app.request('GET', '/api/v1/me', undefined, target.headers)).status).toBe(401);
    const refused = await app.request('GET', '/api/v1/me', undefined, bearer);
    expectProblem(refused, 401, 'unauthenticated');
    expect(refused.json.detail).toBe(
      `The account this API key belongs to (${target.user.username}) is disabled.`,
    );
    const signIn = await login(app, target.user.username, target.password);
    expectProblem(signIn, 403, 'account_disabled');

    await app.request('PATCH', `/api/v1/admin/users/${target.user.id}`, { disabled: false }, as);
    // The key was only refused; the sessions were deleted, so the old cookie stays signed out.
    expect((await app.request('GET', '/api/v1/me', undefined, bearer)).status).toBe(200);
    expect((await app.request('GET', '/api/v1/me', undefined, target.headers)).status).toBe(401);
    expect((await login(app, target.user.username, target.password)).status).toBe(200);
  });

  it('promotes and demotes, but never the last active administrator', async () => {
    const other = await localUser(app);
    const up = await app.request('PATCH', `/api/v1/admin/users/${other.user.id}`, { role: 'admin' }, as);
    expect(up.json.role).toBe('admin');
    const down = await app.request('PATCH', `/api/v1/admin/users/${other.user.id}`, { role: 'user' }, as);
    expect(down.json.role).toBe('user');
    const list = await app.request('GET', '/api/v1/admin/users?limit=200', undefined, as);
    const admins = list.json.items.filter(
      (u: { role: string; disabled: boolean; id: string }) =>
        u.role === 'admin' && !u.disabled && u.id !== admin.user.id,
    );
    for (const a of admins) await app.request('PATCH', `/api/v1/admin/users/${a.id}`, { role: 'user' }, as);
    const self = await app.request('PATCH', `/api/v1/admin/users/${admin.user.id}`, { disabled: true }, as);
    expect(self.status).toBe(409);
    expect(self.json.code).toBe('last_admin');
    const demote = await app.request('PATCH', `/api/v1/admin/users/${admin.user.id}`, { role: 'user' }, as);
    expect(demote.json.code).toBe('last_admin');
  });

  it('answers an unknown id with 404', async () => {
    expect((await app.request('PATCH', '/api/v1/admin/users/no-such-id', { role: 'user' }, as)).status).toBe(
      404,
    );
    expect((await app.request('GET', '/api/v1/admin/users/no-such-id', undefined, as)).status).toBe(404);
    expect((await app.request('GET', '/api/v1/admin/users/%00', undefined, as)).status).toBe(400);
  });

  it.each([
    [{ username: 'bad name' }, 'username'],
    [{ username: '' }, 'username'],
    [{ role: 'superuser' }, 'role'],
    [{ disabled: 'yes' }, 'disabled'],
    [{ email: 'nope' }, 'email'],
    [{ lastName: 'x'.repeat(101) }, 'lastName'],
    [{ password: 'x' }, '(body)'],
  ])('refuses %j with 400 naming %s and changes nothing', async (body, field) => {
    const { user } = await localUser(app);
    const res = await app.request(
      'PATCH',
      `/api/v1/admin/users/${user.id}`,
      { firstName: 'Changed', ...body },
      as,
    );
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect((await app.request('GET', `/api/v1/admin/users/${user.id}`, undefined, as)).json.firstName).toBe(
      'Ada',
    );
  });
});

describe('POST /api/v1/admin/users/{id}/password-reset', () => {
  it('emails the user a reset link', async () => {
    const { user } = await localUser(app);
    await newMail();
    const res = await app.request('POST', `/api/v1/admin/users/${user.id}/password-reset`, undefined, as);
    expect(res.status).toBe(202);
    const mail = (await newMail()).find((m) => m.to === user.email);
    expect(linkIn(mail!.text, '/reset-password').token).toBeTruthy();
  });

  it('answers an unknown id with 404', async () => {
    expect((await app.request('POST', '/api/v1/admin/users/nope/password-reset', undefined, as)).status).toBe(
      404,
    );
  });

  it('answers 409 for a user whose password another provider manages', async () => {
    const { user } = await signedInUser(app, { providerId: 'retired-directory' });
    const res = await app.request('POST', `/api/v1/admin/users/${user.id}/password-reset`, undefined, as);
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('password_managed_externally');
    expect(res.json.detail).toContain(user.username);
  });
});
