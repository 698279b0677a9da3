import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/shared/tokens.js';
import { linkIn, strongPassword } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { engines } from '../support/databases.js';
import { testApp } from '../support/test-app.js';

// "No copy of the database alone yields a usable password, token or key." A scenario makes every kind
// of secret Concierge hands out, collecting each value the client, the emails and the log saw; copies
// of the database (every row of every table the schema catalog lists and, on SQLite, the raw database
// files) and of every file under the data directory are taken while those secrets are live, including
// while a link email waits, is retried through an SMTP outage, after it is sent and once it is dead.
// No copy may hold any of the values, as they are or re-encoded. Then each value is used, to show it
// was a working secret (so the test cannot pass by collecting nothing).

const SERVICE_TOKEN = 'host-platform-service-token-secrets-at-rest-0123456789';
const MINUTE = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A real SMTP server on 127.0.0.1 that reads every message; those to an address `refuse` names are
 * refused after their content was transmitted (451 at the end of DATA), as a failing relay would.
 */
async function smtpSink(port: number, refuse: (to: string) => boolean) {
  const seen: { to: string; text: string; accepted: boolean }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      simpleParser(stream).then(
        (mail) => {
          const accepted = !refuse(to);
          seen.push({ to, text: mail.text ?? '', accepted });
          if (accepted) return callback();
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { seen };
}

type App = Awaited<ReturnType<typeof testApp>>;

/** Every row of every table the schema catalog lists, as text; on SQLite the database files' bytes too. */
async function copyOfDatabase(app: App): Promise<{ rows: string; files: Buffer[] }> {
  const tables =
    app.db.dialect === 'postgres'
      ? (
          await sql<{ name: string }>`
            select table_schema || '.' || table_name as name from information_schema.tables
            where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`.execute(
            app.db.kysely,
          )
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
            app.db.kysely,
          )
        ).rows.map((r) => r.name);
  expect(tables).toEqual(expect.arrayContaining([expect.stringMatching(/outbox$/)]));
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await sql`select * from ${sql.table(table)}`.execute(app.db.kysely);
    parts.push(`${table}: ${JSON.stringify(rows.rows)}`);
  }
  const files: Buffer[] = [];
  if (app.db.dialect === 'sqlite') {
    const path = app.db.url.slice('file:'.length);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      const bytes = await readFile(file).catch(() => null);
      if (bytes) files.push(bytes);
    }
    expect(files.length).toBeGreaterThan(0);
  }
  return { rows: parts.join('\n'), files };
}

/** Every file under the data directory. */
async function copyOfDataDir(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) out.push(await readFile(path));
  }
  return out;
}

/** The forms a secret could be stored in that a copy would reveal it by: as it is, or re-encoded. */
function encodings(secret: string): { text: string[]; bytes: Buffer[] } {
  const utf8 = Buffer.from(secret, 'utf8');
  const text = [
    secret,
    secret.toUpperCase(),
    encodeURIComponent(secret),
    utf8.toString('hex'),
    utf8.toString('base64'),
    utf8.toString('base64url'),
  ];
  const bytes = [utf8];
  // Tokens are base32 of random bytes: the bytes themselves, in hex or base64, would be the token too.
  if (/^[a-z2-7]{16,}$/.test(secret)) {
    const raw = Buffer.from(decodeBase32IgnorePadding(secret.toUpperCase()));
    text.push(raw.toString('hex'), raw.toString('base64'), raw.toString('base64url'));
    bytes.push(raw);
  }
  // Long enough that a chance match with unrelated data is impossible; the shortest forms are checked
  // whole, and a token's first half is enough to guess nothing, so halves are not searched.
  return { text: text.filter((t) => t.length >= 16), bytes };
}

const cookieValue = (res: { headers: Headers }, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => new RegExp(`^${name}=([^;]+)`).exec(c)?.[1])
    .find((v) => v !== undefined);

