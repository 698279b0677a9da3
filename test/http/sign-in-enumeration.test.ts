import { Attribute, Change } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/domain/auth/password-hasher.js';
import { localUser, login, signedInLocal } from '../support/accounts.js';
import { googleProviderConfig, oidcSignIn, startOidcProvider } from '../support/oidc-provider.js';
import {
  addPerson,
  baseDn,
  type DirectoryOperations,
  directoryWork,
  ldapProviderConfig,
  startSlapd,
} from '../support/slapd.js';
import { testApp, testOrigin } from '../support/test-app.js';

// Sign-in must not tell whether an account exists, or what kind it is, whatever providers are
// configured: a failed attempt gets the same reply, byte for byte, and costs the same work for an unknown
// identifier, a local account, a directory account and one whose password is kept elsewhere. The work is
// counted, never timed: argon2 verifications (the real hasher, counted), SQL statements (every one the app
// runs, in order) and the directory's own operation counters (slapd's cn=Monitor).
const slapd = await startSlapd();
afterAll(() => slapd.dispose());
const op = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/google/callback`] });
afterAll(() => op.close());

const unique = () => Math.random().toString(36).slice(2, 8);
const wrongPassword = 'not-anybodys-password-9';
// The same request id and client address for every attempt, so that even those parts of the reply and the
// per-address counter's statements are the same; a fixed clock makes the Retry-After of a lock the same.
const sameRequest = { 'x-request-id': 'enumeration-probe', 'x-forwarded-for': '192.0.2.7' };
const clock = () => new Date('2026-11-30T09:00:00Z');

const ldap = ldapProviderConfig(slapd);
const google = googleProviderConfig(op, { autoCreate: ['studio.example'] });
const local = { id: 'local', kind: 'local' };
// Two directories: the studio's artists and, as a second provider, its engineers.
const twoDirectories = [
  local,
  ldapProviderConfig(slapd, { userBase: `ou=artists,ou=people,${baseDn}` }),
  ldapProviderConfig(slapd, { id: 'eng-ldap', userBase: `ou=engineers,ou=people,${baseDn}` }),
];

/** A Concierge whose work is counted: argon2 verifications and every SQL statement. */
async function countedApp(providers: readonly unknown[], throttle?: Record<string, unknown>) {
  let verifications = 0;
  let statements: string[] = [];
  const app = await testApp({
    clock,
    config: {
      providers,
      server: { publicUrl: testOrigin, trustProxy: true },
      // High limits: the suite makes many failed attempts from one address and for one account.
      auth: {
        throttle: throttle ?? {
          account: { maxAttempts: 1000, windowMinutes: 10, lockMinutes: 10 },
          ip: { maxAttempts: 1000, windowMinutes: 10, lockMinutes: 10 },
        },
      },
    },
    hasher: (real): PasswordHasher => ({
      hash: real.hash,
      async verify(hash, password) {
        verifications++;
        return real.verify(hash, password);
      },
    }),
    onStatement: (sql) => statements.push(sql),
  });
  const directories = providers.filter((p) => (p as { kind: string }).kind === 'ldap').length;

  /** One sign-in attempt: its reply as bytes, and what it cost. */
  async function attempt(identifier: string, password: string, options: { directoryDown?: boolean } = {}) {
    verifications = 0;
    statements = [];
    let res!: Awaited<ReturnType<typeof login>>;
    const directory: DirectoryOperations | null =
      directories > 0 && !options.directoryDown
        ? await directoryWork(slapd, async () => {
            res = await login(app, identifier, password, sameRequest);
          })
        : null;
    if (!directory) res = await login(app, identifier, password, sameRequest);
    const reply = { status: res.status, headers: [...res.headers.entries()], body: res.text };
    return { reply, work: { verifications, statements, directory } };
  }
  return { app, attempt, directories };
}

type Counted = Awaited<ReturnType<typeof countedApp>>;

/** An account of every kind the setup can hold: what one types to sign in, and a password that fails. */
async function accounts(counted: Counted, kinds: { ldap: boolean; oidc: boolean }) {
  const { app } = counted;
  const found: Record<string, { identifier: string; password: string }> = {};
  const add = (kind: string, identifier: string, password = wrongPassword) => {
    found[kind] = { identifier, password };
  };
  const admin = await signedInLocal(app, { role: 'admin' });
  const disable = async (userId: string) => {
    const res = await app.request(
      'PATCH',
      `/api/v1/admin/users/${userId}`,
      { disabled: true },
      admin.headers,
    );
    expect(res.status).toBe(200);
  };
  const person = (over: { ou?: 'artists' | 'engineers'; inGroup?: boolean } = {}) =>
    addPerson(slapd, { uid: `p-${unique()}`, password: `pw-${unique()}-long-enough`, ...over });
  const signedUp = async (p: { uid: string; password: string }) => {
    const res = await login(app, p.uid, p.password);
    expect(res.status).toBe(200);
    return res.json.user.id as string;
  };

  add('local account', (await localUser(app)).user.username);
  add('local account by email', (await localUser(app)).user.email.toUpperCase());
  const invited = await app.createUser({
    username: `invited-${unique()}`,
    email: `i-${unique()}@studio.example`,
  });
  add('local account invited, no password yet', invited.username);
  const disabled = await localUser(app);
  await disable(disabled.user.id);
  add('disabled local account', disabled.user.username);
  if (kinds.ldap) {
    add('directory account', (await signedUpPerson()).uid);
    const engineer = await person({ ou: 'engineers' });
    await signedUp(engineer);
    add('directory account (engineers)', engineer.mail);
    add('directory person never signed in here', (await person()).uid);
    add('directory person outside the group', (await person({ inGroup: false })).uid);
    const leaver = await person();
    await disable(await signedUp(leaver));
    add('disabled directory account', leaver.uid);
    // A local account named like a directory person, tried with the directory's password: the
    // directory is searched for the name as for anyone, but never asked to check that password.
    const twin = await person();
    await localUser(app, { username: twin.uid });
    add('local account named like a directory person', twin.uid, twin.password);
  }
  if (kinds.oidc) {
    const sub = op.addAccount({
      email: `g-${unique()}@studio.example`,
      email_verified: true,
      hd: 'studio.example',
    });
    const signedIn = await oidcSignIn(app.app, sub);
    expect(signedIn.cookie).not.toBe('');
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: signedIn.cookie });
    expect(me.json.provider.kind).toBe('oidc');
    add('Google account (no password here)', me.json.email);
  }
  return found;

  async function signedUpPerson() {
    const p = await person();
    await signedUp(p);
    return p;
  }
}

const setups = [
  { name: 'local accounts only', providers: [local], ldap: false, oidc: false },
  { name: 'local and Google', providers: [local, google], ldap: false, oidc: true },
  { name: 'local and LDAP', providers: [local, ldap], ldap: true, oidc: false },
  { name: 'local, LDAP and Google', providers: [local, ldap, google], ldap: true, oidc: true },
  { name: 'local and two directories', providers: twoDirectories, ldap: true, oidc: false },
];

// What one directory serves for any failed attempt: a connection, the service bind, the search for the
// identifier, the group check, one more bind (the person's, or the service account's again), the unbind.
const perDirectory = { connections: 1, binds: 2, searches: 2, unbinds: 1 };

describe.each(setups)('a failed sign-in with $name', (setup) => {
  it('answers the same bytes after the same work for every kind of identifier', async () => {
    const counted = await countedApp(setup.providers);
    const kinds = await accounts(counted, setup);
    const baseline = await counted.attempt(`nobody-${unique()}`, wrongPassword);
    expect(baseline.reply.status).toBe(401);
    expect(JSON.parse(baseline.reply.body).code).toBe('invalid_credentials');
    expect(baseline.reply.headers.some(([name]) => name === 'set-cookie')).toBe(false);
    expect(baseline.work.verifications).toBe(1);
    // The lock checks (address, account), the account look-up, the two failure counters: nothing else.
    expect(baseline.work.statements).toHaveLength(5);
    const n = counted.directories;
    expect(baseline.work.directory).toEqual(
      n === 0
        ? null
        : {
            connections: n * perDirectory.connections,
            binds: n * perDirectory.binds,
            searches: n * perDirectory.searches,
            unbinds: n * perDirectory.unbinds,
          },
    );
    const tries = [
      ['another unknown identifier', { identifier: `nobody-${unique()}`, password: wrongPassword }] as const,
      ...Object.entries(kinds),
    ];
    // Twice each: the first attempt for an account must not cost more or less than later ones either.
    for (const [kind, { identifier, password }] of tries) {
      for (let round = 0; round < 2; round++) {
        const seen = await counted.attempt(identifier, password);
        expect({ kind, ...seen.reply }).toEqual({ kind, ...baseline.reply });
        expect({ kind, ...seen.work }).toEqual({ kind, ...baseline.work });
      }
    }
  });
});

describe('a locked account', () => {
  it('answers the same 429 after the same work as a locked unknown identifier', async () => {
    const counted = await countedApp([local, ldap], {
      account: { maxAttempts: 2, windowMinutes: 10, lockMinutes: 10 },
      ip: { maxAttempts: 1000, windowMinutes: 10, lockMinutes: 10 },
    });
    const directoryPerson = await addPerson(slapd, {
      uid: `l-${unique()}`,
      password: `pw-${unique()}-long-enough`,
    });
    expect((await login(counted.app, directoryPerson.uid, directoryPerson.password)).status).toBe(200);
    const identifiers = {
      'unknown identifier': `nobody-${unique()}`,
      'local account': (await localUser(counted.app)).user.username,
      'directory account': directoryPerson.uid,
    };
    const locked = [];
    for (const [kind, identifier] of Object.entries(identifiers)) {
      // The attempt that starts the lock still answers 401 for all (an owner's notice is queued then).
      const failures = [
        await counted.attempt(identifier, wrongPassword),
        await counted.attempt(identifier, wrongPassword),
      ];
      expect(failures.map((f) => f.reply.status)).toEqual([401, 401]);
      const seen = await counted.attempt(identifier, wrongPassword);
      expect(seen.reply.status).toBe(429);
      // Refused before any password check, for every kind alike.
      expect(seen.work.verifications).toBe(0);
      expect(seen.work.directory).toEqual({ connections: 0, binds: 0, searches: 0, unbinds: 0 });
      locked.push({ kind, ...seen });
    }
    const [first, ...rest] = locked;
    expect(first!.reply.headers).toContainEqual(['retry-after', '600']);
    for (const other of rest) {
      expect({ kind: other.kind, ...other.reply, work: other.work }).toEqual({
        kind: other.kind,
        ...first!.reply,
        work: first!.work,
      });
    }
  });
});

describe('a local account named like a directory person', () => {
  it("never sends the local account's password to the directory: no bind as that person", async () => {
    const counted = await countedApp([local, ldap]);
    // A policy that records every failed bind of its people (pwdFailureTime), for the two used here.
    const policy = `cn=counting-${unique()},ou=policies,${baseDn}`;
    await slapd.asRoot((c) =>
      c.add(policy, {
        objectClass: ['device', 'pwdPolicy'],
        cn: policy.split(',')[0]!.slice(3),
        pwdAttribute: 'userPassword',
        pwdLockout: 'TRUE',
        pwdMaxFailure: '1000',
      }),
    );
    const counting = async () => {
      const p = await addPerson(slapd, { uid: `c-${unique()}`, password: `pw-${unique()}-long-enough` });
      await slapd.asRoot((c) =>
        c.modify(
          p.dn,
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'pwdPolicySubentry', values: [policy] }),
          }),
        ),
      );
      return p;
    };
    const failedBinds = async (dn: string) => {
      const { searchEntries } = await slapd.asRoot((c) =>
        c.search(dn, { scope: 'base', attributes: ['pwdFailureTime'] }),
      );
      const value = searchEntries[0]?.pwdFailureTime;
      return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
    };
    const twin = await counting();
    await localUser(counted.app, { username: twin.uid });
    const directoryOnly = await counting();

    const byTwin = await counted.attempt(twin.uid, 'a-wrong-password-1');
    const byDirectory = await counted.attempt(directoryOnly.uid, 'a-wrong-password-1');
    expect(byTwin.reply).toEqual(byDirectory.reply);
    expect(byTwin.work).toEqual(byDirectory.work);
    // The directory person's wrong password was checked by the directory; the local account's never was.
    expect(await failedBinds(directoryOnly.dn)).toBe(1);
    expect(await failedBinds(twin.dn)).toBe(0);
  });
});

// Last: it stops the directory.
describe('while the directory cannot be reached', () => {
  it('answers every failed attempt alike (503), after the same work, and local accounts still sign in', async () => {
    const counted = await countedApp([local, ldap]);
    const person = await addPerson(slapd, { uid: `d-${unique()}`, password: `pw-${unique()}-long-enough` });
    expect((await login(counted.app, person.uid, person.password)).status).toBe(200);
    const localAccount = await localUser(counted.app);
    await slapd.stop();
    try {
      const seen = [];
      for (const identifier of [`nobody-${unique()}`, localAccount.user.username, person.uid, person.mail]) {
        seen.push(await counted.attempt(identifier, wrongPassword, { directoryDown: true }));
      }
      const [first, ...rest] = seen;
      expect(first!.reply.status).toBe(503);
      expect(JSON.parse(first!.reply.body).code).toBe('provider_unavailable');
      expect(first!.work.verifications).toBe(1);
      for (const other of rest) expect(other).toEqual(first);
      const right = await counted.attempt(localAccount.user.username, localAccount.password, {
        directoryDown: true,
      });
      expect(right.reply.status).toBe(200);
    } finally {
      await slapd.start();
    }
  });
});
