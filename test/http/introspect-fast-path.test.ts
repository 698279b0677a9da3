import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp, testOrigin } from '../support/test-app.js';

const SERVICE_TOKEN = 'host-platform-service-token-0123456789abcdef';
const JSON_POST = { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * The service's own Node listener (the fast path in front of the Hono app) on a real socket, plus the
 * requests that reached the Hono app: a request the fast path answers never gets there.
 */
async function served() {
  const app = await testApp({ config: { serviceTokens: [SERVICE_TOKEN] } });
  const hono = getRequestListener(app.app.fetch);
  const reachedHono: string[] = [];
  const server = createServer(
    app.listener((req, res) => {
      reachedHono.push(`${req.method} ${req.url}`);
      hono(req, res);
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${origin}/api/v1/introspect`, {
      method: 'POST',
      headers: { ...JSON_POST, ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
  return { app, origin, post, reachedHono };
}

const SAME_HEADERS = ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options'];

describe('the introspection fast path', () => {
  it('answers an API key exactly as the Hono route does, records its use, and never reaches Hono', async () => {
    const { app, post, reachedHono } = await served();
    const { cookie } = await signedInUser(app);
    const created = await app.request('POST', '/api/v1/me/api-keys', { name: 'CI' }, { cookie });
    const key = created.json.key as string;

    const fast = await post(JSON.stringify({ token: key }));
    const viaHono = await app.request('POST', '/api/v1/introspect', { token: key }, JSON_POST);
    expect(fast.status).toBe(200);
    expect(await fast.json()).toEqual(viaHono.json);
    for (const name of SAME_HEADERS)
      expect([name, fast.headers.get(name)]).toEqual([name, viaHono.headers.get(name)]);
    expect(fast.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reachedHono).toEqual([]);

    const keys = await app.request('GET', '/api/v1/me/api-keys', undefined, { cookie });
    expect(keys.json.items[0]).toMatchObject({ lastUsedIp: '127.0.0.1' });
    expect(keys.json.items[0].lastUsedAt).not.toBeNull();
  });

  it('answers a session token and an unknown token, echoes a plain X-Request-Id, and counts the route in /metrics', async () => {
    const { app, origin, post, reachedHono } = await served();
    const { token, user } = await signedInUser(app);
    const session = await post(JSON.stringify({ token }), { 'x-request-id': 'host-req-42' });
    expect(await session.json()).toMatchObject({ active: true, kind: 'session', user: { id: user.id } });
    expect(session.headers.get('x-request-id')).toBe('host-req-42');
    const unknown = await post(JSON.stringify({ token: 'cnc_not-a-key-anyone-has' }));
    expect([unknown.status, await unknown.json()]).toEqual([200, { active: false }]);
    expect(reachedHono).toEqual([]);
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(
      /concierge_http_request_duration_seconds_count\{[^}]*method="POST"[^}]*route="\/api\/v1\/introspect"[^}]*status="200"[^}]*\} 2/,
    );
  });

  it('hands a body it cannot use to the Hono route, which answers as always', async () => {
    const { post, reachedHono } = await served();
    const malformed = await post('{"token": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect(await malformed.json()).toMatchObject({ code: 'malformed_json' });
    const extra = await post(JSON.stringify({ token: 'x', admin: true }));
    expect(extra.status).toBe(400);
    expect(await extra.json()).toMatchObject({ code: 'validation_failed' });
    const notString = await post(JSON.stringify({ token: 42 }));
    expect(await notString.json()).toMatchObject({ code: 'validation_failed' });
    expect(reachedHono).toEqual([
      'POST /api/v1/introspect',
      'POST /api/v1/introspect',
      'POST /api/v1/introspect',
    ]);
  });

  it('leaves a wrong service token, a chunked body, a cookie, another type or another path to the Hono app', async () => {
    const { app, origin, post, reachedHono } = await served();
    const { token } = await signedInUser(app);
    const body = JSON.stringify({ token });

    const wrong = await post(body, { authorization: 'Bearer not-the-service-token' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'unauthenticated' });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const chunked = await post(stream);
    expect([chunked.status, (await chunked.json()).active]).toEqual([200, true]);
    const withCookie = await post(body, { cookie: 'theme=dark', origin: testOrigin });
    expect([withCookie.status, (await withCookie.json()).active]).toEqual([200, true]);
    const text = await post(body, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const query = await fetch(`${origin}/api/v1/introspect?x=1`, {
      method: 'POST',
      headers: JSON_POST,
      body,
    });
    expect(query.status).toBe(200);
    expect(reachedHono).toHaveLength(5);
  });

  it('lets the Hono route answer a failure of the introspection itself: 500 problem, not a dropped connection', async () => {
    const { app, post, reachedHono } = await served();
    await app.db.close();
    const res = await post(JSON.stringify({ token: 'cnc_no-such-key-while-the-database-is-down' }));
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error' });
    expect(reachedHono).toEqual(['POST /api/v1/introspect']);
  });
});
