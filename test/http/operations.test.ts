import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { compose } from '../../src/compose/compose.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { cleanup } from '../support/cleanup.js';
import { checked, expectProblem } from '../support/http-checks.js';
import { testApp, testOrigin } from '../support/test-app.js';

const PASSWORD = 'violet stapler orbit 1987 canyon';
const admin = { username: 'admin', email: 'admin@studio.example', password: PASSWORD };

const shared = await testApp();
const request = checked(shared);

describe('operations endpoints', () => {
  it('answers /healthz', async () => {
    const res = await request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when the database answers and its schema is current', async () => {
    const res = await request('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ready: true, checks: { database: 'ok', migrations: 'current' } });
  });

  it('answers /readyz 503 while a migration is pending', async () => {
    const app = await testApp();
    await sql`delete from kysely_migration where name = '0001-foundation'`.execute(app.db.kysely);
    const res = await checked(app)('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.json.ready).toBe(false);
    expect(res.json.checks.migrations).toContain('0001-foundation');
  });

  it('answers /readyz 503 when the database is closed', async () => {
    const app = await testApp();
    await app.db.close();
    const res = await checked(app)('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.json.ready).toBe(false);
    expect(res.json.checks.database).toMatch(/^unreachable/);
  });

  it('still answers /metrics while the database is down, without the outbox depth', async () => {
    const app = await testApp();
    await app.db.close();
    const res = await checked(app)('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('concierge_http_request_duration_seconds');
    expect(res.text).not.toMatch(/^concierge_outbox_depth \d/m);
  });

  it('answers 500 internal_error without internals when the database is gone mid-request', async () => {
    const app = await testApp();
    const token = await app.issueSetupToken();
    await app.db.close();
    const res = await checked(app)('POST', '/api/v1/setup', { token, ...admin });
    expectProblem(res, 500, 'internal_error');
    expect(res.text).not.toMatch(/destroyed|sqlite|kysely/i);
  });

  it('exposes request durations by route pattern, the outbox depth and job runs on /metrics', async () => {
    const app = await testApp({ config: { mail: { outbox: { schedule: '* * * * * *' } } } });
    const req = checked(app);
    await req('GET', '/healthz');
    await req('GET', '/assets/setup.js');
    await req('GET', '/no/such/page');
    const token = await app.issueSetupToken();
    expect((await req('POST', '/api/v1/setup', { token, ...admin })).status).toBe(201);
    const before = await req('GET', '/metrics');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toContain('text/plain');
    expect(before.text).toMatch(/concierge_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
    expect(before.text).toMatch(
      /concierge_http_request_duration_seconds_count\{[^}]*route="\/assets\/:name"/,
    );
    expect(before.text).toMatch(/route="\(unmatched\)"/);
    expect(before.text).not.toContain('setup.js');
    expect(before.text).not.toContain('/no/such/page');
    expect(before.text).toMatch(/^concierge_outbox_depth 1$/m);

    const ran = new EventEmitter();
    // Other jobs run on their own schedules too; this waits for the outbox's run.
    const done = new Promise((resolve) => ran.once('outbox', resolve));
    const scheduler = startScheduler(app.jobs, {
      logger: pino({ level: 'silent' }),
      onRun: (job, outcome) => {
        app.metrics.jobRun(job, outcome);
        ran.emit(job);
      },
    });
    cleanup(() => scheduler.stop());
    await done;
    const after = await req('GET', '/metrics');
    expect(after.text).toMatch(/^concierge_job_runs_total\{job="outbox",outcome="ok"\} [1-9]/m);
    expect(after.text).toMatch(/^concierge_outbox_depth 0$/m);
  });

  it('publishes an OpenAPI 3.1 document listing the setup route', async () => {
    const res = await request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const setup = res.json.paths['/api/v1/setup'].post;
    expect(setup.requestBody.required).toBe(true);
    expect(Object.keys(setup.responses)).toEqual(expect.arrayContaining(['201', '400', '403']));
    expect(res.json.paths['/healthz']).toBeDefined();
  });

  it('renders the API documentation as HTML whose scripts come from our own origin', async () => {
    const res = await request('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const sources = [...res.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    // The CSP allows scripts from 'self' only: no inline script, every source served here.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const src of sources) {
      expect(src.startsWith('/')).toBe(true);
      const script = await shared.app.request(`${testOrigin}${src}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('javascript');
      await script.arrayBuffer();
    }
  });
});
describe('the request log', () => {
  it('writes one line per request with method, route, status, duration and request id, and no secrets', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const { app } = compose(shared.config, shared.db, { logger });
    const secret = 'tok3n-and-passw0rd-value';
    const res = await app.request(`${testOrigin}/api/v1/setup?token=${secret}`, {
      method: 'POST',
      headers: {
        origin: testOrigin,
        'content-type': 'application/json',
        'x-request-id': 'log-check-1',
        cookie: `concierge_session=${secret}`,
        authorization: `Bearer ${secret}`,
      },
      body: JSON.stringify({ token: secret, username: 'admin', email: 'a@studio.example', password: secret }),
    });
    await res.text();
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      method: 'POST',
      route: '/api/v1/setup',
      status: res.status,
      ms: expect.any(Number),
      requestId: 'log-check-1',
    });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});
