// A mixed load on the built service: CLIENTS concurrent connections (default 200) for --duration seconds
// (default 60) spread over the routes the host platform and people use at once (GET /me with a session,
// introspection with the service token, posted events, the inbox, sign-in), after the bare Hono route
// alone with as many connections (the baseline, --baseline seconds, default 10). Prints per route
// requests/s, errors, non-2xx answers and p50/p99 latency. Failures are reported, not refused: under
// overload they are the finding. Run: npm run bench:load [-- --duration 60 --baseline 10]
import { parseArgs } from 'node:util';
import autocannon, { type Options, type Result } from 'autocannon';
import { machine, startConcierge, startHello, withServers } from './harness.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    baseline: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' },
  },
});
const duration = Number(values.duration);
const baselineDuration = Number(values.baseline);
const clients = Number(values.connections);

const serviceToken = 'bench-service-token-0123456789abcdefghijklmnop';
const password = 'violet-harbour-lantern-42';
const PEOPLE = 10;

/** Share of the clients per route (sums to 1). */
const mix = { me: 0.25, introspect: 0.25, events: 0.15, inbox: 0.25, login: 0.1 };

interface Person {
  readonly username: string;
  /** Session and device cookies, for the Cookie header. */
  readonly cookie: string;
  /** The device cookie only: a sign-in from a known browser raises no new-sign-in notice. */
  readonly device: string;
}

async function signIn(origin: string, username: string, device = ''): Promise<Person> {
  const res = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, ...(device ? { cookie: device } : {}) },
    body: JSON.stringify({ identifier: username, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const session = cookies.find((c) => c.startsWith('concierge_session='));
  const deviceCookie = cookies.find((c) => c.startsWith('concierge_device=')) ?? device;
  if (!session) throw new Error(`sign-in of ${username} set no session cookie`);
  return { username, cookie: [session, deviceCookie].filter(Boolean).join('; '), device: deviceCookie };
}

interface Row {
  readonly label: string;
  readonly connections: number;
  readonly result: Result;
}

function print(title: string, rows: readonly Row[], seconds: number): void {
  console.log(`\n${title} (${seconds} s)`);
  const columns = ['clients', 'req/s', 'requests', 'errors', 'timeouts', 'non-2xx', 'p50 ms', 'p99 ms'];
  console.log(`${'route'.padEnd(46)}${columns.map((c) => c.padStart(10)).join('')}`);
  for (const { label, connections, result: r } of rows) {
    const cells = [
      connections,
      Math.round(r.requests.average),
      r.requests.total,
      r.errors,
      r.timeouts,
      r.non2xx,
      r.latency.p50,
      r.latency.p99,
    ];
    console.log(`${label.padEnd(46)}${cells.map((c) => String(c).padStart(10)).join('')}`);
  }
  if (rows.length > 1) {
    const total = rows.reduce((n, r) => n + r.result.requests.average, 0);
    console.log(`${'all routes'.padEnd(46)}${''.padStart(10)}${String(Math.round(total)).padStart(10)}`);
  }
}

await withServers(
  async () =>
    [
      await startHello(),
      await startConcierge(`logging: { level: warn }\nserviceTokens: ["${serviceToken}"]\n`),
    ] as const,
  async ([hello, concierge]) => {
    const { origin } = concierge;
    const usernames = Array.from({ length: PEOPLE }, (_, i) => `load-${i}`);
    // Side by side: each is a process loading the CLI.
    await Promise.all(
      usernames.map(async (username) => {
        const created = await concierge.cli(
          [
            'user',
            'create',
            '--username',
            username,
            '--email',
            `${username}@studio.example`,
            '--password-stdin',
          ],
          `${password}\n`,
        );
        if (created.code !== 0) throw new Error(`concierge user create failed: ${created.output}`);
      }),
    );
    // A first sign-in per person records their browser, so the load's sign-ins raise no notices.
    const people = await Promise.all(usernames.map((u) => signIn(origin, u)));
    const reader = people[0]!;
    const keyRes = await fetch(`${origin}/api/v1/me/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie: reader.cookie },
      body: JSON.stringify({ name: 'load' }),
    });
    if (keyRes.status !== 201) throw new Error(`creating the API key failed: ${keyRes.status}`);
    const { key } = (await keyRes.json()) as { key: string };
    // Something in the inbox to read: 50 events for everyone.
    const seed = await fetch(`${origin}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceToken}` },
      body: JSON.stringify({
        events: Array.from({ length: 50 }, (_, i) => ({
          type: 'status.changed',
          recipients: usernames,
          title: `Shot ${i} is approved`,
          idempotencyKey: `load-seed-${i}`,
        })),
      }),
    });
    if (seed.status !== 202) throw new Error(`seeding the inbox failed: ${seed.status}`);

    const service = { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' };
    const routes: { label: string; share: number; options: Omit<Options, 'connections' | 'duration'> }[] = [
      {
        label: 'GET /api/v1/me (session cookie)',
        share: mix.me,
        options: { url: `${origin}/api/v1/me`, headers: { cookie: reader.cookie } },
      },
      {
        label: 'POST /api/v1/introspect (API key)',
        share: mix.introspect,
        options: {
          url: `${origin}/api/v1/introspect`,
          method: 'POST',
          headers: service,
          body: JSON.stringify({ token: key }),
        },
      },
      {
        // One event for three people (inbox and digest), a new idempotency key per request.
        label: 'POST /api/v1/events (1 event, 3 recipients)',
        share: mix.events,
        options: {
          url: `${origin}/api/v1/events`,
          method: 'POST',
          headers: service,
          idReplacement: true,
          body: JSON.stringify({
            type: 'status.changed',
            recipients: usernames.slice(1, 4),
            title: 'Shot [<id>] is approved',
            idempotencyKey: 'load-[<id>]',
          }),
        },
      },
      {
        label: 'GET /api/v1/me/notifications (inbox)',
        share: mix.inbox,
        options: { url: `${origin}/api/v1/me/notifications`, headers: { cookie: people[4]!.cookie } },
      },
      {
        // A correct password from a known browser: argon2id per request, no notice.
        label: 'POST /api/v1/auth/login (password)',
        share: mix.login,
        options: {
          url: `${origin}/api/v1/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json', origin, cookie: people[5]!.device },
          body: JSON.stringify({ identifier: people[5]!.username, password }),
        },
      },
    ];
    const split = routes.map((r) => Math.max(1, Math.round(r.share * clients)));

    console.log(`\nmixed load on the built service; ${machine()}`);
    // The baseline alone, then a short warm-up of the mix (the JIT, the statement cache), then the run.
    const bare = await autocannon({
      url: `${hello.origin}/`,
      connections: clients,
      duration: baselineDuration,
    });
    print(
      'bare Hono GET / alone (baseline)',
      [{ label: 'bare Hono GET /', connections: clients, result: bare }],
      baselineDuration,
    );
    await Promise.all(
      routes.map((r, i) => autocannon({ ...r.options, connections: split[i]!, duration: 3 })),
    );
    const results = await Promise.all(
      routes.map((r, i) => autocannon({ ...r.options, connections: split[i]!, duration })),
    );
    print(
      `the mix at once, ${split.reduce((n, c) => n + c, 0)} clients`,
      routes.map((r, i) => ({ label: r.label, connections: split[i]!, result: results[i]! })),
      duration,
    );
  },
);
