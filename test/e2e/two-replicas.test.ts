import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/db/database.js';
import { compose } from '../../src/compose/compose.js';
import { parseConfig } from '../../src/config/load.js';
import { freshDatabase } from '../support/databases.js';
import { digestsFor, insertPending, insertUsers } from '../support/digest-fixtures.js';
import { compiledConcierge } from './support/build.js';
import { newInstance, type RunningConcierge, startConcierge } from './support/concierge.js';
import { smtpSink, tally, until } from './support/smtp-sink.js';

// Two built server processes on one PostgreSQL database, as two replicas behind a load balancer: what
// one of them did must hold on the other (sessions, sign-in counters, revoked keys), and their jobs,
// both running, must act as one service (1,000 due digests: 1,000 emails, none twice).

const compiled = compiledConcierge();
const origin = 'http://concierge.test';
const DIGESTS = 1000;
const MAX_FAILURES = 4;
const serviceToken = 'host-platform-token-replicas-0123456789abcdef01';

const config = (smtpUrl: string) => `
server: { publicUrl: "${origin}" }
logging: { level: info }
serviceTokens: ["${serviceToken}"]
auth:
  # Other replicas' revocations and sign-outs count at once (the default allows up to 5 seconds).
  readCacheSeconds: 0
  throttle: { account: { maxAttempts: ${MAX_FAILURES}, windowMinutes: 10, lockMinutes: 10 } }
mail:
  transport: smtp
  smtp: { url: "${smtpUrl}", pool: true }
  outbox: { schedule: "* * * * * *", batchSize: 100 }
`;

let a: RunningConcierge;
let b: RunningConcierge;
let db: Db & { url: string };
let sink: Awaited<ReturnType<typeof smtpSink>>;
let createUser: ReturnType<typeof compose>['createUser'];

