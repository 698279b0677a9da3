import { describe, expect, it } from 'vitest';
import { resetRequestQueue } from '../../src/adapters/db/reset-requests-store.js';
import type { PasswordHasher } from '../../src/domain/auth/password-hasher.js';
import { linkIn, localUser, mailbox } from '../support/accounts.js';
import { signedInUser } from '../support/signed-in.js';
import { testApp } from '../support/test-app.js';

// "Forgot your password?" must not tell whether an account exists, by its answer or by the work done
// before it (that work is what a stopwatch would measure). Work is counted, never timed: every SQL
// statement the request runs and every argon2 call (a counting hasher around
// the real one).
const statements: string[] = [];
let hashes = 0;
const counting = (inner: PasswordHasher): PasswordHasher => ({
  hash(password) {
    hashes++;
    return inner.hash(password);
  },
  verify(hash, password) {
    hashes++;
    return inner.verify(hash, password);
  },
});

const app = await testApp({
  config: {
    server: { publicUrl: 'http://concierge.test', trustProxy: true },
    providers: [
      { id: 'local', kind: 'local' },
      {
        id: 'google',
        kind: 'oidc',
        preset: 'google',
        clientId: 'client',
        clientSecret: 'secret',
        contact: 'Studio IT, it@studio.example',
      },
    ],
  },
  onStatement: (sql) => statements.push(sql),
  hasher: counting,
});
const newMail = mailbox(app);

let ip = 0;
/** One reset request from an address of its own, with the work it did before answering. */
async function ask(identifier: string) {
  statements.length = 0;
  hashes = 0;
  const res = await app.request(
    'POST',
    '/api/v1/auth/password-reset',
    { identifier },
    { 'x-forwarded-for': `203.0.113.${++ip}` },
  );
  const headers = [...res.headers].filter(([name]) => name !== 'x-request-id');
  return { status: res.status, headers, body: res.text, statements: [...statements], hashes };
}

describe('a password-reset request', () => {
  it('is answered byte for byte alike, after the same work, for existing, unknown, disabled and external accounts', async () => {
    const { user } = await localUser(app);
    const disabled = await signedInUser(app, { disabled: true });
    const external = await signedInUser(app, { providerId: 'google' });
    await newMail();

    const answers = {
      existing: await ask(user.username),
      byEmail: await ask(user.email.toUpperCase()),
      unknown: await ask('nobody-here-at-all'),
      unknownEmail: await ask('nobody@nowhere.example'),
      disabled: await ask(disabled.user.username),
      external: await ask(external.user.email),
    };
    const reference = answers.existing;
    expect(reference.status).toBe(202);
    // The request did record something, in one insert (so the comparison below is not of nothing).
    expect(reference.statements.filter((s) => /insert into "password_reset_requests"/i.test(s))).toHaveLength(
      1,
    );
    expect(reference.hashes).toBe(0);
    for (const [who, answer] of Object.entries(answers)) {
      expect({ who, ...answer }).toEqual({ who, ...reference });
    }

    // And yet each was handled as it should be, by the delivery job, after the answer.
    const mails = await newMail();
    const toUser = mails.filter((m) => m.to === user.email);
    expect(toUser).toHaveLength(2);
    expect(linkIn(toUser[1]!.text, '/reset-password').token).toMatch(/^[a-z0-9]{32}$/);
    expect(mails.filter((m) => m.to === external.user.email).map((m) => m.subject)).toEqual([
      'About your Concierge password',
    ]);
    expect(mails.filter((m) => m.to === disabled.user.email)).toHaveLength(0);
    expect(mails).toHaveLength(3);
  });

  it('costs the same once the per-account limit is reached as before it', async () => {
    const { user } = await localUser(app);
    const first = await ask(user.username);
    for (let i = 0; i < 3; i++) await ask(user.username);
    // Beyond three an hour the request is dropped, but only the job knows: the answer does not change.
    const dropped = await ask(user.username);
    expect(dropped).toEqual(first);
    await newMail();
  });

  it('survives a worker that claimed it and died: once the claim lapses, the next run sends the email', async () => {
    const { user } = await localUser(app);
    await newMail();
    expect((await ask(user.username)).status).toBe(202);
    // A worker that claimed the request two minutes ago with a one-minute lease, and never finished.
    const crashed = resetRequestQueue(app.db, 'crashed-worker', 60_000);
    expect(await crashed.claim(10, new Date(Date.now() - 120_000))).toHaveLength(1);
    const mails = await newMail();
    expect(mails.filter((m) => m.to === user.email).map((m) => m.subject)).toEqual([
      'Reset your Concierge password',
    ]);
    expect(await app.db.kysely.selectFrom('password_reset_requests').selectAll().execute()).toEqual([]);
  });

  it('is left alone while another worker holds its claim, and handled once', async () => {
    const { user } = await localUser(app);
    await newMail();
    await ask(user.username);
    const other = resetRequestQueue(app.db, 'other-replica', 60_000);
    expect(await other.claim(10, new Date())).toHaveLength(1);
    expect((await newMail()).filter((m) => m.to === user.email)).toHaveLength(0);
    expect(await app.db.kysely.selectFrom('password_reset_requests').selectAll().execute()).toHaveLength(1);
    await app.db.kysely.deleteFrom('password_reset_requests').execute();
  });
});
