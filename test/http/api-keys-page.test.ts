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
