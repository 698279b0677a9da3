import { describe, expect, it } from 'vitest';
import { linkIn, localUser, login, mailbox, strongPassword } from '../support/accounts.js';
import { testApp, testOrigin } from '../support/test-app.js';

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

async function appWithUser(config: Record<string, unknown> = {}) {
  const app = await testApp({ config: { server: { publicUrl: testOrigin, trustProxy: true }, ...config } });
  const { user, password } = await localUser(app);
  const signIn = (headers: Record<string, string> = {}) => login(app, user.username, password, headers);
  const inbox = async (cookie: string) =>
    (await app.request('GET', '/api/v1/me/notifications', undefined, { cookie })).json.items as {
      type: string;
      title: string;
      body: string;
      url: string;
    }[];
  return { app, user, password, signIn, inbox, newMail: mailbox(app) };
}

/** The device cookie a response set, as `name=value`, and its attributes. */
function deviceCookie(res: { headers: Headers }) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('concierge_device=')) ?? '';
  return { pair: line.split(';')[0] ?? '', token: /^concierge_device=([^;]*)/.exec(line)?.[1], line };
}

describe('the new sign-in notice', () => {
  it('stays quiet at the first sign-in and in a browser seen before, and sets a long-lived device cookie', async () => {
    const { signIn, inbox, newMail } = await appWithUser();
    const first = await signIn({ 'user-agent': firefox });
    expect(first.status).toBe(200);
    const device = deviceCookie(first);
    expect(device.token).toMatch(/^[a-z2-7]{32}$/);
    expect(device.line).toMatch(/HttpOnly/);
    expect(device.line).toMatch(/SameSite=Lax/);
    expect(device.line).toMatch(/Max-Age=34560000/);
    expect(device.line).toMatch(/Path=\//);

    const again = await signIn({ 'user-agent': firefox, cookie: device.pair });
    expect(again.status).toBe(200);
    expect(deviceCookie(again).token).toBe(device.token);
    expect(await inbox(again.cookie)).toEqual([]);
    expect(await newMail()).toEqual([]);
  });

  it('tells the user in the inbox and by email when they sign in from a new browser', async () => {
    const { user, signIn, inbox, newMail } = await appWithUser();
    await signIn({ 'user-agent': firefox });
    const elsewhere = await signIn({ 'user-agent': 'CuriousBrowser/1.0', 'x-forwarded-for': '203.0.113.9' });
    expect(elsewhere.status).toBe(200);
    const items = await inbox(elsewhere.cookie);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'security.new-sign-in',
      title: 'Your account was signed in to from a new browser',
      url: `${testOrigin}/account`,
    });
    expect(items[0]!.body).toContain('from the address 203.0.113.9');
    expect(items[0]!.body).toContain('CuriousBrowser/1.0');
    const mail = await newMail();
    expect(mail.map((m) => m.to)).toEqual([user.email]);
    expect(mail[0]!.subject).toBe('New sign-in: Your account was signed in to from a new browser');
    expect(mail[0]!.text).toContain('CuriousBrowser/1.0');
    expect(mail[0]!.text).toContain('change your password');
  });

  it('treats a malformed device cookie as none: a fresh cookie, a notice, no error', async () => {
    const { signIn, inbox } = await appWithUser();
    await signIn();
    for (const bad of ['../../etc', 'x'.repeat(600), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', '%00%0d%0a']) {
      const res = await signIn({ cookie: `concierge_device=${bad}` });
      expect(res.status).toBe(200);
      expect(deviceCookie(res).token).toMatch(/^[a-z2-7]{32}$/);
    }
    const items = await inbox((await signIn()).cookie);
    expect(items.map((i) => i.type)).toEqual(Array(5).fill('security.new-sign-in'));
  });

  it('knows browsers per person: someone else’s first sign-in in a shared browser raises nothing', async () => {
    const { app, signIn } = await appWithUser();
    const device = deviceCookie(await signIn()).pair;
    const colleague = await localUser(app);
    const res = await login(app, colleague.user.username, colleague.password, { cookie: device });
    expect(res.status).toBe(200);
    const items = await app.request('GET', '/api/v1/me/notifications', undefined, { cookie: res.cookie });
    expect(items.json.items).toEqual([]);
  });

  it('sets no device cookie and raises nothing for a refused sign-in', async () => {
    const { app, user, signIn, inbox } = await appWithUser();
    await signIn();
    const refused = await login(app, user.username, 'not-the-password-at-all');
    expect(refused.status).toBe(401);
    expect(deviceCookie(refused).token).toBeUndefined();
    // Only this sign-in, from a browser without the cookie, is news.
    expect(await inbox((await signIn()).cookie)).toHaveLength(1);
  });

  it('raises nothing when the workspace catalog has no new-sign-in type, and the sign-in still works', async () => {
    const { signIn, inbox } = await appWithUser({
      notifications: {
        types: [{ type: 'task.assigned', label: 'Assigned', description: 'You were assigned a task.' }],
      },
    });
    await signIn();
    const res = await signIn();
    expect(res.status).toBe(200);
    expect(await inbox(res.cookie)).toEqual([]);
  });
});

