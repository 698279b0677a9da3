import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { cleanup } from '../support/cleanup.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';
import { launchChromium } from './support/browser.js';
import { freePort } from './support/processes.js';

const serviceToken = 'host-platform-token-0123456789abcdef0123456789';

async function browserSession() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await testApp({ config: { server: { publicUrl: origin }, serviceTokens: [serviceToken] } });
  const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' });
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const signedIn = await signedInUser(app, { username: 'ada' });
  const browser = await launchChromium();
  cleanup(() => browser.close());
  const context = await browser.newContext();
  await context.addCookies([{ name: 'concierge_session', value: signedIn.token, url: origin }]);
  const page = await context.newPage();
  return { app, origin, page, ...signedIn };
}

describe('notifications in a browser', () => {
  it('the settings matrix saves only the cells changed, and security notices cannot be unticked', async () => {
    const { app, origin, page, user } = await browserSession();
    await page.goto(`${origin}/account/notifications`);
    expect(await page.isDisabled('input[data-type="security.new-sign-in"][data-channel="email"]')).toBe(true);
    expect(await page.isHidden('#save')).toBe(true);
    await page.uncheck('input[data-type="mention"][data-channel="email"]');
    await page.check('input[data-type="mention"][data-channel="digest"]');
    await page.selectOption('#digest-frequency', 'weekly');
    await page.selectOption('#digest-weekday', '5');
    await page.fill('#digest-time', '17:30');
    expect(await page.isVisible('#save')).toBe(true);
    await page.click('#save');
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'Saved.');
    expect(await page.isHidden('#save')).toBe(true);
    const rows = await app.db.kysely
      .selectFrom('notification_preferences')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toMatchObject([{ type: 'mention', inbox: null, email: 0, digest: 1 }]);
    const settings = await app.db.kysely
      .selectFrom('notification_user_settings')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(settings).toMatchObject({ digest_frequency: 'weekly', digest_time: '17:30', digest_weekday: 5 });
  });

  it('the inbox shows new notifications and marks them all read', async () => {
    const { app, origin, page, cookie } = await browserSession();
    for (const title of ['First', 'Second']) {
      await app.request(
        'POST',
        '/api/v1/events',
        { type: 'mention', recipients: ['ada'], title, idempotencyKey: title },
        { authorization: `Bearer ${serviceToken}` },
      );
    }
    await page.goto(`${origin}/inbox`);
    expect(await page.textContent('#inbox')).toMatch(/Second[\s\S]*First/);
    await page.click('#mark-all-read');
    await page.waitForSelector('#mark-all-read', { state: 'detached' });
    const after = await app.request('GET', '/api/v1/me/notifications', undefined, { cookie });
    expect(after.json.unreadCount).toBe(0);
  });
});
