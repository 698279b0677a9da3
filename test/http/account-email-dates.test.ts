import { describe, expect, it } from 'vitest';
import { linkIn, localUser, login, mailbox, type ReadMail, strongPassword } from '../support/accounts.js';
import { testApp } from '../support/test-app.js';

// Account and security emails state exact times in the recipient's time zone and locale, with the zone's
// name, even for people who chose fuzzy dates. One app on a fixed clock: 29 November 2026, 05:12 UTC,
// which is 00:12 EST in New York and 06:12 CET in Stockholm.
let now = Date.UTC(2026, 10, 29, 5, 12, 0);
const app = await testApp({ clock: () => new Date(now) });
const newMail = mailbox(app);

const people = [
  {
    label: 'New York, en-US',
    preferences: { fuzzyDates: true, timeZone: 'America/New_York', locale: 'en-US' },
    at: 'Nov 29, 2026, 12:12 AM EST',
    plus10Minutes: 'Nov 29, 2026, 12:22 AM EST',
    plus1Hour: 'Nov 29, 2026, 1:12 AM EST',
    plus24Hours: 'Nov 30, 2026, 12:12 AM EST',
    plus7Days: 'Dec 6, 2026, 12:12 AM EST',
    plus30Days: 'Dec 29, 2026, 12:12 AM EST',
  },
  {
    label: 'Stockholm, sv-SE',
    preferences: { fuzzyDates: false, timeZone: 'Europe/Stockholm', locale: 'sv-SE' },
    at: '29 nov. 2026 06:12 CET',
    plus10Minutes: '29 nov. 2026 06:22 CET',
    plus1Hour: '29 nov. 2026 07:12 CET',
    plus24Hours: '30 nov. 2026 06:12 CET',
    plus7Days: '6 dec. 2026 06:12 CET',
    plus30Days: '29 dec. 2026 06:12 CET',
  },
] as const;

/** A local user, signed in, who saved these display preferences on their profile. */
async function personWith(preferences: (typeof people)[number]['preferences']) {
  const { user, password } = await localUser(app);
  const { cookie } = await login(app, user.username, password);
  const saved = await app.request('PATCH', '/api/v1/me', { preferences }, { cookie });
  expect(saved.status).toBe(200);
  expect(saved.json.preferences).toEqual(preferences);
  await newMail();
  return { user, password, cookie };
}

async function onlyMailTo(address: string): Promise<ReadMail> {
  const mails = (await newMail()).filter((m) => m.to === address);
  expect(mails).toHaveLength(1);
  return mails[0] as ReadMail;
}

/** The date text is in the text part and in the HTML part. */
function expectDate(mail: ReadMail, phrase: string, date: string) {
  expect(mail.text).toContain(phrase);
  expect(mail.html).toContain(date);
}

describe.each(people)('account emails to a person in $label', (person) => {
  it('password changed: the exact time of the change, with the zone', async () => {
    const { user, password, cookie } = await personWith(person.preferences);
    const newPassword = strongPassword();
    const res = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword, confirmPassword: newPassword },
      { cookie },
    );
    expect(res.status).toBe(204);
    const mail = await onlyMailTo(user.email);
    expectDate(mail, `was changed on ${person.at}.`, person.at);
    expect(mail.text).not.toMatch(/GMT|ago/);
  });

  it('API key created: when it was created and when it expires', async () => {
    const { user, cookie } = await personWith(person.preferences);
    const res = await app.request(
      'POST',
      '/api/v1/me/api-keys',
      { name: 'Render farm', expiresInDays: 30 },
      { cookie },
    );
    expect(res.status).toBe(201);
    const mail = await onlyMailTo(user.email);
    expectDate(mail, `was created for your account on ${person.at}`, person.at);
    expectDate(mail, `expires on ${person.plus30Days}`, person.plus30Days);
  });

  it('account locked: when, and until when signing in is paused', async () => {
    const { user } = await personWith(person.preferences);
    for (let i = 0; i < 10; i++) {
      const r = await login(app, user.username, `wrong-${i}-password`, { 'x-forwarded-for': `10.7.0.${i}` });
      expect(r.status).toBe(401);
    }
    const mail = await onlyMailTo(user.email);
    expect(mail.subject).toMatch(/paused/);
    expectDate(mail, `On ${person.at}, someone entered a wrong password`, person.at);
    expectDate(mail, `paused for 10 minutes (until ${person.plus10Minutes})`, person.plus10Minutes);
  });

  it('password reset link: how long, and until when', async () => {
    const { user } = await personWith(person.preferences);
    const res = await app.request('POST', '/api/v1/auth/password-reset', { identifier: user.username });
    expect(res.status).toBe(202);
    const mail = await onlyMailTo(user.email);
    expectDate(mail, `within 60 minutes (until ${person.plus1Hour})`, person.plus1Hour);
  });

  it('email change: the link to the new address and the notice with undo to the old one', async () => {
    const { user, password, cookie } = await personWith(person.preferences);
    const newEmail = `moved-${Math.random().toString(36).slice(2, 8)}@studio.example`;
    const res = await app.request(
      'PATCH',
      '/api/v1/me',
      { email: newEmail, currentPassword: password },
      { cookie },
    );
    expect(res.status).toBe(200);
    const verify = await onlyMailTo(newEmail);
    expectDate(verify, `24 hours (until ${person.plus24Hours})`, person.plus24Hours);
    const { token } = linkIn(verify.text, '/verify-email');
    expect((await app.request('POST', '/api/v1/auth/email/verify', { token })).status).toBe(204);
    const notice = await onlyMailTo(user.email);
    expectDate(notice, `On ${person.at}, the Concierge account`, person.at);
    expectDate(notice, `within 7 days (until ${person.plus7Days})`, person.plus7Days);
  });
});

describe('a person who never chose display preferences', () => {
  it('is invited with the service default: English, UTC', async () => {
    const { user: admin, password } = await localUser(app, { role: 'admin' });
    const { cookie } = await login(app, admin.username, password);
    const name = `invited-${Math.random().toString(36).slice(2, 8)}`;
    const email = `${name}@studio.example`;
    await newMail();
    const res = await app.request('POST', '/api/v1/admin/users', { username: name, email }, { cookie });
    expect(res.status).toBe(201);
    const mail = await onlyMailTo(email);
    expectDate(mail, 'within 7 days (until Dec 6, 2026, 5:12 AM UTC)', 'Dec 6, 2026, 5:12 AM UTC');
  });

  it('gets the password-changed time in UTC with its name, not relative though fuzzy dates are on', async () => {
    now += 60_000;
    const { user, password } = await localUser(app);
    const { cookie } = await login(app, user.username, password);
    await newMail();
    const newPassword = strongPassword();
    await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: password, newPassword, confirmPassword: newPassword },
      { cookie },
    );
    const mail = await onlyMailTo(user.email);
    expectDate(mail, 'was changed on Nov 29, 2026, 5:13 AM UTC.', 'Nov 29, 2026, 5:13 AM UTC');
  });
});