describe.each(engines)('secrets at rest on %s', (engine) => {
  it('no copy of the database or the data directory holds a usable password, token or key', async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const port = await freePort();
    const sink = await smtpSink(port, (to) => to.startsWith('outage-'));
    const app = await testApp({
      engine,
      clock,
      config: {
        serviceTokens: [SERVICE_TOKEN],
        mail: {
          transport: 'smtp',
          smtp: { url: `smtp://127.0.0.1:${port}`, pool: false },
          outbox: { maxAttempts: 3 },
        },
      },
    });
    const secrets: Record<string, string> = { serviceToken: SERVICE_TOKEN };
    const copies: { when: string; rows: string; files: Buffer[] }[] = [];
    const takeCopy = async (when: string) => {
      const db = await copyOfDatabase(app);
      copies.push({ when, rows: db.rows, files: [...db.files, ...(await copyOfDataDir(app.dataDir))] });
    };
    const deliver = () => app.outbox.runOnce();
    const mailTo = (to: string, path: string) => {
      const mail = sink.seen.filter((m) => m.to === to).at(-1);
      if (!mail) throw new Error(`no email to ${to}`);
      return linkIn(mail.text, path).token;
    };
    const signIn = async (identifier: string, password: string) => {
      const res = await app.request('POST', '/api/v1/auth/login', { identifier, password });
      expect(res.status).toBe(200);
      return {
        session: cookieValue(res, 'concierge_session')!,
        device: cookieValue(res, 'concierge_device')!,
      };
    };

    // The setup link, printed in the log on the first start.
    const setupToken = await app.issueSetupToken();
    if (setupToken === null) throw new Error('expected a setup link on an empty database');
    secrets.setupToken = setupToken;
    await takeCopy('setup link open');
    const adminPassword = strongPassword();
    secrets.adminPassword = adminPassword;
    const setup = await app.request('POST', '/api/v1/setup', {
      token: setupToken,
      username: 'admin',
      email: 'admin@studio.example',
      password: adminPassword,
    });
    expect(setup.status).toBe(201);
    const admin = await signIn('admin', adminPassword);
    secrets.adminSession = admin.session;
    secrets.adminDevice = admin.device;
    const asAdmin = { cookie: `concierge_session=${admin.session}` };

    // A password set, used, then changed; sessions and device cookies from the sign-ins; an API key.
    const firstPassword = strongPassword();
    secrets.firstPassword = firstPassword;
    await app.createUser({ username: 'ada', email: 'ada@studio.example', password: firstPassword });
    const first = await signIn('ada', firstPassword);
    secrets.firstSession = first.session;
    secrets.firstDevice = first.device;
    const changedPassword = strongPassword();
    secrets.changedPassword = changedPassword;
    const change = await app.request(
      'POST',
      '/api/v1/me/password',
      { currentPassword: firstPassword, newPassword: changedPassword, confirmPassword: changedPassword },
      { cookie: `concierge_session=${first.session}` },
    );
    expect(change.status).toBe(204);
    const ada = await signIn('ada', changedPassword);
    secrets.adaSession = ada.session;
    secrets.adaDevice = ada.device;
    const asAda = { cookie: `concierge_session=${ada.session}` };
    const key = await app.request('POST', '/api/v1/me/api-keys', { name: 'Render farm' }, asAda);
    expect(key.status).toBe(201);
    secrets.apiKey = key.json.key;

    // Emailed links, sent: a reset, an invitation, an email change and its undo.
    await app.createUser({ username: 'grace', email: 'grace@studio.example', password: strongPassword() });
    await app.request('POST', '/api/v1/auth/password-reset', { identifier: 'grace' });
    const invite = await app.request(
      'POST',
      '/api/v1/admin/users',
      { username: 'linus', email: 'linus@studio.example' },
      asAdmin,
    );
    expect(invite.status).toBe(201);
    const move = await app.request(
      'PATCH',
      '/api/v1/me',
      { email: 'ada.new@studio.example', currentPassword: changedPassword },
      asAda,
    );
    expect(move.status).toBe(200);
    await takeCopy('link emails pending');
    await deliver();
    secrets.resetSent = mailTo('grace@studio.example', '/reset-password');
    secrets.invitationSent = mailTo('linus@studio.example', '/reset-password');
    secrets.verifySent = mailTo('ada.new@studio.example', '/verify-email');
    await takeCopy('link emails sent');
    expect(
      (await app.request('POST', '/api/v1/auth/email/verify', { token: secrets.verifySent })).status,
    ).toBe(204);
    await deliver();
    secrets.undoSent = mailTo('ada@studio.example', '/undo-email-change');

    // A reset email through an SMTP outage: refused at each attempt until it is dead.
    await app.createUser({
      username: 'outage',
      email: 'outage-mail@studio.example',
      password: strongPassword(),
    });
    await app.request('POST', '/api/v1/auth/password-reset', { identifier: 'outage' });
    await takeCopy('reset email waiting for its first attempt');
    const refused: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await deliver();
      refused.push(mailTo('outage-mail@studio.example', '/reset-password'));
      const row = await app.db.kysely
        .selectFrom('outbox')
        .select(['status', 'attempts'])
        .where('to_address', '=', 'outage-mail@studio.example')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: attempt < 3 ? 'pending' : 'dead', attempts: attempt });
      await takeCopy(attempt < 3 ? `reset email retried after attempt ${attempt}` : 'reset email dead');
      now += 10 * MINUTE;
    }
    refused.forEach((token, i) => {
      secrets[`resetRefused${i + 1}`] = token;
    });

    // A reset link still waiting when the copy is taken, sent afterwards.
    await app.createUser({ username: 'edsger', email: 'edsger@studio.example', password: strongPassword() });
    await app.request('POST', '/api/v1/auth/password-reset', { identifier: 'edsger' });
    await takeCopy('a reset request not yet handled');
    await deliver();
    secrets.resetAfterCopy = mailTo('edsger@studio.example', '/reset-password');
    await takeCopy('everything sent');

    // No copy holds any secret, in any of the forms checked.
    const found: string[] = [];
    for (const copy of copies) {
      for (const [name, secret] of Object.entries(secrets)) {
        const { text, bytes } = encodings(secret);
        for (const form of text)
          if (copy.rows.includes(form)) found.push(`${name} in the rows (${copy.when})`);
        for (const file of copy.files) {
          for (const form of [...text.map((t) => Buffer.from(t)), ...bytes]) {
            if (file.includes(form)) found.push(`${name} in a file (${copy.when})`);
          }
        }
      }
    }
    expect(found).toEqual([]);
    expect(copies.length).toBe(9);
    expect(Object.keys(secrets).length).toBeGreaterThanOrEqual(20);

    // Each value was a working secret.
    expect((await app.request('GET', '/api/v1/me', undefined, asAdmin)).status).toBe(200);
    expect((await app.request('GET', '/api/v1/me', undefined, asAda)).status).toBe(200);
    expect(
      (await app.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${secrets.apiKey}` }))
        .status,
    ).toBe(200);
    const introspected = await app.request(
      'POST',
      '/api/v1/introspect',
      { token: secrets.apiKey },
      { authorization: `Bearer ${SERVICE_TOKEN}` },
    );
    expect(introspected.json.active).toBe(true);
    // Device cookies are not credentials: what shows they are real is that sign-in recognised them.
    const devices = await app.db.kysely.selectFrom('known_devices').select('device_hash').execute();
    for (const device of [secrets.adminDevice, secrets.firstDevice, secrets.adaDevice]) {
      expect(devices.map((d) => d.device_hash)).toContain(hashToken(device!));
    }
    // The first password worked before it was changed (signIn above); the changed one works now.
    expect(
      (await app.request('POST', '/api/v1/auth/login', { identifier: 'ada', password: firstPassword }))
        .status,
    ).toBe(401);
    await signIn('ada', changedPassword);
    const setPassword = (token: string) => {
      const password = strongPassword();
      return app.request('POST', '/api/v1/auth/password-reset/confirm', {
        token,
        newPassword: password,
        confirmPassword: password,
      });
    };
    expect((await setPassword(secrets.resetSent)).status).toBe(204);
    expect((await setPassword(secrets.invitationSent)).status).toBe(204);
    expect((await setPassword(secrets.resetAfterCopy)).status).toBe(204);
    // Each attempt minted anew: only the last refused attempt's link works (nobody received it).
    expect((await setPassword(refused[0]!)).status).toBe(400);
    expect((await setPassword(refused[1]!)).status).toBe(400);
    expect((await setPassword(refused[2]!)).status).toBe(204);
    // The verification link worked (above); the undo link puts the old address back.
    expect((await app.request('POST', '/api/v1/auth/email/undo', { token: secrets.undoSent })).status).toBe(
      204,
    );
    // And the setup link made the administrator (above).
    expect(setup.json.username).toBe('admin');
  });
});
