import { Attribute, Change } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import { login, mailbox } from '../support/accounts.js';
import { expectProblem } from '../support/http-checks.js';
import { addPerson, ldapProviderConfig, people, removeFromGroup, startSlapd } from '../support/slapd.js';
import { testApp } from '../support/test-app.js';

const slapd = await startSlapd();
afterAll(() => slapd.dispose());

const ldapConfig = (over: Record<string, unknown>) => ldapProviderConfig(slapd, over);

// Users change their directory password here.
const app = await testApp({
  config: { providers: [{ id: 'local', kind: 'local' }, ldapConfig({ passwords: 'directory' })] },
});
// Passwords change only in the directory; users are told whom to ask.
const readOnly = await testApp({
  config: {
    providers: [
      { id: 'local', kind: 'local' },
      ldapConfig({ passwords: 'contact-admin', contact: 'IT helpdesk, it@studio.example' }),
    ],
  },
});

const unique = () => Math.random().toString(36).slice(2, 8);
const person = (over: { inGroup?: boolean } = {}) =>
  addPerson(slapd, {
    uid: `u-${unique()}`,
    password: `pw-${unique()}-long-enough`,
    first: 'Rin',
    last: 'Tanaka',
    ...over,
  });

async function userCount(a: typeof app): Promise<number> {
  const row = await a.db.kysely
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /api/v1/auth/login with an LDAP directory', () => {
  it('creates the user at the first sign-in and signs the same user in again, with the directory names', async () => {
    const p = await person();
    const first = await login(app, p.uid, p.password);
    expect(first.status).toBe(200);
    expect(first.json.user).toMatchObject({
      username: p.uid,
      email: p.mail,
      firstName: 'Rin',
      lastName: 'Tanaka',
    });
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: first.cookie });
    expect(me.json).toMatchObject({
      provider: { id: 'studio-ldap', kind: 'ldap', displayName: 'Studio directory' },
      capabilities: { changePassword: true, resetPassword: false, editEmail: false, editName: false },
    });
    expect(me.json.credentialsHelp).toContain('kept by Studio directory');
    // The directory renames her: the next sign-in refreshes the synced fields.
    await slapd.asRoot((c) =>
      c.modify(
        p.dn,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'givenName', values: ['Rina'] }),
        }),
      ),
    );
    const second = await login(app, p.mail, p.password);
    expect(second.json.user.id).toBe(first.json.user.id);
    expect(second.json.user.firstName).toBe('Rina');
  });

  it('signs in the seed users with non-ASCII names and LDAP special characters in their uid', async () => {
    const zoe = await login(app, 'zoe', people.zoe.password);
    expect(zoe.json.user).toMatchObject({ firstName: 'Zoé', lastName: 'Lefèvre-Ødegård' });
    const special = await login(app, people.special.uid, people.special.password);
    expect(special.status).toBe(200);
    // The uid does not fit Concierge's username rule: it is made to fit, the account stays keyed by entryUUID.
    expect(special.json.user.username).toBe('ops_x_y');
  });

  it('answers a wrong password like an unknown user, with 401 invalid_credentials', async () => {
    const p = await person();
    const wrong = await login(app, p.uid, 'not-the-password');
    const unknown = await login(app, `nobody-${unique()}`, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    expect(unknown.json.code).toBe('invalid_credentials');
  });

  it.each([
    ['*', '*'],
    ['*)(uid=*', '*)(uid=*'],
    ['admin)(|(uid=*', 'admin)(|(uid=*'],
    ['adm*', 'adm*'],
    ['admin followed by NUL', 'admin\u0000'],
    ['10 kB', 'a'.repeat(10_240)],
  ])(
    'never signs anyone in with the hostile identifier %s, and creates nobody',
    async (_label, identifier) => {
      const before = await userCount(app);
      const res = await login(app, identifier, people.admin.password);
      expect([400, 401]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(await userCount(app)).toBe(before);
    },
  );

  it('refuses a directory user outside the group, and one removed from it after signing in', async () => {
    const outsider = await person({ inGroup: false });
    expect((await login(app, outsider.uid, outsider.password)).status).toBe(401);
    const leaver = await person();
    expect((await login(app, leaver.uid, leaver.password)).status).toBe(200);
    await removeFromGroup(slapd, leaver.dn);
    expect((await login(app, leaver.uid, leaver.password)).status).toBe(401);
  });

  it('keeps names and email read-only: 409 field_managed_externally naming the directory', async () => {
    const p = await person();
    const { cookie } = await login(app, p.uid, p.password);
    for (const patch of [{ firstName: 'Other' }, { email: `x-${unique()}@studio.example` }]) {
      const res = await app.request('PATCH', '/api/v1/me', patch, { cookie });
      expect(res.status).toBe(409);
      expect(res.json.code).toBe('field_managed_externally');
      expect(res.json.detail).toContain('Studio directory');
    }
    const prefs = await app.request(
      'PATCH',
      '/api/v1/me',
      { preferences: { fuzzyDates: false } },
      { cookie },
    );
    expect(prefs.status).toBe(200);
  });
});