/** A request to one replica, JSON in and out, with the service's own Origin (the CSRF check). */
async function call(
  server: RunningConcierge,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: {
      origin,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response bodies
  const json: any = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
  const cookie = /concierge_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return { status: res.status, json, cookie: cookie ? `concierge_session=${cookie}` : '' };
}

const signIn = (server: RunningConcierge, identifier: string, password: string) =>
  call(server, 'POST', '/api/v1/auth/login', { body: { identifier, password } });

let serial = 0;
async function person() {
  serial += 1;
  const username = `replica-${serial}-${Math.random().toString(36).slice(2, 6)}`;
  const password = `violet-anchor-mosaic-${Math.random().toString(36).slice(2, 8)}`;
  await createUser({
    username,
    email: `${username}@studio.example`,
    firstName: 'Ada',
    lastName: 'L',
    password,
  });
  return { username, email: `${username}@studio.example`, password };
}

beforeAll(async () => {
  sink = await smtpSink();
  db = await freshDatabase('postgres');
  // Users with passwords are created through the real use case, on the same database.
  const parts = compose(parseConfig({ database: { url: db.url }, server: { publicUrl: origin } }), db, {
    logger: pino({ level: 'silent' }),
  });
  createUser = parts.createUser;

  // 1,000 people with something pending, their digests due: both replicas' digest jobs (every minute)
  // take them at their next run, while the other tests go on.
  const ids = Array.from({ length: DIGESTS }, (_, i) => `digest-${String(i).padStart(4, '0')}`);
  await insertUsers(
    db,
    ids.map((id) => ({ id })),
  );
  await insertPending(
    db,
    ids.map((userId) => ({ userId, createdAt: Date.now() - 60_000 })),
  );
  await digestsFor(db, () => new Date()).job.runOnce();
  await db.kysely
    .updateTable('digest_schedules')
    .set({ next_run_at: Date.now() - 1000 })
    .execute();

  const instance = newInstance(config(sink.url), db.url);
  [a, b] = await Promise.all([startConcierge(compiled(), instance), startConcierge(compiled(), instance)]);
}, 120_000);

describe('two replicas on one PostgreSQL database', () => {
  it('a session created on one replica works on the other, and a sign-out on either ends it on both', async () => {
    const p = await person();
    const session = await signIn(a, p.username, p.password);
    expect(session.status).toBe(200);
    const me = await call(b, 'GET', '/api/v1/me', { headers: { cookie: session.cookie } });
    expect([me.status, me.json?.username]).toEqual([200, p.username]);
    expect(
      (await call(b, 'POST', '/api/v1/auth/logout', { headers: { cookie: session.cookie } })).status,
    ).toBe(204);
    for (const server of [a, b]) {
      expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: session.cookie } })).status).toBe(
        401,
      );
    }
  });

  it('sign-in failures alternating between the replicas lock the account after the configured number', async () => {
    const p = await person();
    for (let i = 1; i <= MAX_FAILURES; i++) {
      const res = await signIn(i % 2 ? a : b, p.username, `wrong-password-${i}-xyz`);
      // The failure that starts the lock still answers 401.
      expect(res.status, `failure ${i}`).toBe(401);
    }
    for (const server of [a, b]) {
      const locked = await signIn(server, p.username, p.password);
      expect(locked.status).toBe(429);
      expect(locked.json.code).toBe('too_many_requests');
    }
    await until('the one lock email arrives', async () =>
      (await sink.messages()).some((m) => m.to === p.email),
    );
    const other = await person();
    expect((await signIn(b, other.username, other.password)).status).toBe(200);
    expect((await sink.messages()).filter((m) => m.to === p.email).map((m) => m.subject)).toEqual([
      'Sign-in to your Concierge account is paused',
    ]);
  });

  it('an API key revoked on one replica is refused by the other at once', async () => {
    const p = await person();
    const { cookie } = await signIn(a, p.username, p.password);
    const created = await call(a, 'POST', '/api/v1/me/api-keys', {
      body: { name: 'Render farm' },
      headers: { cookie },
    });
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.json.key}` };
    expect((await call(b, 'GET', '/api/v1/me', { headers: bearer })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/me', { headers: bearer })).status).toBe(200);
    const introspect = (server: RunningConcierge) =>
      call(server, 'POST', '/api/v1/introspect', {
        body: { token: created.json.key },
        headers: { authorization: `Bearer ${serviceToken}` },
      });
    expect((await introspect(b)).json).toMatchObject({ active: true, kind: 'api_key' });

    const revoked = await call(a, 'DELETE', `/api/v1/me/api-keys/${created.json.id}`, {
      headers: { cookie },
    });
    expect(revoked.status).toBe(204);
    const refused = await call(b, 'GET', '/api/v1/me', { headers: bearer });
    expect(refused.status).toBe(401);
    expect(refused.json.detail).toMatch(/revoked/);
    expect((await introspect(b)).json).toMatchObject({ active: false });
  });

  it('with both replicas running the jobs, 1,000 due digests become exactly 1,000 emails', async () => {
    await until(
      'every digest is written and sent',
      async () => {
        const row = await db.kysely
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('template', '=', 'digest')
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow();
        return Number(row.n) === DIGESTS;
      },
      { everyMs: 250, tries: 600 },
    );
    const rows = await db.kysely
      .selectFrom('outbox')
      .select(['id', 'to_address'])
      .where('template', '=', 'digest')
      .execute();
    expect(rows).toHaveLength(DIGESTS);
    expect(tally(rows.map((r) => r.to_address)).size).toBe(DIGESTS);

    const digests = (await sink.messages()).filter((m) => m.subject.startsWith('Your daily digest'));
    expect(digests).toHaveLength(DIGESTS);
    expect(tally(digests.map((m) => m.messageId)).size).toBe(DIGESTS);
    expect(tally(digests.map((m) => m.to)).size).toBe(DIGESTS);
    expect(new Set(digests.map((m) => m.messageId))).toEqual(
      new Set(rows.map((r) => `<${r.id}@concierge.test>`)),
    );

    // Which replica did how much is up to the leases; together they did each digest once.
    const sentBy = (server: RunningConcierge) =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"digests run"'))
        .reduce((n, line) => n + (JSON.parse(line) as { sent: number }).sent, 0);
    expect(sentBy(a) + sentBy(b), `replica A sent ${sentBy(a)}, B ${sentBy(b)}`).toBe(DIGESTS);

    for (const server of [a, b]) {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  }, 150_000);
});
