import { Attribute, Change } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/adapters/db/database.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { login, signedInLocal } from '../support/accounts.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/http-checks.js';
import { googleProviderConfig, oidcSignIn, startOidcProvider } from '../support/oidc-provider.js';
import {
  addPerson,
  baseDn,
  groupDn,
  ldapProviderConfig,
  people,
  removeFromGroup,
  startSlapd,
} from '../support/slapd.js';
import { testApp, testOrigin } from '../support/test-app.js';

// The directory re-check: people removed from the directory, or from its group, lose their sessions and
// API keys at the next run, not only their next sign-in. A real slapd, a real OpenID provider standing in
// for Google, and both database engines.
const slapd = await startSlapd();
afterAll(() => slapd.dispose());
const op = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/google/callback`] });
afterAll(() => op.close());

const config = {
  providers: [
    { id: 'local', kind: 'local' },
    ldapProviderConfig(slapd),
    // The same directory with a group that does not exist: every question about membership is an error.
    ldapProviderConfig(slapd, { id: 'broken-ldap', group: { dn: `cn=missing,ou=groups,${baseDn}` } }),
    // Entries carry no employeeNumber: accounts of this provider are keyed by their DN.
    ldapProviderConfig(slapd, {
      id: 'dn-ldap',
      userBase: `ou=artists,ou=people,${baseDn}`,
      attributes: { subject: 'employeeNumber' },
    }),
    googleProviderConfig(op, { allowedDomains: ['studio.example'], autoCreate: ['studio.example'] }),
  ],
};
const apps = new Map<Dialect, Awaited<ReturnType<typeof testApp>>>();
for (const engine of engines) apps.set(engine, await testApp({ engine, config }));

const unique = () => Math.random().toString(36).slice(2, 8);

describe.each(engines)('directory re-check on %s', (engine) => {
  const app = apps.get(engine)!;
  const recheck = (providerId = 'studio-ldap') => {
    const job = app.directoryRechecks.find((j) => j.name === `directory-recheck:${providerId}`);
    if (!job) throw new Error(`no re-check job for ${providerId}`);
    return job.runOnce();
  };
  const me = (headers: Record<string, string>) => app.request('GET', '/api/v1/me', undefined, headers);
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  /** A directory person signed in, with a session cookie and a personal API key. */
  async function directoryUser() {
    const person = await addPerson(slapd, { uid: `r-${unique()}`, password: `pw-${unique()}-long-enough` });
    const signedIn = await login(app, person.uid, person.password);
    expect(signedIn.status).toBe(200);
    const key = await app.request(
      'POST',
      '/api/v1/me/api-keys',
      { name: 'Render farm' },
      { cookie: signedIn.cookie },
    );
    expect(key.status).toBe(201);
    return { ...person, id: signedIn.json.user.id as string, cookie: signedIn.cookie, key: key.json.key };
  }

  async function adminHeaders() {
    return (await signedInLocal(app, { role: 'admin' })).headers;
  }

  const readdToGroup = (dn: string) =>
    slapd.asRoot((c) =>
      c.modify(
        groupDn,
        new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }),
      ),
    );

  it('disables someone removed from the group: session gone, API key refused, sign-in refused; others untouched', async () => {
    const leaver = await directoryUser();
    const stayer = await directoryUser();
    await removeFromGroup(slapd, leaver.dn);

    const outcome = await recheck();
    expect(outcome.status).toBe('done');
    const disabled = outcome.disabled.map((u) => u.userId);
    expect(disabled).toContain(leaver.id);
    expect(disabled).not.toContain(stayer.id);

    expectProblem(await me({ cookie: leaver.cookie }), 401, 'unauthenticated');
    const byKey = await me(bearer(leaver.key));
    expectProblem(byKey, 401, 'unauthenticated');
    expect(byKey.json.detail).toContain('is disabled');
    // Refused; as broken-ldap cannot be asked, every failed sign-in here answers 503, whoever tries.
    expectProblem(await login(app, leaver.uid, leaver.password), 503, 'provider_unavailable');
    const sessions = await app.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', leaver.id)
      .execute();
    expect(sessions).toEqual([]);

    expect((await me({ cookie: stayer.cookie })).status).toBe(200);
    expect((await me(bearer(stayer.key))).status).toBe(200);
    // A second run finds nothing more to do about the leaver.
    expect((await recheck()).disabled.map((u) => u.userId)).not.toContain(leaver.id);
  });

  it('shows administrators why an account is disabled: the directory (which one, when) or an administrator', async () => {
    const admin = await adminHeaders();
    const leaver = await directoryUser();
    const stayer = await directoryUser();
    await removeFromGroup(slapd, leaver.dn);
    const before = Date.now();
    expect((await recheck()).disabled.map((u) => u.userId)).toContain(leaver.id);

    const shown = await app.request('GET', `/api/v1/admin/users/${leaver.id}`, undefined, admin);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({
      disabled: true,
      disabledBy: 'directory',
      disabledByDirectory: { providerId: 'studio-ldap', providerName: expect.any(String) },
    });
    const at = Date.parse(shown.json.disabledByDirectory.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    const listed = await app.request('GET', `/api/v1/admin/users?search=${leaver.uid}`, undefined, admin);
    expect(listed.json.items).toEqual([
      expect.objectContaining({
        id: leaver.id,
        disabledBy: 'directory',
        disabledByDirectory: shown.json.disabledByDirectory,
      }),
    ]);

    const enabled = await app.request('GET', `/api/v1/admin/users/${stayer.id}`, undefined, admin);
    expect(enabled.json).toMatchObject({ disabled: false, disabledBy: null, disabledByDirectory: null });

    // An administrator confirming the disable makes it theirs.
    const patched = await app.request('PATCH', `/api/v1/admin/users/${leaver.id}`, { disabled: true }, admin);
    expect(patched.json).toMatchObject({
      disabled: true,
      disabledBy: 'administrator',
      disabledByDirectory: null,
    });
    const patchedStayer = await app.request(
      'PATCH',
      `/api/v1/admin/users/${stayer.id}`,
      { disabled: true },
      admin,
    );
    expect(patchedStayer.json).toMatchObject({ disabledBy: 'administrator', disabledByDirectory: null });

    const spec = await app.request('GET', '/api/v1/openapi.json');
    const adminUser = spec.json.components.schemas.AdminUser.properties;
    expect(adminUser.disabledBy.description).toContain('directory re-check');
    expect(adminUser.disabledByDirectory.description).toContain('no longer listed');
  });

  it('disables someone whose entry was deleted from the directory', async () => {
    const gone = await directoryUser();
    // Deleted outright: the group keeps a member value that names nobody.
    await slapd.asRoot((c) => c.del(gone.dn));
    expect((await recheck()).disabled.map((u) => u.userId)).toContain(gone.id);
    expectProblem(await me(bearer(gone.key)), 401, 'unauthenticated');
  });

  it('leaves alone a directory user with no live session or API key (nothing to take away)', async () => {
    const person = await addPerson(slapd, { uid: `r-${unique()}`, password: `pw-${unique()}-long-enough` });
    const signedIn = await login(app, person.uid, person.password);
    expect(
      (await app.request('POST', '/api/v1/auth/logout', undefined, { cookie: signedIn.cookie })).status,
    ).toBe(204);
    await removeFromGroup(slapd, person.dn);
    expect((await recheck()).disabled.map((u) => u.userId)).not.toContain(signedIn.json.user.id);
    const admin = await adminHeaders();
    const shown = await app.request('GET', `/api/v1/admin/users/${signedIn.json.user.id}`, undefined, admin);
    expect(shown.json.disabled).toBe(false);
  });

  it('re-enables at the next sign-in someone who is back in the group, with their API key working again', async () => {
    const returner = await directoryUser();
    await removeFromGroup(slapd, returner.dn);
    expect((await recheck()).disabled.map((u) => u.userId)).toContain(returner.id);
    await readdToGroup(returner.dn);

    const again = await login(app, returner.uid, returner.password);
    expect(again.status).toBe(200);
    expect(again.json.user.id).toBe(returner.id);
    expect((await me({ cookie: again.cookie })).status).toBe(200);
    expect((await me(bearer(returner.key))).status).toBe(200);
    // The session the re-check ended stays ended.
    expectProblem(await me({ cookie: returner.cookie }), 401, 'unauthenticated');
  });

  it("never undoes an administrator's disable, even after the re-check disabled the same person", async () => {
    const admin = await adminHeaders();
    // Disabled by an administrator while still in the directory.
    const byAdmin = await directoryUser();
    const patched = await app.request(
      'PATCH',
      `/api/v1/admin/users/${byAdmin.id}`,
      { disabled: true },
      admin,
    );
    expect(patched.status).toBe(200);
    expectProblem(await login(app, byAdmin.uid, byAdmin.password), 403, 'account_disabled');

    // Disabled by the re-check, then confirmed disabled by an administrator, then back in the group.
    const confirmed = await directoryUser();
    await removeFromGroup(slapd, confirmed.dn);
    expect((await recheck()).disabled.map((u) => u.userId)).toContain(confirmed.id);
    await app.request('PATCH', `/api/v1/admin/users/${confirmed.id}`, { disabled: true }, admin);
    await readdToGroup(confirmed.dn);
    expectProblem(await login(app, confirmed.uid, confirmed.password), 403, 'account_disabled');
    expectProblem(await me(bearer(confirmed.key)), 401, 'unauthenticated');
  });

  it('changes nothing while the directory is down, and acts once it answers again', async () => {
    const leaver = await directoryUser();
    await removeFromGroup(slapd, leaver.dn);
    await slapd.stop();
    try {
      const outcome = await recheck();
      expect(outcome.status).toBe('unreachable');
      expect(outcome.disabled).toEqual([]);
      expect((await me({ cookie: leaver.cookie })).status).toBe(200);
      expect((await me(bearer(leaver.key))).status).toBe(200);
    } finally {
      await slapd.start();
    }
    expect((await recheck()).disabled.map((u) => u.userId)).toContain(leaver.id);
  });

  /**
   * A user of `providerId` linked to `subject` the way a sign-in would have linked them, with a live
   * session: for providers nobody can sign in through here (a broken group, DN-keyed accounts).
   */
  async function linkedUser(providerId: string, subject: string): Promise<string> {
    const { user } = await signedInLocal(app);
    const now = Date.now();
    await app.db.kysely
      .updateTable('users')
      .set({ provider_id: providerId })
      .where('id', '=', user.id)
      .execute();
    await app.db.kysely
      .insertInto('external_identities')
      .values({
        provider_id: providerId,
        issuer: baseDn,
        subject,
        user_id: user.id,
        created_at: now,
        last_sign_in_at: now,
      })
      .execute();
    return user.id;
  }

  const isDisabled = async (userId: string) =>
    (
      await app.db.kysely
        .selectFrom('users')
        .select('disabled')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).disabled === 1;

  it('changes nothing when the directory answers with an error (a group that does not exist)', async () => {
    const person = await addPerson(slapd, { uid: `r-${unique()}`, password: `pw-${unique()}-long-enough` });
    const [entry] = await slapd.asRoot(async (c) => {
      const { searchEntries } = await c.search(person.dn, { scope: 'base', attributes: ['entryUUID'] });
      return searchEntries;
    });
    const userId = await linkedUser('broken-ldap', String(entry?.entryUUID));

    const outcome = await recheck('broken-ldap');
    expect(outcome.status).toBe('unreachable');
    expect(await isDisabled(userId)).toBe(false);
  });

  it('re-checks accounts keyed by DN (a directory without the subject attribute) by their entry', async () => {
    const stays = await addPerson(slapd, { uid: `d-${unique()}`, password: `pw-${unique()}-long-enough` });
    const deleted = await addPerson(slapd, { uid: `d-${unique()}`, password: `pw-${unique()}-long-enough` });
    const stayer = await linkedUser('dn-ldap', stays.dn);
    const leaver = await linkedUser('dn-ldap', deleted.dn);
    // Bob is in the group, but under ou=engineers: not one of this provider's people (userBase).
    const outside = await linkedUser('dn-ldap', people.bob.dn);
    await slapd.asRoot((c) => c.del(deleted.dn));

    const outcome = await recheck('dn-ldap');
    expect(outcome.status).toBe('done');
    expect(await isDisabled(stayer)).toBe(false);
    expect(await isDisabled(leaver)).toBe(true);
    expect(await isDisabled(outside)).toBe(true);
  });

  it('never touches local or Google users, whatever the directory says', async () => {
    const local = await signedInLocal(app);
    const localKey = await app.request('POST', '/api/v1/me/api-keys', { name: 'Script' }, local.headers);
    const google = await googleSession();
    const googleKey = await app.request('POST', '/api/v1/me/api-keys', { name: 'Script' }, google);
    // The directory has someone to remove in the same run.
    const leaver = await directoryUser();
    await removeFromGroup(slapd, leaver.dn);

    const outcome = await recheck();
    expect(outcome.disabled.map((u) => u.userId)).toEqual([leaver.id]);
    for (const headers of [local.headers, bearer(localKey.json.key), google, bearer(googleKey.json.key)]) {
      expect((await me(headers)).status).toBe(200);
    }
  });

  async function googleSession(): Promise<{ cookie: string }> {
    const email = `g-${unique()}@studio.example`;
    const sub = op.addAccount({ email, email_verified: true, hd: 'studio.example', given_name: 'Gia' });
    const { cookie } = await oidcSignIn(app.app, sub);
    expect(cookie).not.toBe('');
    return { cookie };
  }
});

describe('providers[].recheck configuration', () => {
  const ldap = (over: Record<string, unknown> = {}) => ({
    providers: [{ id: 'local', kind: 'local' }, ldapProviderConfig(slapd, over)],
  });

  it('runs every 15 minutes unless told otherwise, and can be turned off', () => {
    const [, provider] = parseConfig(ldap()).providers;
    expect(provider?.kind === 'ldap' && provider.recheck).toEqual({
      enabled: true,
      schedule: '0 */15 * * * *',
      maxDisableFraction: 0.2,
      brakeMinimum: 5,
    });
    const off = parseConfig(ldap({ recheck: { enabled: false } }));
    expect(off.providers[1]?.kind === 'ldap' && off.providers[1].recheck.enabled).toBe(false);
  });

  it('refuses a schedule that is not a cron pattern, naming the key', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig(ldap({ recheck: { schedule: 'every quarter hour' } }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.some((p) => p.startsWith('providers.1.recheck.schedule: not a cron pattern'))).toBe(true);
  });

  it('refuses a brake share outside 0–1 or a negative minimum, naming the key', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig(ldap({ recheck: { maxDisableFraction: 20, brakeMinimum: -1 } }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toContainEqual(
      expect.stringMatching(/^providers\.1\.recheck\.maxDisableFraction: expected a share from 0 to 1/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^providers\.1\.recheck\.brakeMinimum: /));
  });
});
