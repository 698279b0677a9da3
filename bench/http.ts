// npm run bench: GET /healthz of the built Concierge against a bare Hono route, in the same run. Concierge
// runs twice: as `npm start` runs it (a log line per request) and with logging.level warn.
import { load, report, startConcierge, startHello, withServers } from './harness.js';

await withServers(
  async () =>
    [await startHello(), await startConcierge(), await startConcierge('logging: { level: warn }\n')] as const,
  async ([hello, concierge, quiet]) => {
    const baseline = await load('bare Hono GET / (baseline)', `${hello.origin}/`);
    const healthz = await load('Concierge GET /healthz', `${concierge.origin}/healthz`);
    const healthzQuiet = await load('Concierge GET /healthz, no request log', `${quiet.origin}/healthz`);
    report('HTTP overhead: Concierge middleware stack vs a bare Hono route', [
      baseline,
      healthz,
      healthzQuiet,
    ]);
  },
);
