import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { compiledConcierge } from './support/build.js';
import {
  childEnv,
  deferCleanup,
  freePort,
  tempFile,
  tempInstance,
  throwawayPostgres,
} from './support/processes.js';
import { startService } from './support/service.js';

// The real server runs as a child process, `node dist/src/main.js` of a private build (support/build.ts).
const compiled = compiledConcierge();

/** Starts Concierge on a fresh dataDir and a free port; resolves once it listens. */
async function startConcierge(extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const instance = tempInstance(`server: { publicUrl: "${origin}" }\n`);
  const service = startService(
    compiled(),
    childEnv({ CONCIERGE_CONFIG: instance.configPath, PORT: String(port), ...extraEnv }),
  );
  await service.waitForLine(/"msg":"concierge listening"/);
  return { ...instance, ...service, port, origin };
}

/** The status and whole body of a response. */
async function collect(res: IncomingMessage): Promise<{ status: number; body: string }> {
  let body = '';
  for await (const chunk of res.setEncoding('utf8')) body += chunk;
  return { status: res.statusCode ?? 0, body };
}

describe('the server process', () => {
  it('on an empty database logs a one-time setup link and serves health, readiness and the API docs', async () => {
    const server = await startConcierge();
    const line = await server.waitForLine(/^First run: create the administrator at /);
    const setupUrl = line.replace(/^.* at /, '');
    expect(setupUrl).toMatch(new RegExp(`^${server.origin}/setup\\?token=[a-z2-7]{20,}$`));
    expect(server.output()).toContain(`"setupUrl":"${setupUrl}"`);
    expect((await fetch(setupUrl)).status).toBe(200);

    const health = await fetch(`${server.origin}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    // Served by Node, the security headers take another path than in-process requests: check them here.
    for (const res of [health, await fetch(`${server.origin}/no/such/page`)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const page = await fetch(`${server.origin}/no/such/page`);
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const ready = await fetch(`${server.origin}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { ready: true, checks: { database: 'ok', migrations: 'current' } },
    ]);
    const docs = await fetch(`${server.origin}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const openapi = await fetch(`${server.origin}/api/v1/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('on SIGTERM finishes the request in flight, refuses new connections, then exits 0', async () => {
    const server = await startConcierge();
    const line = await server.waitForLine(/^First run: create the administrator at /);
    const token = new URL(line.replace(/^.* at /, '')).searchParams.get('token')!;
    const body = Buffer.from(
      JSON.stringify({
        token,
        username: 'first-admin',
        email: 'admin@studio.test',
        password: 'violet-harbour-lantern-42',
      }),
    );

    // The request is held open by its body: the server has its headers (it answered 100 Continue)
    // but not yet the rest, so it is in flight when SIGTERM arrives.
    const req = request(`${server.origin}/api/v1/setup`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' },
    });
    const failed = once(req, 'error').then(([error]) => Promise.reject(error as Error));
    const response = Promise.race([once(req, 'response'), failed]).then(([res]) =>
      collect(res as IncomingMessage),
    );
    await Promise.race([once(req, 'continue'), failed]);
    req.write(body.subarray(0, 10));

    server.child.kill('SIGTERM');
    await server.waitForLine(/"msg":"stopping: finishing requests in flight/);
    await expect(fetch(`${server.origin}/healthz`), 'a new connection while stopping').rejects.toThrow();
    req.end(body.subarray(10));

    const answer = await response;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ username: 'first-admin' });
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('"msg":"stopped"');

    const db = await openDatabase(server.sqliteUrl);
    deferCleanup(() => db.close());
    const admins = await db.kysely.selectFrom('users').select(['username', 'role']).execute();
    expect(admins).toEqual([{ username: 'first-admin', role: 'admin' }]);
  });

  it('runs on PostgreSQL named by DATABASE_URL and is ready', async () => {
    const url = await throwawayPostgres();
    const server = await startConcierge({ DATABASE_URL: url });
    expect(server.output()).toContain(`"database":"postgres 127.0.0.1:5432${new URL(url).pathname}"`);
    const ready = await fetch(`${server.origin}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { ready: true, checks: { database: 'ok', migrations: 'current' } },
    ]);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});

describe('the server process refuses to start', () => {
  it('with a bad configuration file: exit 1 and one line per bad key', async () => {
    const path = tempFile(
      'bad.yaml',
      'server: { port: -1, shutdownGraceMs: soon }\ndatabase: { url: mysql://x }\nmail: { transport: pigeon }\n',
    );
    const port = await freePort();
    const service = startService(compiled(), childEnv({ CONCIERGE_CONFIG: path, PORT: String(port) }));
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr.split('\n')[0]).toBe('concierge: invalid configuration:');
    const lines = exit.stderr
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    // PORT overrides server.port, so the file's -1 never reaches validation.
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([
      'database.url',
      'mail.transport',
      'server.shutdownGraceMs',
    ]);
    expect(exit.stdout).not.toContain('listening');
  });

  it('with a PORT that is not a port: exit 1 naming server.port', async () => {
    const { configPath } = tempInstance();
    const exit = await startService(compiled(), childEnv({ CONCIERGE_CONFIG: configPath, PORT: '70000' }))
      .exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^ {2}server\.port: /m);
  });

  it('when PostgreSQL does not answer: a clear message and exit 1, without a stack trace', async () => {
    const closed = await freePort();
    const { configPath } = tempInstance();
    const service = startService(
      compiled(),
      childEnv({
        CONCIERGE_CONFIG: configPath,
        DATABASE_URL: `postgres://root@127.0.0.1:${closed}/concierge`,
      }),
    );
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(
      `concierge: cannot reach the database at postgres 127.0.0.1:${closed}/concierge`,
    );
    expect(exit.stderr).toContain('ECONNREFUSED');
    expect(exit.stderr).not.toMatch(/^\s+at /m);
    expect(exit.stdout).not.toContain('listening');
  });
});
