import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionsStore } from '../../src/adapters/db/sessions-store.js';
import { createSession } from '../../src/domain/auth/sessions.js';
import { newId } from '../../src/domain/shared/tokens.js';
import { localUser } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { changedTables, type Snapshot, snapshotter, writeLog } from '../support/db-snapshot.js';
import { type HostileRequest, hostileRequests, type Pools } from '../support/hostile-requests.js';
import { png } from '../support/images.js';
import { startOidcProvider } from '../support/oidc-provider.js';
import { signedInUser } from '../support/signed-in.js';
import { defaultEngine, testApp, testOrigin } from '../support/test-app.js';

// Hostile input on every operation of the served OpenAPI document and on the pages and forms, as
// every kind of caller, on this run's engine (the http-postgres project runs this file on PostgreSQL).
// Asserted for every request: no 5xx and no stack trace; an /api/ error is application/problem+json
// whose detail is a sentence without validator wording or field paths, of at most 2,000 characters;
// a refused (4xx) request, and any read, writes nothing. Writes are caught by triggers on every table
// (db-snapshot.ts writeLog), read after each request; a row snapshot (count and digest per table)
// after every 100 requests checks that every change it sees was caught. After every 100 requests the
// app must still answer /healthz and /readyz.
// Each run uses a fixed seed and a fresh one; both are printed. Replay a failure with
// HOSTILE_SEED=<seed> (it replaces the fresh seed), e.g.
//   HOSTILE_SEED=123 npx vitest run --project default test/http/hostile-input.test.ts
const FIXED_SEED = 20261202;
const freshSeed = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : (Math.random() * 2 ** 31) | 0;
// Per seed: two seeds make at least 10,000 requests per engine. HOSTILE_REPORT=<file> writes every
// failure there (the assertion shows the first 30).
const REQUESTS_PER_SEED = Number(process.env.HOSTILE_REQUESTS ?? 5_100);
const CHUNK = 100;

const SERVICE_TOKEN = 'hostile-suite-service-token-0123456789abcdef';

// What a refused request may legitimately change; everything else must be exactly as before it.
const exclusions = {
  tables: [
    // Sign-in failures (a wrong password, also the current password on /me/password), reset requests
    // and single sign-on starts are counted per account and address: counting refusals is the point.
    'auth_throttle',
  ],
  columns: {
    // Touched by any request carrying the cookie (at most once a minute), and sliding expiry renews it.
    sessions: ['last_seen_at', 'expires_at'],
    // The last use of a key is recorded when it authenticates, whatever the route then answers.
    api_keys: ['last_used_at', 'last_used_ip'],
  },
  rows: {
    // The tenth failed sign-in locks the account and tells its owner, by design, on a refused request.
    outbox: (row: string) => `${row}.template <> 'account-locked'`,
  },
};

// The tables the rule is about; the snapshot covers every table it finds, these must be among them.
const BUSINESS_TABLES = [
  'users',
  'password_credentials',
  'sessions',
  'known_devices',
  'one_time_tokens',
  'outbox',
  'api_keys',
  'username_aliases',
  'external_identities',
  'directory_removals',
  'notification_events',
  'notification_inbox',
  'notification_digest_items',
  'notification_preferences',
  'notification_defaults',
  'notification_user_settings',
  'server_secrets',
  'digest_schedules',
  'digest_runs',
  'job_leases',
];

// Validator wording and field paths that must never reach a person. (Words such as "undefined" may be
// the caller's own input quoted back, so they are not looked for.)
const VALIDATOR_WORDING =
  /expected [a-z]+, received|invalid input|too (small|big)|invalid_(type|union|format|value|key)|too_(small|big)|unrecognized_keys|unrecognized key|received (undefined|null|string|number|object|array)|\[object Object\]/i;
