import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../support/accounts.js';
import { testApp } from '../support/test-app.js';
import { launchChromium } from './support/browser.js';
import { freePort } from './support/processes.js';

// The browser's own URL parser is the judge: the server's rule must agree with what Chromium does
// with the page's data-return-to once the password is accepted.
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const app = await testApp({ config: { server: { publicUrl: origin } } });
const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' });
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Opens /login with `query` as typed in the address bar, signs in and returns where the browser lands. */
async function signInFrom(query: string): Promise<URL> {
  const { user, password } = await localUser(app);
  const context = await browser.newContext();
  try {
    // Any other host answers a page instead of failing to resolve, so an open redirect shows up as a
    // URL on that host rather than as a network error.
    await context.route(
      (url) => url.origin !== origin,
      (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Elsewhere</h1>' }),
    );
    const page = await context.newPage();
    await page.goto(`${origin}/login?${query}`);
    await page.fill('#identifier', user.username);
    await page.fill('#password', password);
    await page.click('#login button[type=submit]');
    await page.waitForURL((url) => url.origin !== origin || url.pathname !== '/login');
    return new URL(page.url());
  } finally {
    await context.close();
  }
}

describe('returnTo after a password sign-in, in Chromium', () => {
  it.each([
    ['a tab the browser strips', 'returnTo=/%09/evil.example/landing'],
    ['a newline the browser strips', 'returnTo=/%0A/evil.example/landing'],
    ['a protocol-relative URL', 'returnTo=//evil.example/landing'],
    ['a backslash the browser reads as a slash', 'returnTo=/%5Cevil.example/landing'],
    ['dot segments that leave two slashes', 'returnTo=/..//evil.example/landing'],
    ['fullwidth slashes', 'returnTo=%EF%BC%8F%EF%BC%8Fevil.example/landing'],
    ['another origin', `returnTo=${encodeURIComponent('https://evil.example/landing')}`],
  ])('stays on the service after %s, on the account page', async (_label, query) => {
    const landed = await signInFrom(query);
    expect(landed.origin).toBe(origin);
    expect(landed.pathname).toBe('/account');
  });

  it('treats a look-alike slash as part of a path on the service', async () => {
    const landed = await signInFrom('returnTo=/%E2%88%95evil.example/landing');
    expect(landed.origin).toBe(origin);
    expect(landed.pathname).toBe('/%E2%88%95evil.example/landing');
  });

  it('still goes where the person was going', async () => {
    const landed = await signInFrom(`returnTo=${encodeURIComponent('/account?tab=sessions#top')}`);
    expect(landed.href).toBe(`${origin}/account?tab=sessions#top`);
  });
});
