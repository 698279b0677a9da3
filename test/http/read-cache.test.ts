import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { compose } from '../../src/compose/compose.js';
import { signedInLocal } from '../support/accounts.js';
import { cleanup } from '../support/cleanup.js';
import { engines } from '../support/databases.js';
import { jsonRequester, testApp } from '../support/test-app.js';

const serviceToken = 'read-cache-service-token-0123456789abcdef';

/** Two replicas on one database, with a clock the test moves. */
async function twoReplicas(engine: (typeof engines)[number]) {
  let now = Date.now();
  const clock = () => new Date(now);
  const a = await testApp({ engine, clock, config: { serviceTokens: [serviceToken] } });
  const dbB = await openDatabase(a.db.url);
  cleanup(() => dbB.close());
  const b = compose(a.config, dbB, { logger: pino({ level: 'silent' }), clock });
  return { a, b: jsonRequester(b.app), advance: (ms: number) => (now += ms) };
}

describe.each(engines)('validated sessions reused for a few seconds, on %s', (engine) => {
  it('a sign-out ends the session at once on its replica and within readCacheSeconds on another', async () => {
    const { a, b, advance } = await twoReplicas(engine);
    const { headers } = await signedInLocal(a);
    expect((await a.request('GET', '/api/v1/me', undefined, headers)).status).toBe(200);
    expect((await b('GET', '/api/v1/me', undefined, headers)).status).toBe(200);

    expect((await a.request('POST', '/api/v1/auth/logout', undefined, headers)).status).toBeLessThan(300);
    expect((await a.request('GET', '/api/v1/me', undefined, headers)).status).toBe(401);
    // The other replica may still answer from what it validated, for at most readCacheSeconds (5).
    advance(5_001);
    expect((await b('GET', '/api/v1/me', undefined, headers)).status).toBe(401);
  });

  it('shows a profile change at once on the replica that made it', async () => {
    const { a } = await twoReplicas(engine);
    const { headers } = await signedInLocal(a);
    expect((await a.request('GET', '/api/v1/me', undefined, headers)).json.firstName).toBe('Ada');
    const patched = await a.request('PATCH', '/api/v1/me', { firstName: 'Grace' }, headers);
    expect(patched.status).toBe(200);
    expect((await a.request('GET', '/api/v1/me', undefined, headers)).json.firstName).toBe('Grace');
  });

  it('stops introspecting a revoked API key at once on its replica and within 5 s on another', async () => {
    const { a, b, advance } = await twoReplicas(engine);
    const { headers } = await signedInLocal(a);
    const created = await a.request('POST', '/api/v1/me/api-keys', { name: 'pipeline' }, headers);
    expect(created.status).toBe(201);
    const host = { authorization: `Bearer ${serviceToken}` };
    const ask = (via: typeof b) => via('POST', '/api/v1/introspect', { token: created.json.key }, host);
    expect((await ask(a.request)).json.active).toBe(true);
    expect((await ask(b)).json.active).toBe(true);

    const revoked = await a.request('DELETE', `/api/v1/me/api-keys/${created.json.id}`, undefined, headers);
    expect(revoked.status).toBeLessThan(300);
    expect((await ask(a.request)).json.active).toBe(false);
    advance(5_001);
    expect((await ask(b)).json.active).toBe(false);
  });
});