describe('the other security notices: an inbox entry, and only the account email', () => {
  it('files a password change in the inbox, with the password-changed email and no second one', async () => {
    const { user, password, signIn, inbox, newMail, app } = await appWithUser();
    const { cookie } = await signIn();
    const next = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword: next, confirmPassword: next },
      { cookie },
    );
    expect(res.status).toBe(204);
    const items = await inbox(cookie);
    expect(items.map((i) => [i.type, i.title])).toEqual([
      ['security.credentials-changed', 'Your password was changed'],
    ]);
    const mail = (await newMail()).filter((m) => m.to === user.email);
    expect(mail.map((m) => m.subject)).toEqual(['Your Concierge password was changed']);
  });

  it('files a password set with an emailed link', async () => {
    const { user, inbox, newMail, app } = await appWithUser();
    await app.request('POST', '/api/v1/auth/password-reset', { identifier: user.username });
    const link = (await newMail()).find((m) => m.subject.includes('Reset'))!;
    const next = strongPassword();
    const { token } = linkIn(link.text, '/reset-password');
    const confirmed = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: next,
      confirmPassword: next,
    });
    expect(confirmed.status).toBe(204);
    const { cookie } = await login(app, user.username, next);
    expect((await inbox(cookie)).map((i) => i.title)).toEqual(['Your password was set with an emailed link']);
  });

  it('files an email change when the new address is confirmed', async () => {
    const { password, signIn, inbox, newMail, app } = await appWithUser();
    const { cookie } = await signIn();
    const email = `moved-${Math.random().toString(36).slice(2, 8)}@studio.example`;
    expect(
      (await app.request('PATCH', '/api/v1/me', { email, currentPassword: password }, { cookie })).status,
    ).toBe(200);
    const verify = (await newMail()).find((m) => m.to === email)!;
    const { token } = linkIn(verify.text, '/verify-email');
    expect((await app.request('POST', '/api/v1/auth/email/verify', { token })).status).toBe(204);
    expect((await inbox(cookie)).map((i) => [i.type, i.title])).toEqual([
      ['security.credentials-changed', 'Your email address was changed'],
    ]);
  });

  it('files a new API key, with the key-created email and no second one', async () => {
    const { user, signIn, inbox, newMail, app } = await appWithUser();
    const { cookie } = await signIn();
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'Render farm' }, { cookie });
    expect(created.status).toBe(201);
    const items = await inbox(cookie);
    expect(items.map((i) => [i.type, i.title, i.url])).toEqual([
      [
        'security.api-key-created',
        'A personal API key named "Render farm" was created',
        `${testOrigin}/account/api-keys`,
      ],
    ]);
    const mail = (await newMail()).filter((m) => m.to === user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).not.toMatch(/^API key created:/);
  });
});
