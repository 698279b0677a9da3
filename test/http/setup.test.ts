import { describe, expect, it } from 'vitest';
import { testApp } from '../support/test-app.js';

const T0 = Date.UTC(2026, 3, 1, 9, 0, 0);
const HOUR = 60 * 60 * 1000;
const PASSWORD = 'violet stapler orbit 1987 canyon';
const admin = { username: 'Admin', email: 'Admin@Studio.example', password: PASSWORD };

/** A Concierge with no administrator yet, a clock the test moves, and a setup token issued at T0. */
async function firstRun() {
  let now = T0;
  const app = await testApp({ clock: () => new Date(now) });
  const token = await app.issueSetupToken();
  if (token === null) throw new Error('expected a setup token on an empty database');
  const counts = async () => ({
    users: (await app.db.kysely.selectFrom('users').select('id').execute()).length,
    outbox: (await app.db.kysely.selectFrom('outbox').select('id').execute()).length,
  });
  return { app, token, counts, advance: (ms: number) => (now += ms) };
}

describe('the /setup page', () => {
  it('shows the form while no administrator exists, and says so with 403 once one does', async () => {
    const { app, token } = await firstRun();
    const open = await app.request('GET', `/setup?token=${token}`);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toContain('text/html');
    expect(open.text).toContain('Create the first administrator');
    expect(open.text).toContain(`value="${token}"`);
    expect(open.text).toContain('<script src="/assets/setup.js"');

    expect((await app.request('POST', '/api/v1/setup', { token, ...admin })).status).toBe(201);
    const closed = await app.request('GET', `/setup?token=${token}`);
    expect(closed.status).toBe(403);
    expect(closed.text).toContain('already set up');
    expect(closed.text).not.toContain(token);
  });

  it('escapes a hostile token in the page', async () => {
    const { app } = await firstRun();
    const res = await app.request('GET', `/setup?token=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('issues no token once an administrator exists', async () => {
    const { app, token } = await firstRun();
    await app.request('POST', '/api/v1/setup', { token, ...admin });
    expect(await app.issueSetupToken()).toBeNull();
  });
});

describe('POST /api/v1/setup', () => {
  it('creates the first administrator and queues the setup-complete email in the same step', async () => {
    const { app, token } = await firstRun();
    const res = await app.request('POST', '/api/v1/setup', {
      token,
      ...admin,
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ id: expect.any(String), username: 'Admin' });
    expect(res.text).not.toContain(PASSWORD);
    const user = await app.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', res.json.id)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      username: 'Admin',
      username_key: 'admin',
      email_key: 'admin@studio.example',
      role: 'admin',
      disabled: 0,
      first_name: 'Ada',
    });
    const credential = await app.db.kysely
      .selectFrom('password_credentials')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(credential.hash).toMatch(/^\$argon2id\$/);
    const emails = await app.db.kysely.selectFrom('outbox').selectAll().execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      template: 'setup-complete',
      to_address: 'Admin@Studio.example',
      status: 'pending',
    });
    expect(emails[0]?.html).toContain('http://concierge.test/login');
  });

  it('refuses the same token a second time', async () => {
    const { app, token, counts } = await firstRun();
    expect((await app.request('POST', '/api/v1/setup', { token, ...admin })).status).toBe(201);
    const again = await app.request('POST', '/api/v1/setup', {
      token,
      ...admin,
      username: 'second',
      email: 'second@studio.example',
    });
    expect(again.status).toBe(403);
    expect(again.json.code).toMatch(/^setup_(unavailable|token_invalid)$/);
    expect(await counts()).toEqual({ users: 1, outbox: 1 });
  });

  it('refuses a token that expired an hour after it was issued, and stores nothing', async () => {
    const { app, token, counts, advance } = await firstRun();
    advance(HOUR);
    const res = await app.request('POST', '/api/v1/setup', { token, ...admin });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('setup_token_invalid');
    expect(res.json.detail).toMatch(/expired/);
    expect(await counts()).toEqual({ users: 0, outbox: 0 });
  });

  it('accepts a token just before it expires', async () => {
    const { app, token, advance } = await firstRun();
    advance(HOUR - 1);
    expect((await app.request('POST', '/api/v1/setup', { token, ...admin })).status).toBe(201);
  });

  it.each(['', 'x', 'not-the-token', 'a'.repeat(200)])(
    'refuses a wrong token (%s) with 403 setup_token_invalid',
    async (wrong) => {
      const { app, counts } = await firstRun();
      const res = await app.request('POST', '/api/v1/setup', { token: wrong, ...admin });
      expect([400, 403]).toContain(res.status);
      expect(res.json.code).toMatch(/^(setup_token_invalid|validation_failed)$/);
      expect(await counts()).toEqual({ users: 0, outbox: 0 });
    },
  );

  it.each([
    ['too short', 'short'],
    ['the username', 'Admin'],
    ['the email address', 'admin@studio.example'],
    ['a common password', 'password1234'],
  ])(
    'refuses a password that is %s with password_policy, stores nothing and keeps the token usable',
    async (_what, password) => {
      const { app, token, counts } = await firstRun();
      const res = await app.request('POST', '/api/v1/setup', { token, ...admin, password });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('password_policy');
      expect(res.json.issues?.[0]?.field).toBe('password');
      expect(res.text).not.toContain(password === 'Admin' ? '"password":"Admin"' : password);
      expect(await counts()).toEqual({ users: 0, outbox: 0 });
      expect((await app.request('POST', '/api/v1/setup', { token, ...admin })).status).toBe(201);
    },
  );

  it.each([
    ['empty', ''],
    ['one character', 'a'],
    ['65 characters', 'a'.repeat(65)],
    ['a path', '../../etc/passwd'],
    ['markup', '<script>alert(1)</script>'],
    ['an LDAP filter', '*)(uid=*'],
    ['SQL', "robert'); drop table users;--"],
    ['a space', 'ada lovelace'],
    ['an at sign', 'admin@studio'],
    ['a NUL byte', 'admin\u0000'],
    ['a right-to-left override', '\u202Eadmin'],
    ['a zero-width space', 'ad\u200Bmin'],
    ['an emoji', 'admin🙂'],
    ['a leading dot', '.admin'],
    ['a leading dash', '-admin'],
    ['a number instead of a string', 42],
  ])('refuses a username that is %s, naming the field and storing nothing', async (_what, username) => {
    const { app, token, counts } = await firstRun();
    const res = await app.request('POST', '/api/v1/setup', { token, ...admin, username });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain('username');
    expect(await counts()).toEqual({ users: 0, outbox: 0 });
  });

  it.each([
    ['not an address', 'admin'],
    ['without a domain dot', 'admin@localhost'],
    ['with a space', 'ad min@studio.example'],
    ['over-long', `${'a'.repeat(250)}@studio.example`],
    ['with a line break', 'admin@studio.example\r\nBcc: victim@evil.example'],
  ])('refuses an email address %s, naming the field', async (_what, email) => {
    const { app, token, counts } = await firstRun();
    const res = await app.request('POST', '/api/v1/setup', { token, ...admin, email });
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { field: string }) => i.field)).toContain('email');
    expect(await counts()).toEqual({ users: 0, outbox: 0 });
  });

  it('refuses a role field: the first account is an administrator by definition, nothing else is accepted', async () => {
    const { app, token, counts } = await firstRun();
    const res = await app.request('POST', '/api/v1/setup', { token, ...admin, role: 'user', disabled: true });
    expect(res.status).toBe(400);
    expect(res.json.detail).toMatch(/role/);
    expect(await counts()).toEqual({ users: 0, outbox: 0 });
  });
});

describe('two setup links used at the same moment', () => {
  it('create exactly one administrator', async () => {
    const app = await testApp();
    const tokens = [await app.issueSetupToken(), await app.issueSetupToken()];
    const answers = await Promise.all(
      tokens.map((token, i) =>
        app.request('POST', '/api/v1/setup', {
          token,
          username: `admin${i}`,
          email: `admin${i}@studio.example`,
          password: PASSWORD,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 403]);
    const admins = await app.db.kysely.selectFrom('users').select('id').where('role', '=', 'admin').execute();
    expect(admins).toHaveLength(1);
  });
});

describe('the /setup form without JavaScript', () => {
  const post = (app: Awaited<ReturnType<typeof testApp>>, fields: Record<string, string>) =>
    app.request('POST', '/setup', new URLSearchParams(fields).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });

  it('creates the administrator from a plain form post and says so on the page', async () => {
    const { app, token, counts } = await firstRun();
    const res = await post(app, { token, ...admin, firstName: '', lastName: 'Lovelace' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('Administrator Admin created');
    expect(await counts()).toEqual({ users: 1, outbox: 1 });
  });

  it('shows a refusal on the page, keeps what was typed but never the password, and stores nothing', async () => {
    const { app, token, counts } = await firstRun();
    const res = await post(app, { token, ...admin, username: '<b>bad name</b>', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Check this field: username');
    expect(res.text).toContain('&lt;b&gt;bad name&lt;/b&gt;');
    expect(res.text).not.toContain('<b>bad name</b>');
    expect(res.text).not.toContain('value="short"');
    expect(res.text).toContain(`value="${token}"`);
    expect(await counts()).toEqual({ users: 0, outbox: 0 });
  });

  it('shows the password rules when the password is refused', async () => {
    const { app, token } = await firstRun();
    const res = await post(app, { token, ...admin, password: 'password1234' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose another password');
    expect(res.text).toContain('Create the first administrator');
  });

  it('answers an expired link with 403 and the reason, and the form stays', async () => {
    const { app, token, advance } = await firstRun();
    advance(HOUR);
    const res = await post(app, { token, ...admin });
    expect(res.status).toBe(403);
    expect(res.text).toContain('expired');
    expect(res.text).toContain('Create the first administrator');
  });

  it('answers 403 with "already set up" once an administrator exists', async () => {
    const { app, token } = await firstRun();
    await post(app, { token, ...admin });
    const res = await post(app, { token, ...admin, username: 'other', email: 'other@studio.example' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('already set up');
  });
});
