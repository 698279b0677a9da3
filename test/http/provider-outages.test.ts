import { afterAll, describe, expect, it } from 'vitest';
import { localUser, login } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { expectProblem, raw } from '../support/http-checks.js';
import {
  googleProviderConfig,
  oidcSignIn,
  signInAtProvider,
  startOidcProvider,
} from '../support/oidc-provider.js';
import { addPerson, ldapProviderConfig, startSlapd } from '../support/slapd.js';
import { testApp, testOrigin } from '../support/test-app.js';

// The whole outage story on real servers: slapd and oidc-provider are stopped and started again on
// the same port while one Concierge keeps running, never restarted.
const slapd = await startSlapd();
afterAll(() => slapd.dispose());
const op = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/google/callback`] });
afterAll(() => op.close());

const app = await testApp({
  config: {
    support: { contact: 'the studio IT desk' },
    providers: [
      { id: 'local', kind: 'local' },
      { ...ldapProviderConfig(slapd), passwords: 'directory' },
      googleProviderConfig(op, { autoCreate: true }),
    ],
  },
});

const unique = () => Math.random().toString(36).slice(2, 8);
const directoryPerson = () =>
  addPerson(slapd, { uid: `out-${unique()}`, password: `pw-${unique()}-long-enough`, first: 'Noor' });
const googleAccount = () =>
  op.addAccount({ email: `g-${unique()}@studio.example`, email_verified: true, hd: 'studio.example' });
const changePassword = (cookie: string, currentPassword: string) => {
  const newPassword = `new-${unique()}-directory-pw`;
  return app.request(
    'POST',
    '/api/v1/me/password',
    { currentPassword, newPassword, confirmPassword: newPassword },
    { cookie },
  );
};
const attempts = async () =>
  Number(
    (
      await app.db.kysely
        .selectFrom('one_time_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('purpose', '=', 'redirect-sign-in')
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The OIDC start's answer: a page (the browser follows redirects, it cannot show JSON). */
const startGoogle = () => raw(app, '/auth/oidc/google/start?returnTo=%2Faccount');

describe('the directory and the identity provider go down, then come back', () => {
  it('keeps local sign-in working, says clearly what is down, and recovers without restarting Concierge', async () => {
    const local = await localUser(app);
    const person = await directoryPerson();
    const directorySession = await login(app, person.uid, person.password);
    expect(directorySession.status).toBe(200);
    const googleSub = googleAccount();
    const googleSession = await oidcSignIn(app.app, googleSub);
    expect(googleSession.res.status).toBe(302);
    // Someone half-way through a single sign-on when the provider goes down: signed in at the
    // provider, not yet back at Concierge.
    const halfway = await raw(app, '/auth/oidc/google/start');
    expect(halfway.status).toBe(302);
    const halfwayCookie = /concierge_oidc=([^;]+)/.exec(halfway.headers.get('set-cookie') ?? '')?.[1];
    const halfwayCallback = await signInAtProvider(halfway.headers.get('location') ?? '', googleAccount());

    await slapd.stop();
    await op.stop();
    try {
      // Local accounts: sign-in and sign-out as usual.
      const localIn = await login(app, local.user.username, local.password);
      expect(localIn.status).toBe(200);
      expect(
        (await app.request('POST', '/api/v1/auth/logout', undefined, { cookie: localIn.cookie })).status,
      ).toBe(204);

      // Directory users: 503 provider_unavailable, in words a person can act on.
      const refused = await login(app, person.uid, person.password);
      expectProblem(refused, 503, 'provider_unavailable');
      expect(refused.json.detail).toBe(
        'Studio directory cannot be reached right now, so directory accounts cannot sign in. Local ' +
          'accounts are not affected. Try again in a few minutes; if it keeps happening, contact the studio IT desk.',
      );
      expect(refused.cookie).toBe('');
      // A wrong password is not found out either: it is the directory that says so.
      expectProblem(await login(app, person.uid, 'not-the-password'), 503, 'provider_unavailable');
      expectProblem(
        await changePassword(directorySession.cookie, person.password),
        503,
        'provider_unavailable',
      );
      // Sessions are Concierge's own: those already open go on working.
      expect(
        (await app.request('GET', '/api/v1/me', undefined, { cookie: directorySession.cookie })).status,
      ).toBe(200);
      expect(
        (await app.request('GET', '/api/v1/me', undefined, { cookie: googleSession.cookie })).status,
      ).toBe(200);

      // The single sign-on start answers a page saying so, before sending anyone to the provider,
      // and stores no attempt.
      const before = await attempts();
      const start = await startGoogle();
      expect(start.status).toBe(503);
      expect(start.headers.get('content-type')).toMatch(/^text\/html/);
      expect(start.headers.get('location')).toBeNull();
      expect(start.text).toContain('Sign-in is unavailable right now');
      expect(start.text).toContain(
        'Google cannot be reached right now. Try again in a few minutes, or sign in another way',
      );
      expect(start.text).toContain('data-code="provider_unavailable"');
      expect(start.text).toContain('href="/login"');
      expect(start.headers.get('set-cookie') ?? '').not.toContain('concierge_oidc=');
      expect(await attempts()).toBe(before);
      // Whoever was half-way gets the same page at the callback rather than an error of the server.
      const callback = await raw(app, `${halfwayCallback.pathname}${halfwayCallback.search}`, {
        headers: { cookie: `concierge_oidc=${halfwayCookie}` },
      });
      expect(callback.status).toBe(503);
      expect(callback.text).toContain('Google cannot be reached right now');
      // The login page itself is Concierge's and still offers every way in.
      const page = await raw(app, '/login');
      expect(page.status).toBe(200);
      expect(page.text).toContain('href="/auth/oidc/google/start?returnTo=%2Faccount"');
    } finally {
      await slapd.start();
      await op.start();
    }

    // Back on the same addresses, the same Concierge signs everyone in again.
    const again = await login(app, person.uid, person.password);
    expect(again.status).toBe(200);
    expect(again.json.user.id).toBe(directorySession.json.user.id);
    const googleAgain = await oidcSignIn(app.app, googleSub);
    expect(googleAgain.res.status).toBe(302);
    expect(googleAgain.res.headers.get('location')).toBe('/');
    const me = await app.request('GET', '/api/v1/me', undefined, { cookie: googleAgain.cookie });
    expect(me.json.provider.id).toBe('google');
    expect((await login(app, local.user.username, local.password)).status).toBe(200);
    expect((await changePassword(again.cookie, person.password)).status).toBe(204);
  });
});

describe('an identity provider that is down from the start', () => {
  it('answers the start with a page while it is down, and works once it comes up, without a restart', async () => {
    const late = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/late/callback`] });
    cleanup(() => late.close());
    await late.stop();
    const other = await testApp({
      config: {
        providers: [
          { id: 'local', kind: 'local' },
          { ...googleProviderConfig(late, { autoCreate: true }), id: 'late', displayName: 'Late SSO' },
        ],
      },
    });
    const down = await raw(other, '/auth/oidc/late/start');
    expect(down.status).toBe(503);
    expect(down.text).toContain('Late SSO cannot be reached right now');
    const { user, password } = await localUser(other);
    expect((await login(other, user.username, password)).status).toBe(200);

    await late.start();
    const sub = late.addAccount({
      email: `l-${unique()}@studio.example`,
      email_verified: true,
      hd: 'studio.example',
    });
    const signedIn = await oidcSignIn(other.app, sub, { providerId: 'late' });
    expect(signedIn.res.status).toBe(302);
    expect(signedIn.cookie).not.toBe('');
  });
});
