import { describe, expect, it } from 'vitest';
import { defaultPreferences } from '../../src/domain/accounts/user.js';
import { formatExactWithZone } from '../../src/domain/notifications/date-format.js';
import { linkIn, localUser, login, mailbox, signedInLocal, strongPassword } from '../support/accounts.js';
import { expectProblem } from '../support/http-checks.js';
import { testApp } from '../support/test-app.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// One app whose clock the tests move: every link below is read from the email that carries it and used
// through the API, just inside and just outside the validity the email promises.
let now = Date.UTC(2026, 2, 2, 9, 0, 0);
const app = await testApp({ clock: () => new Date(now) });
const newMail = mailbox(app);
// Signed in when needed: a session made at the start would outlive neither the moves of the clock nor
// a reordering of the tests.
const asAdmin = async () => (await signedInLocal(app, { role: 'admin' })).headers;
const emailOf = async (userId: string) =>
  (await app.request('GET', `/api/v1/admin/users/${userId}`, undefined, await asAdmin())).json.email;

const mailTo = async (address: string) => {
  const mail = (await newMail()).find((m) => m.to === address);
  if (!mail) throw new Error(`no email to ${address}`);
  return mail;
};

async function setPassword(token: string) {
  const password = strongPassword();
  const res = await app.request('POST', '/api/v1/auth/password-reset/confirm', {
    token,
    newPassword: password,
    confirmPassword: password,
  });
  return { ...res, password };
}

/** A local user signed in who asked to move to a new address: the link mailed to it. */
async function pendingEmailChange() {
  const { user, password } = await localUser(app);
  const { cookie } = await login(app, user.username, password);
  const newEmail = `moved-${Math.random().toString(36).slice(2, 8)}@studio.example`;
  await newMail();
  const res = await app.request(
    'PATCH',
    '/api/v1/me',
    { email: newEmail, currentPassword: password },
    { cookie },
  );
  expect(res.status).toBe(200);
  const mail = await mailTo(newEmail);
  return { user, password, newEmail, mail, verify: linkIn(mail.text, '/verify-email').token };
}

/** A user whose email change took effect: the undo link mailed to the old address. */
async function verifiedEmailChange() {
  const pending = await pendingEmailChange();
  expect((await app.request('POST', '/api/v1/auth/email/verify', { token: pending.verify })).status).toBe(
    204,
  );
  const mail = await mailTo(pending.user.email);
  return { ...pending, notice: mail, undo: linkIn(mail.text, '/undo-email-change').token };
}

async function resetLink() {
  const { user } = await localUser(app);
  await newMail();
  expect(
    (await app.request('POST', '/api/v1/auth/password-reset', { identifier: user.username })).status,
  ).toBe(202);
  const mail = await mailTo(user.email);
  return { user, mail, token: linkIn(mail.text, '/reset-password').token };
}

async function invitationLink() {
  const name = `invited-${Math.random().toString(36).slice(2, 8)}`;
  const email = `${name}@studio.example`;
  await newMail();
  const res = await app.request('POST', '/api/v1/admin/users', { username: name, email }, await asAdmin());
  expect(res.status).toBe(201);
  const mail = await mailTo(email);
  return { name, mail, token: linkIn(mail.text, '/reset-password').token };
}

describe('the password-reset link', () => {
  it('says it is valid for 60 minutes and sets the password at 59', async () => {
    const { user, mail, token } = await resetLink();
    expect(mail.text).toContain('within 60 minutes');
    now += 59 * MINUTE;
    const set = await setPassword(token);
    expect(set.status).toBe(204);
    expect((await login(app, user.username, set.password)).status).toBe(200);
  });

  it('is refused just after 60 minutes with 400 token_invalid telling how to get a new one', async () => {
    const { token } = await resetLink();
    now += 60 * MINUTE + 1;
    const res = await setPassword(token);
    expectProblem(res, 400, 'token_invalid');
    expect(res.json.detail).toMatch(/expired/);
    expect(res.json.detail).toContain('Forgot your password?');
  });
});

describe('a link whose email went out late', () => {
  it('is minted when the email is sent: its stated validity counts from then, and holds', async () => {
    const { user } = await localUser(app);
    await newMail();
    await app.request('POST', '/api/v1/auth/password-reset', { identifier: user.username });
    // Mail was down for half an hour: the job sends the email only now.
    now += 30 * MINUTE;
    const sentAt = now;
    const mail = await mailTo(user.email);
    const until = formatExactWithZone(new Date(sentAt + 60 * MINUTE), defaultPreferences);
    expect(mail.text).toContain(`within 60 minutes (until ${until})`);
    now = sentAt + 59 * MINUTE;
    const { token } = linkIn(mail.text, '/reset-password');
    expect((await setPassword(token)).status).toBe(204);
  });
});

describe('the email-change verification link', () => {
  it('says it is valid for 24 hours and changes the address at 23 h 59 min', async () => {
    const { user, newEmail, mail, verify } = await pendingEmailChange();
    expect(mail.text).toContain('24 hours');
    now += 24 * HOUR - MINUTE;
    expect((await app.request('POST', '/api/v1/auth/email/verify', { token: verify })).status).toBe(204);
    expect(await emailOf(user.id)).toBe(newEmail);
  });

  it('is refused just after 24 hours, and the address stays as it was', async () => {
    const { user, verify } = await pendingEmailChange();
    now += 24 * HOUR + 1;
    const res = await app.request('POST', '/api/v1/auth/email/verify', { token: verify });
    expectProblem(res, 400, 'token_invalid');
    expect(res.json.detail).toMatch(/expired/);
    expect(await emailOf(user.id)).toBe(user.email);
  });
});

describe('the undo link sent to the old address', () => {
  it('says it is valid for 7 days and puts the old address back just before', async () => {
    const { user, notice, undo } = await verifiedEmailChange();
    expect(notice.text).toContain('7 days');
    now += 7 * DAY - MINUTE;
    expect((await app.request('POST', '/api/v1/auth/email/undo', { token: undo })).status).toBe(204);
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it('is refused just after 7 days, and the new address stays', async () => {
    const { user, newEmail, undo } = await verifiedEmailChange();
    now += 7 * DAY + 1;
    const res = await app.request('POST', '/api/v1/auth/email/undo', { token: undo });
    expectProblem(res, 400, 'token_invalid');
    expect(res.json.detail).toMatch(/expired/);
    expect(await emailOf(user.id)).toBe(newEmail);
  });
});

describe('the invitation link', () => {
  it('says it is valid for 7 days and sets the first password just before', async () => {
    const { name, mail, token } = await invitationLink();
    expect(mail.text).toContain('within 7 days');
    now += 7 * DAY - MINUTE;
    const set = await setPassword(token);
    expect(set.status).toBe(204);
    expect((await login(app, name, set.password)).status).toBe(200);
  });

  it('is refused just after 7 days with 400 token_invalid', async () => {
    const { token } = await invitationLink();
    now += 7 * DAY + 1;
    const res = await setPassword(token);
    expectProblem(res, 400, 'token_invalid');
    expect(res.json.detail).toMatch(/expired/);
  });
});
