import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

async function createKey(app: Awaited<ReturnType<typeof testApp>>, cookie: string, body: object) {
  const res = await app.request('POST', '/api/v1/me/api-keys', body, { cookie });
  expect(res.status).toBe(201);
  return res.json as { id: string; key: string };
}

describe('the page /account/api-keys', () => {
  it('sends a visitor without a session to sign in, and back afterwards', async () => {
    const app = await testApp();
    const res = await app.request('GET', '/account/api-keys/new?name=Shotgun%20sync');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      `/login?returnTo=${encodeURIComponent('/account/api-keys/new?name=Shotgun%20sync')}`,
    );
  });

  it('lists the keys without their secrets, with the names escaped', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const { key } = await createKey(app, cookie, { name: '<img src=x onerror=alert(1)>' });
    const res = await app.request('GET', '/account/api-keys', undefined, { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).toContain(`${key.slice(0, 12)}…`);
    expect(res.text).not.toContain(key.slice(12));
    expect(res.text).toContain('/assets/api-keys.js');
  });

  it('shows dates in each person’s style: relative, or exact in their zone and locale', async () => {
    let now = new Date('2026-11-29T05:12:00Z');
    const app = await testApp({ clock: () => now });
    const fuzzy = await signedInUser(app);
    const exact = await signedInUser(app, {
      preferences: { fuzzyDates: false, timeZone: 'America/New_York', locale: 'en-US' },
    });
    await createKey(app, fuzzy.cookie, { name: 'CI' });
    await createKey(app, exact.cookie, { name: 'CI' });
    now = new Date('2026-12-01T05:12:00Z');
    const page = async (cookie: string) =>
      (await app.request('GET', '/account/api-keys', undefined, { cookie })).text;
    const created = /datetime="2026-11-29T05:12:00.000Z" title="([^"]*)">([^<]*)</;
    expect(created.exec(await page(fuzzy.cookie))?.slice(1)).toEqual(['Nov 29, 2026, 5:12 AM', '2 days ago']);
    expect(created.exec(await page(exact.cookie))?.slice(1)).toEqual([
      'Nov 29, 2026, 12:12 AM',
      'Nov 29, 2026, 12:12 AM',
    ]);
  });

  it('pre-fills the name from /account/api-keys/new?name=…, escaped', async () => {
    const app = await testApp();
    const { cookie } = await signedInUser(app);
    const res = await app.request(
      'GET',
      `/account/api-keys/new?name=${encodeURIComponent('Shotgun "sync" <x>')}`,
      undefined,
      { cookie },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('value="Shotgun &quot;sync&quot; &lt;x&gt;"');
  });

  it('serves its script', async () => {
    const app = await testApp();
    const res = await app.request('GET', '/assets/api-keys.js');
    expect(res.status).toBe(200);
    expect(res.text).toContain('navigator.clipboard');
  });
});
