import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup } from '../support/cleanup.js';
import { googleProviderConfig, startOidcProvider } from '../support/oidc-provider.js';
import { addPerson, ldapProviderConfig, startSlapd } from '../support/slapd.js';
import { testApp } from '../support/test-app.js';
import { launchChromium } from './support/browser.js';
import { freePort } from './support/processes.js';

const slapd = await startSlapd();
afterAll(() => slapd.dispose());

/** Concierge on a free port with local, LDAP and a Google stand-in, and a fresh Chromium page. */
async function servedWithProviders() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const op = await startOidcProvider({ redirectUris: [`${origin}/auth/oidc/google/callback`] });
  cleanup(() => op.close());
  const app = await testApp({
    config: {
      server: { publicUrl: origin },
      providers: [
        { id: 'local', kind: 'local' },
        ldapProviderConfig(slapd),
        googleProviderConfig(op, { allowedDomains: ['studio.example'], autoCreate: true }),
      ],
    },
  });
  const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' });
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const browser = await launchChromium();
  cleanup(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  return { app, op, origin, page };
}

const unique = () => Math.random().toString(36).slice(2, 8);

describe('signing in through the login page, in a browser', () => {
  it('a Google user clicks the Google button, signs in at Google and lands where they were going', async () => {
    const { op, origin, page } = await servedWithProviders();
    const email = `mira-${unique()}@studio.example`;
    const sub = op.addAccount({ email, email_verified: true, hd: 'studio.example', given_name: 'Mira' });
    await page.goto(`${origin}/login?returnTo=${encodeURIComponent('/account')}`);
    await page.click('a.provider[data-provider="google"]');
    // The provider's development login form, then its consent form.
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', sub);
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[type="submit"]');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${origin}/account`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ email, firstName: 'Mira', provider: { id: 'google' } });
  });

  it('a directory user signs in with the login form and their directory password', async () => {
    const { origin, page } = await servedWithProviders();
    const person = await addPerson(slapd, {
      uid: `e2e-${unique()}`,
      password: 'e2e-directory-pw-1',
      first: 'Dara',
    });
    await page.goto(`${origin}/login?returnTo=${encodeURIComponent('/account')}`);
    await page.fill('#identifier', person.uid);
    await page.fill('#password', person.password);
    await page.click('#login button[type="submit"]');
    await page.waitForURL(`${origin}/account`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ username: person.uid, firstName: 'Dara', provider: { id: 'studio-ldap' } });
    expect(me.credentialsHelp).toContain('Studio directory');
  });
});