describe('POST /api/v1/me/password for directory users', () => {
  const change = (cookie: string, currentPassword: string, newPassword: string) =>
    app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword, newPassword, confirmPassword: newPassword },
      { cookie },
    );

  it('changes the password in the directory (passwords: directory)', async () => {
    const p = await person();
    const { cookie } = await login(app, p.uid, p.password);
    const next = `new-${unique()}-directory-pw`;
    const res = await change(cookie, p.password, next);
    expect(res.status).toBe(204);
    expect((await login(app, p.uid, next)).status).toBe(200);
    expect((await login(app, p.uid, p.password)).status).toBe(401);
  });

  it('answers a wrong current password with 400 current_password_incorrect', async () => {
    const p = await person();
    const { cookie } = await login(app, p.uid, p.password);
    const res = await change(cookie, 'not-my-password', `new-${unique()}-directory-pw`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('current_password_incorrect');
    expect((await login(app, p.uid, p.password)).status).toBe(200);
  });

  it('answers a password the directory policy refuses with 400 password_policy', async () => {
    const p = await person();
    const { cookie } = await login(app, p.uid, p.password);
    const res = await change(cookie, p.password, 'short');
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('password_policy');
    expect(res.json.detail).toContain('Studio directory refused the new password');
  });

  it('answers 409 password_managed_externally with the contact where passwords stay in the directory', async () => {
    const p = await person();
    const { cookie } = await login(readOnly, p.uid, p.password);
    const res = await readOnly.request(
      'POST',
      '/api/v1/me/password',
      {
        currentPassword: p.password,
        newPassword: 'whatever-new-pass-1',
        confirmPassword: 'whatever-new-pass-1',
      },
      { cookie },
    );
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('password_managed_externally');
    expect(res.json.detail).toContain('IT helpdesk, it@studio.example');
  });

  it('answers a reset request for a directory user alike, emailing who manages the password and no link', async () => {
    const p = await person();
    expect((await login(readOnly, p.uid, p.password)).status).toBe(200);
    const newMail = mailbox(readOnly);
    await newMail();
    const res = await readOnly.request('POST', '/api/v1/auth/password-reset', { identifier: p.uid });
    const unknown = await readOnly.request('POST', '/api/v1/auth/password-reset', {
      identifier: `x-${unique()}`,
    });
    expect(res.status).toBe(202);
    expect(res.json).toEqual(unknown.json);
    const mails = (await newMail()).filter((m) => m.to.includes(p.mail));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('IT helpdesk, it@studio.example');
    expect(mails[0]?.text).not.toMatch(/reset-password\?token=/);
  });
});

// Sign-in counters live in Concierge's database whatever the provider; this app's clock lets a lock run out.
let now = Date.UTC(2026, 2, 2, 9, 0, 0);
const clocked = await testApp({
  clock: () => new Date(now),
  config: {
    providers: [{ id: 'local', kind: 'local' }, ldapConfig({ contact: 'IT helpdesk, it@studio.example' })],
  },
});

describe('sign-in lock-out for directory users', () => {
  const newMail = mailbox(clocked);
  const failTenTimes = async (identifier: string) => {
    for (let i = 1; i <= 10; i++) {
      // The failure that starts the lock still answers 401, like any other wrong password.
      expect((await login(clocked, identifier, `wrong-${i}`)).json.code).toBe('invalid_credentials');
    }
  };
  const expectLocked = (res: Awaited<ReturnType<typeof login>>) => {
    expectProblem(res, 429, 'too_many_requests');
    expect(Number(res.headers.get('retry-after'))).toBe(600);
    expect(res.cookie).toBe('');
  };

  it('locks a directory user after 10 failed sign-ins, even for the right password, until the lock ends', async () => {
    const p = await person();
    expect((await login(clocked, p.uid, p.password)).status).toBe(200);
    await newMail();
    await failTenTimes(p.uid);
    expectLocked(await login(clocked, p.uid, p.password));
    expectLocked(await login(clocked, p.mail, p.password));
    now += 10 * 60 * 1000;
    expect((await login(clocked, p.uid, p.password)).status).toBe(200);
  });

  it('emails a known directory user once per lock, naming whom to ask rather than a reset link', async () => {
    const p = await person();
    expect((await login(clocked, p.uid, p.password)).status).toBe(200);
    await newMail();
    await failTenTimes(p.uid);
    await login(clocked, p.uid, 'wrong-again');
    const mails = (await newMail()).filter((m) => m.to === p.mail);
    expect(mails.map((m) => m.subject)).toEqual(['Sign-in to your Concierge account is paused']);
    expect(mails[0]?.text).toContain('10 minutes');
    expect(mails[0]?.text).toContain('Studio directory');
    expect(mails[0]?.text).toContain('IT helpdesk, it@studio.example');
    expect(mails[0]?.text).not.toContain('/forgot-password');
  });

  it('answers a locked account without asking the directory: 429 even while it is down', async () => {
    const p = await person();
    expect((await login(clocked, p.uid, p.password)).status).toBe(200);
    await failTenTimes(p.uid);
    await slapd.stop();
    try {
      expectLocked(await login(clocked, p.uid, p.password));
    } finally {
      await slapd.start();
    }
  });

  it('locks a directory person who never signed in here, creating and emailing nobody', async () => {
    const p = await person();
    const before = await userCount(clocked);
    await newMail();
    await failTenTimes(p.uid);
    expectLocked(await login(clocked, p.uid, p.password));
    expect(await userCount(clocked)).toBe(before);
    expect(await newMail()).toEqual([]);
    now += 10 * 60 * 1000;
    expect((await login(clocked, p.uid, p.password)).status).toBe(200);
    expect(await userCount(clocked)).toBe(before + 1);
  });

  it('throttles a username the directory does not know alike, without creating a user', async () => {
    const before = await userCount(clocked);
    const known = await person();
    expect((await login(clocked, known.uid, known.password)).status).toBe(200);
    await failTenTimes(known.uid);
    const ghost = `ghost-${unique()}`;
    await failTenTimes(ghost);
    const locked = await login(clocked, ghost, 'any-password');
    expectLocked(locked);
    // The same words as for an existing account, so a lock never tells whether the name exists.
    expect(locked.json.detail).toBe((await login(clocked, known.uid, known.password)).json.detail);
    expect(await userCount(clocked)).toBe(before + 1);
  });
});
