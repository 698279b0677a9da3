import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { accountStore } from '../../src/adapters/db/account-store.js';
import { localUser } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { testApp } from '../support/test-app.js';
import { launchChromium } from './support/browser.js';
import { freePort } from './support/processes.js';

describe('local accounts in a browser', () => {
  it('signs in, edits the account page: Save appears with a change, saves, and disappears', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const app = await testApp({ config: { server: { publicUrl: origin } } });
    const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' });
    cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { user, password } = await localUser(app);
    const browser = await launchChromium();
    cleanup(() => browser.close());
    const page = await browser.newPage();

    await page.goto(`${origin}/account`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.isVisible('a[href="/forgot-password"]')).toBe(true);
    await page.fill('#identifier', user.username);
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '');
    expect(await page.textContent('#result')).toMatch(/wrong/);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/account`);

    expect(await page.isHidden('#save')).toBe(true);
    await page.fill('#firstName', 'Grace');
    expect(await page.isVisible('#save')).toBe(true);
    await page.fill('#firstName', 'Ada');
    expect(await page.isHidden('#save')).toBe(true);
    // Sessions show "last seen" in the person's date style: relative at first (the default)...
    await page.waitForSelector('#sessions li');
    expect(await page.textContent('#sessions')).toContain('last seen now (this session)');
    await page.fill('#firstName', 'Grace');
    await page.uncheck('input[name=fuzzyDates]');
    await page.click('#save');
    await page.waitForFunction(() => document.getElementById('profile-result')?.textContent === 'Saved.');
    expect(await page.isHidden('#save')).toBe(true);
    // ...and exact (English, UTC) once fuzzy dates are off, without reloading.
    const exact = /last seen [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M \(this session\)/;
    await page.waitForFunction(
      (source) => new RegExp(source).test(document.getElementById('sessions')?.textContent ?? ''),
      exact.source,
    );
    const stored = await accountStore(app.db.kysely).findById(user.id);
    expect(stored?.firstName).toBe('Grace');
    expect(stored?.preferences.fuzzyDates).toBe(false);

    await page.reload();
    expect(await page.inputValue('#firstName')).toBe('Grace');
    expect(await page.isChecked('input[name=fuzzyDates]')).toBe(false);
    await page.waitForSelector('#sessions li');
    expect(await page.textContent('#sessions')).toMatch(exact);
  });
});
