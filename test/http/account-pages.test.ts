import { describe, expect, it } from 'vitest';
import { signedInLocal } from '../support/accounts.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const app = await testApp({
  config: {
    providers: [
      { id: 'local', kind: 'local' },
      { id: 'google', kind: 'oidc', preset: 'google', clientId: 'client', clientSecret: 'secret' },
    ],
  },
});

describe('account pages', () => {
  it('/login offers "Forgot your password?" and one button per SSO provider', async () => {
    const res = await app.request('GET', '/login?returnTo=%2Faccount%2Fnotifications');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/forgot-password"');
    expect(res.text).toContain('Forgot your password?');
    expect(res.text).toContain('href="/auth/oidc/google/start?returnTo=%2Faccount%2Fnotifications"');
    expect(res.text).toContain('>Google</a>');
    expect(res.text).toContain('data-return-to="/account/notifications"');
  });

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '/\t/evil.example/landing',
    '/..//evil.example',
    '\uff0f\uff0fevil.example',
  ])('/login replaces the off-site returnTo %j with /account', async (returnTo) => {
    const res = await app.request('GET', `/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(res.text).toContain('data-return-to="/account"');
    expect(res.text).not.toContain('evil.example');
  });

  it('/login puts the path a browser would go to in the page, so its script uses it as given', async () => {
    const res = await app.request('GET', `/login?returnTo=${encodeURIComponent('/inbox/../account?x=a b')}`);
    expect(res.text).toContain('data-return-to="/account?x=a%20b"');
    expect(res.text).toContain('href="/auth/oidc/google/start?returnTo=%2Faccount%3Fx%3Da%2520b"');
  });

  it('/forgot-password asks for an email address or username', async () => {
    const res = await app.request('GET', '/forgot-password');
    expect(res.text).toContain('Email address or username');
    expect(res.text).toContain('Request');
  });

  it('/reset-password shows the password rules and escapes the token', async () => {
    const res = await app.request(
      'GET',
      `/reset-password?token=${encodeURIComponent('"><script>x</script>')}`,
    );
    expect(res.text).toContain('Use between 12 and 256 characters.');
    expect(res.text).not.toContain('<script>x</script>');
  });

  it('/account sends a visitor without a session to /login', async () => {
    const res = await app.request('GET', '/account');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?returnTo=%2Faccount');
  });

  it('/account shows names, email, preferences, password change and sessions, with Save hidden', async () => {
    const { user, headers } = await signedInLocal(app);
    const res = await app.request('GET', '/account', undefined, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    for (const name of [
      'firstName',
      'lastName',
      'email',
      'fuzzyDates',
      'timeZone',
      'locale',
      'newPassword',
      'confirmPassword',
    ]) {
      expect(res.text).toContain(`name="${name}"`);
    }
    expect(res.text).toMatch(/<button type="submit" id="save" hidden/);
    expect(res.text).toContain(`value="${user.username}"`);
    expect(res.text).toContain('id="sessions"');
  });

  it('/account tells a Google user who manages the password instead of the change form', async () => {
    const { cookie } = await signedInUser(app, { providerId: 'google', firstName: '<b>Eve</b>' });
    const res = await app.request('GET', '/account', undefined, { cookie });
    expect(res.text).toContain('Your password is managed by Google');
    expect(res.text).not.toContain('name="newPassword"');
    expect(res.text).not.toContain('<b>Eve</b>');
  });

  it('serves the page script from our origin', async () => {
    const res = await app.request('GET', '/assets/accounts.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
  });

  it('/verify-email and /undo-email-change change nothing until their button is pressed', async () => {
    for (const path of ['/verify-email?token=abc', '/undo-email-change?token=abc']) {
      const res = await app.request('GET', path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="token" value="abc"');
    }
  });
});
