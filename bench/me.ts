// GET /api/v1/me with a session cookie, against a bare Hono route in the same run (issue 3's figure).
// Target: at least 0.4× the bare route. Run: npm run build && node bench/me.ts [-- --duration 10]
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

const password = 'violet-harbour-lantern-42';

await withServers(
  async () => [await startHello(), await startConcierge('logging: { level: warn }\n')] as const,
  async ([hello, concierge]) => {
    const created = await concierge.cli(
      ['user', 'create', '--username', 'bench', '--email', 'bench@studio.example', '--password-stdin'],
      `${password}\n`,
    );
    if (created.code !== 0) throw new Error(`concierge user create failed: ${created.output}`);
    const login = await fetch(`${concierge.origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: concierge.origin },
      body: JSON.stringify({ identifier: 'bench', password }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0];
    if (!login.ok || !cookie) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
    // Rounds alternate between the two, so a change of speed of a shared machine hits both alike; each
    // row is the median round (ROUNDS, default 3).
    const rounds = Number(process.env.ROUNDS ?? 3);
    const bare: LoadResult[] = [];
    const me: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      bare.push(await load('bare Hono GET / (baseline)', `${hello.origin}/`));
      me.push(
        await load('GET /api/v1/me (session cookie)', `${concierge.origin}/api/v1/me`, {
          headers: { cookie },
        }),
      );
    }
    report('GET /api/v1/me with a session cookie vs a bare Hono route (target ≥ 0.40×)', [
      median(bare),
      median(me),
    ]);
    roundRatios(bare, [me]);
  },
);