const FIELD_PATH = /\b(body|json|query|param|form)\.\w|\w\[\d+\]|\b[A-Za-z_]\w*\.\d+\b|\/\d+\//;
const STACK = /\bat [^\n]*:\d+:\d+|node_modules|\/src\/|\.ts:\d+/;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Requests that may write when they succeed: unsafe methods, and the single sign-on GETs (an attempt
// row, a session). Every other request must write nothing at all.
const writes = (r: HostileRequest) => UNSAFE.has(r.method) || r.path.startsWith('/auth/oidc/');

const op = await startOidcProvider({ redirectUris: [`${testOrigin}/auth/oidc/partner/callback`] });
afterAll(() => op.close());

/** A fresh Concierge with callers and real values to aim at. */
async function prepare() {
  const app = await testApp({
    config: {
      serviceTokens: [SERVICE_TOKEN],
      providers: [
        { id: 'local', kind: 'local' },
        {
          id: 'partner',
          kind: 'oidc',
          displayName: 'Partner SSO',
          issuer: op.issuer,
          clientId: op.clientId,
          clientSecret: op.clientSecret,
        },
      ],
    },
  });
  const user = await signedInUser(app);
  const admin = await signedInUser(app, { role: 'admin' });
  const victims = await Promise.all([localUser(app), localUser(app), localUser(app, { role: 'admin' })]);
  const json = { origin: testOrigin };
  const keyRes = await app.request(
    'POST',
    '/api/v1/me/api-keys',
    { name: 'hostile' },
    { cookie: user.cookie },
  );
  const apiKey = keyRes.json as { id: string; key: string };
  const victimKeys = await Promise.all(
    [1, 2].map(
      async (i) =>
        (await app.request('POST', '/api/v1/me/api-keys', { name: `victim ${i}` }, { cookie: user.cookie }))
          .json.id as string,
    ),
  );
  // Inbox items (for a real cursor) and emails (for real unsubscribe links, and the link key created).
  const service = { authorization: `Bearer ${SERVICE_TOKEN}` };
  for (let i = 0; i < 3; i++) {
    const res = await app.request(
      'POST',
      '/api/v1/events',
      {
        type: 'task.assigned',
        recipients: [user.user.username, admin.user.username],
        title: `Task ${i}`,
        idempotencyKey: `seed-${i}`,
      },
      service,
    );
    expect(res.status).toBe(202);
  }
  const inbox = await app.request('GET', '/api/v1/me/notifications?limit=1', undefined, {
    cookie: user.cookie,
  });
  const settings = await app.request('GET', '/api/v1/me/notification-settings', undefined, {
    cookie: user.cookie,
  });
  const outbox = await app.db.kysely.selectFrom('outbox').select(['data', 'headers']).execute();
  const unsubscribeTokens = [
    ...new Set(
      outbox.flatMap((r) =>
        [...`${r.data} ${r.headers}`.matchAll(/unsubscribe\?token=([\w.-]+)/g)].map((m) => m[1]!),
      ),
    ),
  ];
  const picture = new Uint8Array(await png(64, 64));
  const form = new FormData();
  form.append('file', new Blob([picture], { type: 'image/png' }), 'me.png');
  const avatar = await app.app.request(`${testOrigin}/api/v1/me/avatar`, {
    method: 'PUT',
    headers: { ...json, cookie: admin.cookie },
    body: form,
  });
  const avatarUrl = ((await avatar.json()) as { avatarUrl: string }).avatarUrl;
  const doc = (await app.request('GET', '/api/v1/openapi.json')).json;

  const pools: Pools = {
    ids: [
      ...victims.map((v) => v.user.id),
      ...victimKeys,
      ...(inbox.json.items as { id: string }[]).map((i) => i.id),
      newId(),
    ],
    usernames: [...victims.map((v) => v.user.username), user.user.username, admin.user.username],
    emails: victims.map((v) => v.user.email),
    types: (settings.json.types as { type: string }[]).map((t) => t.type),
    cursors: inbox.json.nextCursor ? [inbox.json.nextCursor] : [],
    unsubscribeTokens,
    avatarFiles: [avatarUrl.split('/').pop()!, avatarUrl.split('/').pop()!.replace('-256', '-64')],
    providerIds: ['partner'],
    picture,
  };
  expect(pools.cursors).toHaveLength(1);
  expect(pools.unsubscribeTokens.length).toBeGreaterThan(0);

  const callers = { user, admin, apiKey };
  /** Sessions or a key a hostile request that succeeded ended (a sign-out, "end my other sessions") come back. */
  async function keepCallersAlive(): Promise<boolean> {
    let renewed = false;
    for (const who of [user, admin]) {
      const row = await app.db.kysely
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', who.session.id)
        .executeTakeFirst();
      if (row) continue;
      const fresh = await createSession(
        { sessions: sessionsStore(app.db.kysely), clock: () => new Date() },
        who.user.id,
        { userAgent: 'vitest', ip: null },
      );
      Object.assign(who, {
        token: fresh.token,
        session: fresh.session,
        cookie: `concierge_session=${fresh.token}`,
      });
      renewed = true;
    }
    const key = await app.db.kysely
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    if (key.revoked_at !== null) {
      const res = await app.request(
        'POST',
        '/api/v1/me/api-keys',
        { name: 'hostile' },
        { cookie: user.cookie },
      );
      Object.assign(apiKey, res.json);
      renewed = true;
    }
    return renewed;
  }
  return { app, doc, pools, callers, keepCallersAlive };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

function headersFor(r: HostileRequest, p: Prepared): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(r.headers)) h.set(k, v);
  const { user, admin, apiKey } = p.callers;
  switch (r.caller) {
    case 'user':
      h.set('cookie', user.cookie);
      h.set('origin', testOrigin);
      break;
    case 'admin':
      h.set('cookie', admin.cookie);
      h.set('origin', testOrigin);
      break;
    case 'apiKey':
      h.set('authorization', `Bearer ${apiKey.key}`);
      break;
    case 'service':
      h.set('authorization', `Bearer ${SERVICE_TOKEN}`);
      break;
    case 'crossSite':
      h.set('cookie', admin.cookie);
      if (r.path.length % 2 === 0) h.set('origin', 'https://evil.example');
      break;
    case 'garbage':
      if (r.path.length % 2 === 0) h.set('origin', testOrigin);
      break;
    default:
      h.set('origin', testOrigin);
  }
  return h;
}

