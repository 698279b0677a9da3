import { describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

const serviceToken = 'host-platform-token-digest-0123456789abcdef01234';
const service = { authorization: `Bearer ${serviceToken}` };

async function setup() {
  let now = new Date();
  const clock = Object.assign(() => now, { set: (d: Date) => (now = d) });
  const app = await testApp({ config: { serviceTokens: [serviceToken] }, clock });
  const ada = await signedInUser(app, { username: 'ada' });
  const grace = await signedInUser(app, { username: 'grace', firstName: 'Grace' });
  return { app, clock, ada, grace };
}

const event = (over: Record<string, unknown> = {}) => ({
  type: 'status.changed',
  recipients: ['ada'],
  title: 'Shot 010 is approved',
  url: 'https://host.example/shots/10',
  project: 'Atlas',
  idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
  ...over,
});

describe('GET /api/v1/me/digest/preview', () => {
  it('answers 401 problem+json without a session', async () => {
    const { app } = await setup();
    const res = await app.request('GET', '/api/v1/me/digest/preview');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('shows what the next digest would hold, grouped, without consuming it; nobody sees another’s', async () => {
    const { app, ada, grace } = await setup();
    const posted = await app.request(
      'POST',
      '/api/v1/events',
      {
        events: [
          event(),
          event({ type: 'comment.followed', title: 'New note on Shot 020', project: 'Zephyr' }),
        ],
      },
      service,
    );
    expect(posted.status).toBe(202);

    const res = await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: ada.cookie });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ frequency: 'daily', total: 2, shown: 2, more: 0 });
    expect(res.json.summary).toBe('2 updates in 2 projects');
    expect(res.json.projects.map((p: { name: string }) => p.name)).toEqual(['Atlas', 'Zephyr']);
    expect(res.json.projects[0].types[0].items[0]).toMatchObject({
      title: 'Shot 010 is approved',
      url: 'https://host.example/shots/10',
    });
    expect(Date.parse(res.json.nextDigestAt)).toBeGreaterThan(Date.now() - 60_000);

    const again = await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: ada.cookie });
    expect(again.json.total).toBe(2);
    const theirs = await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: grace.cookie });
    expect(theirs.json).toMatchObject({ total: 0, projects: [] });
  });

  it('refuses other methods with 405', async () => {
    const { app, ada } = await setup();
    const res = await app.request('POST', '/api/v1/me/digest/preview', {}, { cookie: ada.cookie });
    expect(res.status).toBe(405);
  });
});

describe('nextDigestAt in /api/v1/me/notification-settings', () => {
  it('GET returns the next digest at the user’s local time; PUT recomputes it at once', async () => {
    const { app, clock, ada } = await setup();
    clock.set(new Date('2026-11-28T12:00:00Z'));
    const got = await app.request('GET', '/api/v1/me/notification-settings', undefined, {
      cookie: ada.cookie,
    });
    expect(got.status).toBe(200);
    // The workspace default: daily at 08:00 in the user's own zone (UTC for this user).
    expect(got.json.nextDigestAt).toBe('2026-11-29T08:00:00.000Z');

    const put = await app.request(
      'PUT',
      '/api/v1/me/notification-settings',
      { digest: { frequency: 'weekly', weekday: 3, time: '17:30', timeZone: 'America/New_York' } },
      { cookie: ada.cookie },
    );
    expect(put.status).toBe(200);
    // Wednesday 2 December 2026, 17:30 in New York (EST, UTC-5).
    expect(put.json.nextDigestAt).toBe('2026-12-02T22:30:00.000Z');
    const stored = await app.db.kysely.selectFrom('digest_schedules').selectAll().executeTakeFirstOrThrow();
    expect(stored.next_run_at).toBe(Date.parse('2026-12-02T22:30:00Z'));

    const off = await app.request(
      'PUT',
      '/api/v1/me/notification-settings',
      { digest: { frequency: 'off' } },
      {
        cookie: ada.cookie,
      },
    );
    expect(off.json.nextDigestAt).toBeNull();
  });

  it('a refused settings change (unknown time zone) leaves the schedule as it was', async () => {
    const { app, ada } = await setup();
    const before = (
      await app.request('GET', '/api/v1/me/notification-settings', undefined, { cookie: ada.cookie })
    ).json.nextDigestAt;
    const bad = await app.request(
      'PUT',
      '/api/v1/me/notification-settings',
      { digest: { timeZone: 'Mars/Olympus' } },
      {
        cookie: ada.cookie,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const after = await app.request('GET', '/api/v1/me/notification-settings', undefined, {
      cookie: ada.cookie,
    });
    expect(after.json.nextDigestAt).toBe(before);
  });
});

describe('the digest end to end', () => {
  it('ingested events reach one digest at the user’s time; read ones are left out; unsubscribe turns it off', async () => {
    const { app, clock, ada } = await setup();
    await app.request(
      'POST',
      '/api/v1/events',
      { events: [event(), event({ title: 'Seen already' })] },
      service,
    );
    const inbox = await app.request('GET', '/api/v1/me/notifications', undefined, { cookie: ada.cookie });
    const seen = inbox.json.items.find((i: { title: string }) => i.title === 'Seen already');
    const read = await app.request(
      'POST',
      '/api/v1/me/notifications/read',
      { ids: [seen.id] },
      { cookie: ada.cookie },
    );
    expect(read.status).toBe(200);

    await app.digests.job.runOnce();
    const { nextDigestAt } = (
      await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: ada.cookie })
    ).json;
    clock.set(new Date(Date.parse(nextDigestAt) + 1_000));
    expect((await app.digests.job.runOnce()).sent).toBe(1);
    expect((await app.digests.job.runOnce()).sent).toBe(0);

    const emails = await app.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('template', '=', 'digest')
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to_address).toBe(ada.user.email);
    expect(emails[0]!.text).toContain('Shot 010 is approved');
    expect(emails[0]!.text).not.toContain('Seen already');
    const after = await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: ada.cookie });
    expect(after.json.total).toBe(0);

    const headers = JSON.parse(emails[0]!.headers) as Record<string, string>;
    const url = new URL(headers['List-Unsubscribe']!.slice(1, -1));
    const unsubscribed = await app.request(
      'POST',
      `${url.pathname}${url.search}`,
      'List-Unsubscribe=One-Click',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(unsubscribed.status).toBeLessThan(300);
    const off = await app.request('GET', '/api/v1/me/digest/preview', undefined, { cookie: ada.cookie });
    expect(off.json).toMatchObject({ frequency: 'off', nextDigestAt: null });
  });
});
