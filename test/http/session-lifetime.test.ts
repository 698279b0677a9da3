import { describe, expect, it } from 'vitest';
import { localUser, login } from '../support/accounts.js';
import { testApp } from '../support/test-app.js';

const DAY = 24 * 60 * 60 * 1000;

// DESIGN's sessions: 30 days, extended to 30 again when under 15 are left (with a fresh cookie), refused
// and deleted once expired; last seen written at most once a minute.
describe('session lifetime', () => {
  it('renews a session used with under 15 days left, and refuses and deletes an expired one', async () => {
    let now = Date.now();
    const app = await testApp({ clock: () => new Date(now) });
    const { user, password } = await localUser(app);
    const { cookie } = await login(app, user.username, password);
    const sessionRows = () => app.db.kysely.selectFrom('sessions').selectAll().execute();
    const me = () => app.request('GET', '/api/v1/me', undefined, { cookie });

    now += 10 * DAY;
    const early = await me();
    expect(early.status).toBe(200);
    expect(early.headers.get('set-cookie')).toBeNull();
    expect((await sessionRows())[0]!.last_seen_at).toBe(now);

    now += 30_000; // within the minute: last seen is not written again
    expect((await me()).status).toBe(200);
    expect((await sessionRows())[0]!.last_seen_at).toBe(now - 30_000);

    now += 6 * DAY; // 14 days left: renewed to 30 from now, with a fresh cookie
    const renewed = await me();
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('set-cookie')).toMatch(/concierge_session=.*HttpOnly/i);
    expect((await sessionRows())[0]!.expires_at).toBe(now + 30 * DAY);

    now += 30 * DAY + 1;
    expect((await me()).status).toBe(401);
    expect(await sessionRows()).toEqual([]);
  });

  it('marks the cookie Secure and __Host- when the service is reached over https', async () => {
    const app = await testApp({ config: { server: { publicUrl: 'https://concierge.test' } } });
    const { user, password } = await localUser(app);
    const res = await app.request(
      'POST',
      '/api/v1/auth/login',
      { identifier: user.username, password },
      { origin: 'https://concierge.test' },
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-concierge_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//i);
  });
});