function describeRequest(r: HostileRequest): string {
  const body =
    r.body === undefined
      ? ''
      : typeof r.body === 'string'
        ? ` body=${JSON.stringify(r.body.slice(0, 200))}${r.body.length > 200 ? `… (${r.body.length} chars)` : ''}`
        : ` body=<${r.body.length} bytes>`;
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}… (${v.length})` : v}`)
    .slice(0, 5)
    .join(' | ');
  return `${r.label} as ${r.caller}: ${r.method} ${r.path.length > 200 ? `${r.path.slice(0, 200)}…` : r.path}${body}${headers ? ` [${headers}]` : ''}`;
}

/** What is wrong with one answer, if anything. */
function answerProblems(r: HostileRequest, status: number, type: string | null, text: string): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`answered ${status}: ${text.slice(0, 300)}`);
  if (STACK.test(text)) found.push(`answer shows internals: ${text.slice(0, 300)}`);
  const path = r.path.split('?')[0]!;
  if (path.startsWith('/api/') && status >= 400) {
    if (type !== 'application/problem+json') found.push(`error answered as ${type}: ${text.slice(0, 200)}`);
    // A HEAD answer has the headers of the GET answer and no body.
    if (r.method === 'HEAD') return found;
    let detail: unknown;
    try {
      detail = (JSON.parse(text) as { detail?: unknown }).detail;
    } catch {
      found.push(`error body is not JSON: ${text.slice(0, 200)}`);
    }
    if (typeof detail !== 'string' || detail.length === 0) found.push(`no detail: ${text.slice(0, 200)}`);
    else {
      if (VALIDATOR_WORDING.test(detail)) found.push(`validator wording in detail: ${detail}`);
      if (FIELD_PATH.test(detail)) found.push(`field path in detail: ${detail}`);
      // It may start with a username; it must read as words and end as a sentence does.
      if (!/\s/.test(detail) || !/[.!?)”"]$/.test(detail)) found.push(`detail is not a sentence: ${detail}`);
      // Ten issues, each naming the known choices, fit; a caller's megabyte quoted back does not.
      if (detail.length > 2_000)
        found.push(`detail of ${detail.length} characters: ${detail.slice(0, 200)}…`);
    }
  }
  return found;
}

/**
 * The service's own Node listener on a real socket: introspection requests go there, so the fast path
 * in front of Hono (src/http/introspect-fast-path.ts) gets hostile bodies too.
 */
