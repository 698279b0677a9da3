import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { cleanup } from '../support/cleanup.js';
import { png } from '../support/images.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';
import { launchChromium } from './support/browser.js';
import { freePort } from './support/processes.js';

/** Concierge served in-process on a free port, a signed-in user, and Chromium holding their cookie. */
async function browserSession() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await testApp({ config: { server: { publicUrl: origin } } });
  const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' });
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const signedIn = await signedInUser(app);
  const browser = await launchChromium();
  cleanup(() => browser.close());
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await context.addCookies([{ name: 'concierge_session', value: signedIn.token, url: origin }]);
  const page = await context.newPage();
  return { app, origin, page, ...signedIn };
}

describe('in a browser', () => {
  it('a key is created from a pre-filled link, shown once, copied, and revoked', async () => {
    const { app, origin, page, cookie } = await browserSession();
    await page.goto(`${origin}/account/api-keys/new?name=${encodeURIComponent('Shotgun sync')}`);
    expect(await page.inputValue('#key-name')).toBe('Shotgun sync');
    await page.click('button[type=submit]');
    await page.waitForSelector('#new-key:not([hidden])');
    const key = await page.inputValue('#new-key-value');
    expect(key).toMatch(/^cnc_[a-z2-7]{52}$/);
    await page.click('#copy-key');
    await page.waitForFunction(() => document.getElementById('copy-status')?.textContent !== '');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect(await page.textContent('#keys tbody')).toContain('Shotgun sync');

    await page.reload();
    expect(await page.content()).not.toContain(key.slice(12));
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button.revoke');
    await page.waitForSelector('#keys tbody tr', { state: 'detached' });
    const list = await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie });
    expect(list.json.items).toEqual([]);
  });

  it('a picture dropped onto the thumbnail, or chosen by clicking it, becomes the profile picture', async () => {
    const { origin, page } = await browserSession();
    await page.goto(`${origin}/account`);
    expect(await page.isVisible('#avatar-initials')).toBe(true);

    const bytes = [...(await png(320, 200, { r: 250, g: 10, b: 10 }))];
    await page.evaluate((data) => {
      const file = new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const target = document.getElementById('avatar-drop')!;
      target.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await page.waitForSelector('#avatar-image:not([hidden])');
    const dropped = await page.getAttribute('#avatar-image', 'src');
    expect(dropped).toMatch(/^\/avatars\/[0-9a-f]{32}-256\.webp$/);
    expect(
      await page.evaluate(() => (document.getElementById('avatar-image') as HTMLImageElement).naturalWidth),
    ).toBe(256);

    const chooser = page.waitForEvent('filechooser');
    await page.click('#avatar-drop');
    await (await chooser).setFiles({
      name: 'chosen.png',
      mimeType: 'image/png',
      buffer: await png(200, 200),
    });
    await page.waitForFunction(
      (old) => document.getElementById('avatar-image')?.getAttribute('src') !== old,
      dropped,
    );
    expect(await page.textContent('#avatar-status')).toContain('saved');

    await page.click('#avatar-remove');
    await page.waitForSelector('#avatar-initials:not([hidden])');
    expect(await page.isVisible('#avatar-image')).toBe(false);
  });

  it('a file that is not a picture is refused with the reason, and the thumbnail stays as it was', async () => {
    const { origin, page } = await browserSession();
    await page.goto(`${origin}/account`);
    const chooser = page.waitForEvent('filechooser');
    await page.click('#avatar-drop');
    await (await chooser).setFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('just words'),
    });
    await page.waitForSelector('#avatar-status.error');
    expect(await page.textContent('#avatar-status')).toMatch(/not a picture we can read/);
    expect(await page.isVisible('#avatar-initials')).toBe(true);
  });
});
