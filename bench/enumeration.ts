// Whether the time of a failed sign-in tells what kind of identifier was tried: the built server with
// [local, ldap] (a throwaway slapd) and with local accounts only, ROUNDS (default 300) interleaved
// sign-ins each for an unknown identifier, a local account's wrong password and a directory account's
// wrong password, one request at a time; then the same for POST /api/v1/auth/password-reset (existing vs
// unknown identifier). Prints medians, p90 and a Mann–Whitney U test for each pair. Not a test: its
// figures depend on the machine; test/http/sign-in-enumeration.test.ts counts the work instead.
// Run: npm run bench:enumeration   (npm run build first when running bench/enumeration.ts directly)
import { addPerson, ldapProviderConfig, startSlapd } from '../test/support/slapd.js';
import { machine, startConcierge, withServers } from './harness.js';

const rounds = Number(process.env.ROUNDS ?? 300);
const warmUp = 20;
const localPassword = 'violet-harbour-lantern-42';
const wrong = 'not-the-password-at-all-7';
// Limits no run reaches: the bench measures the checks, not the locks.
const limits = (n: number) => `{ maxAttempts: ${n}, windowMinutes: 60, lockMinutes: 1 }`;
const throttle = `auth:\n  throttle:\n${['account', 'ip', 'resetAccount', 'resetIp']
  .map((rule) => `    ${rule}: ${limits(10_000)}`)
  .join('\n')}\n`;

interface Kind {
  readonly label: string;
  readonly body: Record<string, string>;
}

const slapd = await startSlapd();
try {
  const person = await addPerson(slapd, { uid: 'bench-directory', password: 'bench-directory-secret-1' });
  const setups = [
    { name: '[local, ldap]', providers: [{ id: 'local', kind: 'local' }, ldapProviderConfig(slapd)] },
    { name: '[local]', providers: [{ id: 'local', kind: 'local' }] },
  ];
  console.log(
    `\nSign-in and reset timing by kind of identifier\n${machine()}; ${rounds} requests per kind, interleaved, one at a time\n`,
  );
  for (const setup of setups) {
    const ldap = setup.providers.length > 1;
    await withServers(
      async () =>
        [
          await startConcierge(
            `logging: { level: warn }\n${throttle}providers: ${JSON.stringify(setup.providers)}\n`,
          ),
        ] as const,
      async ([concierge]) => {
        const created = await concierge.cli(
          [
            'user',
            'create',
            '--username',
            'bench-local',
            '--email',
            'bench@studio.example',
            '--password-stdin',
          ],
          `${localPassword}\n`,
        );
        if (created.code !== 0) throw new Error(`concierge user create failed: ${created.output}`);
        const post = (path: string, body: Record<string, string>) =>
          fetch(`${concierge.origin}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: concierge.origin },
            body: JSON.stringify(body),
          });
        if (ldap) {
          // Signed in once, so that the timed attempts are a known directory account's.
          const first = await post('/api/v1/auth/login', {
            identifier: person.uid,
            password: person.password,
          });
          if (first.status !== 200) throw new Error(`directory sign-in failed: ${first.status}`);
          await first.text();
        }
        const signIns: Kind[] = [
          { label: 'unknown', body: { identifier: 'nobody-at-all', password: wrong } },
          { label: 'local, wrong password', body: { identifier: 'bench-local', password: wrong } },
          ...(ldap
            ? [{ label: 'directory, wrong password', body: { identifier: person.uid, password: wrong } }]
            : []),
        ];
        const resets: Kind[] = [
          { label: 'unknown', body: { identifier: 'nobody-at-all' } },
          { label: 'existing local', body: { identifier: 'bench-local' } },
          ...(ldap ? [{ label: 'existing directory', body: { identifier: person.uid } }] : []),
        ];
        await measure(`POST /api/v1/auth/login with ${setup.name}`, post, '/api/v1/auth/login', signIns, 401);
        await measure(
          `POST /api/v1/auth/password-reset with ${setup.name}`,
          post,
          '/api/v1/auth/password-reset',
          resets,
          202,
        );
      },
    );
  }
} finally {
  await slapd.dispose();
}

async function measure(
  title: string,
  post: (path: string, body: Record<string, string>) => Promise<Response>,
  path: string,
  kinds: readonly Kind[],
  status: number,
) {
  const times = kinds.map(() => [] as number[]);
  for (let round = -warmUp; round < rounds; round++) {
    // Each round in another order, so that no kind always follows the same one.
    const order = kinds.map((_, i) => (i + round + warmUp) % kinds.length);
    for (const i of order) {
      const started = performance.now();
      const res = await post(path, kinds[i]!.body);
      await res.arrayBuffer();
      const ms = performance.now() - started;
      if (res.status !== status)
        throw new Error(`${title}, ${kinds[i]!.label}: ${res.status} instead of ${status}`);
      if (round >= 0) times[i]!.push(ms);
    }
  }
  console.log(`${title}\n`);
  console.log(
    `${'identifier'.padEnd(28)}${['median ms', 'p90 ms', 'mean ms'].map((c) => c.padStart(12)).join('')}`,
  );
  kinds.forEach((kind, i) => {
    const xs = times[i]!;
    const cells = [quantile(xs, 0.5), quantile(xs, 0.9), xs.reduce((a, b) => a + b, 0) / xs.length];
    console.log(`${kind.label.padEnd(28)}${cells.map((c) => c.toFixed(2).padStart(12)).join('')}`);
  });
  console.log(
    `\n${'pair (Mann–Whitney U)'.padEnd(56)}${['U', 'z', 'p'].map((c) => c.padStart(12)).join('')}`,
  );
  for (let a = 0; a < kinds.length; a++) {
    for (let b = a + 1; b < kinds.length; b++) {
      const { u, z, p } = mannWhitney(times[a]!, times[b]!);
      const pair = `${kinds[a]!.label} vs ${kinds[b]!.label}`;
      console.log(
        `${pair.padEnd(56)}${String(Math.round(u)).padStart(12)}${z.toFixed(2).padStart(12)}${formatP(p).padStart(12)}`,
      );
    }
  }
  console.log('');
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** Two-sided Mann–Whitney U test, normal approximation with the tie correction. */
function mannWhitney(a: readonly number[], b: readonly number[]): { u: number; z: number; p: number } {
  const all = [...a.map((v) => ({ v, from: 0 })), ...b.map((v) => ({ v, from: 1 }))].sort(
    (x, y) => x.v - y.v,
  );
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const r1 = all.reduce((sum, x, i) => (x.from === 0 ? sum + ranks[i]! : sum), 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sd === 0 ? 0 : (u1 - mean) / sd;
  return { u: u1, z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

// Abramowitz and Stegun 7.1.26 (error below 1.5e-7): enough for a p-value.
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-((x / Math.SQRT2) ** 2));
  return 0.5 * (1 + erf);
}

function formatP(p: number): string {
  return p < 1e-6 ? '< 1e-6' : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
