// POST /api/v1/introspect with a personal API key (and with a session token), against a bare Hono route
// in the same run. Target: at least 0.4× the bare route. Run: npm run build && node bench/introspect.ts
import {
  type LoadResult,
  load,
  median,
  report,
  roundRatios,
  startConcierge,
  startHello,
  withServers,
} from './harness.js';

const serviceToken = 'bench-service-token-0123456789abcdefghijklmnop';
const password = 'violet-harbour-lantern-42';

/** Creates a user with the CLI, signs in, and creates an API key the way a person would. */
async function credentials(
  origin: string,
  cli: (args: string[], input?: string) => Promise<{ code: number | null; output: string }>,
) {
  const created = await cli(
    ['user', 'create', '--username', 'bench', '--email', 'bench@studio.example', '--password-stdin'],
    `${password}\n`,
  );
  if (created.code !== 0) throw new Error(`concierge user create failed: ${created.output}`);
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ identifier: 'bench', password }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  if (!login.ok || !cookie) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const res = await fetch(`${origin}/api/v1/me/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, cookie },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`creating the API key failed: ${res.status} ${await res.text()}`);
  const { key } = (await res.json()) as { key: string };
  return { key, sessionToken: cookie.slice(cookie.indexOf('=') + 1) };
}

await withServers(
  async () =>
    [
      await startHello(),
      await startConcierge(`serviceTokens: ["${serviceToken}"]\nlogging: { level: warn }\n`),
    ] as const,
  async ([hello, concierge]) => {
    const { key, sessionToken } = await credentials(concierge.origin, concierge.cli);
    const introspect = (token: string) => ({
      method: 'POST' as const,
      headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    const url = `${concierge.origin}/api/v1/introspect`;
    const check = await fetch(url, introspect(key));
    const body = (await check.json()) as { active: boolean; kind?: string };
    if (!body.active || body.kind !== 'api_key')
      throw new Error(`introspection is not answering: ${JSON.stringify(body)}`);
    // Rounds alternate between the routes, so a load change on a shared machine hits all of them alike,
    // and each round starts one route later, so no route always runs first after the bare server's turn
    // (the first Concierge route of a round measured up to a third slower). Each row is the median round.
    const rounds = Number(process.env.ROUNDS ?? 3);
    const runs: LoadResult[][] = [[], [], [], [], []];
    const loads: Array<() => Promise<LoadResult>> = [
      () => load('bare Hono GET / (baseline)', `${hello.origin}/`),
      () => load('POST /api/v1/introspect (API key)', url, introspect(key)),
      () => load('POST /api/v1/introspect (session token)', url, introspect(sessionToken)),
      // The shared middleware stack alone, for scale.
      () => load('GET /healthz (reference)', `${concierge.origin}/healthz`),
      () =>
        load('bare Hono POST / JSON (baseline)', `${hello.origin}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: key }),
        }),
    ];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < loads.length; i++) {
        const which = (i + round) % loads.length;
        runs[which]!.push(await loads[which]!());
      }
    }
    const [bareGet, withKey, withSession, healthz, barePost] = runs.map(median) as LoadResult[] &
      [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];
    report('Introspection against the bare GET route (target ≥ 0.4× the bare route)', [
      bareGet,
      withKey,
      withSession,
      healthz,
      barePost,
    ]);
    roundRatios(runs[0]!, [runs[1]!, runs[2]!, runs[3]!, runs[4]!]);
    report('The same against a bare POST route of the same shape (JSON body in, JSON out)', [
      barePost,
      withKey,
      withSession,
    ]);
  },
);