async function serve(prepared: Prepared) {
  const server = createServer(prepared.app.listener(getRequestListener(prepared.app.app.fetch)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise((resolve) => server.close(resolve)));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// Sent in process instead: a request line and headers Node's parser refuses before the service sees
// them (431), and bodies over the 1 MiB limit, whose early 413 the socket may not deliver to a client
// still sending (the connection is closed under it).
const overSocket = (r: HostileRequest, headers: Headers) =>
  r.path.startsWith('/api/v1/introspect') &&
  (r.body === undefined || r.body.length < 1_000_000) &&
  [...headers].reduce((n, [k, v]) => n + k.length + v.length + 4, r.path.length) < 8_000;

async function hostileRun(seed: number) {
  const prepared = await prepare();
  const { app } = prepared;
  const gen = hostileRequests(prepared.doc, prepared.pools);
  const log = await writeLog(app.db, exclusions);
  const snap = await snapshotter(app.db, exclusions);
  const served = await serve(prepared);
  expect(snap.tables).toEqual(expect.arrayContaining(BUSINESS_TABLES));

  const failures: string[] = [];
  const seen = new Map<string, number>();
  const statuses = new Map<string, number>();
  const outcomes = new Map<string, number>();
  let refusalsChecked = 0;
  let reads: (HostileRequest & { status: number })[] = [];
  let snapshot: Snapshot = await snap.take();
  const started = Date.now();
  const fail = (r: HostileRequest | string, what: string) =>
    failures.push(`[seed ${seed}] ${typeof r === 'string' ? r : describeRequest(r)}\n    → ${what}`);
  const counted = (tables: string[]) =>
    [...new Set(tables)].map((t) => `${t} (${tables.filter((x) => x === t).length} rows)`).join(', ');

  for (let chunk = 0; chunk * CHUNK < REQUESTS_PER_SEED; chunk++) {
    const writtenInChunk = new Set<string>();
    // One sample per chunk (seeded from the run's seed), so a large body exists only while it is sent.
    const batch = fc.sample(gen.request, { seed: seed + chunk * 7919, numRuns: CHUNK });
    const checkReads = async () => {
      if (reads.length === 0) return;
      const written = await log.since();
      for (const t of written) writtenInChunk.add(t);
      if (written.length > 0)
        fail(reads.map(describeRequest).join('\n  '), `these reads wrote ${counted(written)}`);
      refusalsChecked += reads.filter((r) => r.status >= 400 && r.status < 500).length;
      reads = [];
    };
    for (const r of batch) {
      if (writes(r)) await checkReads();
      const opKey = r.label.split(' (')[0]!;
      seen.set(opKey, (seen.get(opKey) ?? 0) + 1);
      let status = 0;
      let type: string | null = null;
      let text = '';
      try {
        const init = {
          method: r.method,
          headers: headersFor(r, prepared),
          ...(r.body !== undefined && !['GET', 'HEAD'].includes(r.method.toUpperCase())
            ? { body: r.body as string | Uint8Array<ArrayBuffer> }
            : {}),
        };
        const res = overSocket(r, init.headers)
          ? await fetch(`${served.origin}${r.path}`, init)
          : await app.app.request(`${testOrigin}${r.path}`, init);
        status = res.status;
        type = res.headers.get('content-type');
        text = type?.startsWith('image/') ? '' : await res.text();
      } catch (error) {
        fail(r, `the request threw: ${(error as Error).stack}`);
        continue;
      }
      const cls = `${Math.floor(status / 100)}xx`;
      statuses.set(cls, (statuses.get(cls) ?? 0) + 1);
      const outcome = `${opKey} as ${r.caller}: ${status}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      for (const problem of answerProblems(r, status, type, text)) fail(r, problem);
      // The administrator's cookie sent from another origin (or none) changes nothing anywhere but on
      // /unsubscribe, where the signed token is the credential.
      if (
        r.caller === 'crossSite' &&
        UNSAFE.has(r.method) &&
        !r.path.startsWith('/unsubscribe') &&
        status < 400
      ) {
        fail(r, `a cross-site ${r.method} was accepted with ${status}`);
      }

      if (!writes(r)) {
        // Reads must write nothing, answered or refused: checked together, before the next request
        // that may write (or after fifty).
        reads.push({ ...r, status });
        if (reads.length >= 50) await checkReads();
        continue;
      }
      const written = await log.since();
      for (const t of written) writtenInChunk.add(t);
      if (status >= 400 && status < 500) {
        refusalsChecked++;
        if (written.length > 0)
          fail(r, `refused with ${status} but wrote ${counted(written)}: ${text.slice(0, 200)}`);
      } else if (status < 400 && (await prepared.keepCallersAlive())) {
        for (const t of await log.since()) writtenInChunk.add(t);
      }
    }
    await checkReads();
    // The rows themselves: every table whose rows changed in this chunk was seen by the write log.
    const now = await snap.take();
    const unlogged = changedTables(snapshot, now).filter((t) => !writtenInChunk.has(t));
    if (unlogged.length > 0)
      fail(`chunk ${chunk}`, `rows changed in ${unlogged.join(', ')} with no write logged`);
    snapshot = now;
    // The process is still alive and its database reachable.
    const health = await app.request('GET', '/healthz');
    const ready = await app.request('GET', '/readyz');
    if (health.status !== 200 || ready.status !== 200) {
      fail(`after chunk ${chunk}`, `health ${health.status}, ready ${ready.status}`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `hostile input on ${defaultEngine}, seed ${seed}: ${REQUESTS_PER_SEED} requests in ${seconds} s, ` +
      `${JSON.stringify(Object.fromEntries(statuses))}, ${refusalsChecked} refusals checked for writes. ` +
      `Replay: HOSTILE_SEED=${seed}`,
  );
  if (process.env.HOSTILE_REPORT) {
    const lines = [...outcomes].sort().map(([k, n]) => `${n}\t${k}`);
    appendFileSync(`${process.env.HOSTILE_REPORT}.outcomes`, `${lines.join('\n')}\n`);
  }
  // Every operation the document names was tried, each a fair number of times.
  const least = Math.max(1, Math.floor(REQUESTS_PER_SEED / 250));
  const missing = gen.operations.filter((o) => (seen.get(o) ?? 0) < least);
  expect(missing, `operations tried fewer than ${least} times (seed ${seed})`).toEqual([]);
  return { failures, total: [...statuses.values()].reduce((a, b) => a + b, 0) };
}

describe(`hostile input (${defaultEngine})`, () => {
  console.log(
    `hostile input seeds: fixed ${FIXED_SEED}, fresh ${freshSeed}. Replay the fresh one with HOSTILE_SEED=${freshSeed}`,
  );
  let total = 0;
  it.each([
    ['the fixed seed', FIXED_SEED],
    ['a fresh seed', freshSeed],
  ])(
    'survives %s (%i): no 5xx, readable problems, no partial writes',
    { timeout: 600_000 },
    async (_, seed) => {
      const { failures, total: sent } = await hostileRun(seed);
      if (process.env.HOSTILE_REPORT) appendFileSync(process.env.HOSTILE_REPORT, `${failures.join('\n')}\n`);
      total += sent;
      expect(failures.slice(0, 30), `${failures.length} failures; replay with HOSTILE_SEED=${seed}`).toEqual(
        [],
      );
    },
  );

  it('can fail: the write log sees a write on a table and no touch, the snapshot sees changed rows', async () => {
    const app = await testApp();
    const log = await writeLog(app.db, exclusions);
    const snap = await snapshotter(app.db, exclusions);
    const { user, session } = await signedInUser(app);
    expect(await log.since()).toEqual(expect.arrayContaining(['users', 'sessions']));
    const before = await snap.take();
    const sessions = app.db.kysely.updateTable('sessions').where('id', '=', session.id);
    await sessions.set({ last_seen_at: Date.now() + 60_000 }).execute();
    expect(await log.since()).toEqual([]);
    await sessions.set({ user_agent: 'changed' }).execute();
    await app.db.kysely
      .updateTable('users')
      .set({ first_name: 'Changed' })
      .where('id', '=', user.id)
      .execute();
    expect(await log.since()).toEqual(['sessions', 'users']);
    expect(changedTables(before, await snap.take()).sort()).toEqual(['sessions', 'users']);
  });

  it('sent at least 10,000 requests on this engine', () => {
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});
