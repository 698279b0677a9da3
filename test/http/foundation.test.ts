import { describe, expect, it } from 'vitest';
import { checked, expectProblem, raw } from '../support/http-checks.js';
import { testApp, testOrigin } from '../support/test-app.js';

const shared = await testApp();
const request = checked(shared);

describe('errors as problem+json', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await request('POST', '/api/v1/setup', '{"token": "abc", ');
    expectProblem(res, 400, 'malformed_json');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['a string', '"setup"'],
  ])('answers a JSON body that is %s with 400 validation_failed', async (_what, body) => {
    const res = await request('POST', '/api/v1/setup', body);
    expectProblem(res, 400, 'validation_failed');
  });

  it('refuses a body sent as another content type with a 4xx, never a 500', async () => {
    const res = await request('POST', '/api/v1/setup', JSON.stringify({ token: 'x' }), {
      'content-type': 'text/plain',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a body over 1 MiB that declares its length with 413 body_too_large', async () => {
    const body = JSON.stringify({ token: 'x'.repeat(1024 * 1024) });
    const res = await raw(shared, '/api/v1/setup', {
      method: 'POST',
      headers: {
        origin: testOrigin,
        'content-type': 'application/json',
        'content-length': String(body.length),
      },
      body,
    });
    expectProblem(res, 413, 'body_too_large');
  });

  it('refuses a streamed body over 1 MiB without Content-Length with 413 body_too_large', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await raw(shared, '/api/v1/setup', {
      method: 'POST',
      headers: { origin: testOrigin, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectProblem(res, 413, 'body_too_large');
  });

  it.each(['/nowhere', '/api/v1/nowhere', '/api/v1/setup/extra', '/%', '/%E0%A4%A', '/a/../../etc/passwd'])(
    'answers an unknown route %s with 404 route_not_found',
    async (path) => {
      const res = await request('GET', path);
      expectProblem(res, 404, 'route_not_found');
    },
  );

  it.each([
    ['GET', `/api/v1/${'a'.repeat(10_000)}`, 404],
    ['GET', `/api/v1/me/sessions/${'a'.repeat(10_000)}`, 405],
  ])('names only the start of a very long path (%s, %i)', async (method, path, status) => {
    const res = await request(method, path as string);
    expect(res.status).toBe(status);
    expect(res.json.detail.length).toBeLessThan(400);
    expect(res.json.detail).toContain(`${'a'.repeat(150)}`);
  });

  it.each([
    ['DELETE', '/healthz', 'GET'],
    ['PUT', '/api/v1/setup', 'POST'],
    ['POST', '/readyz', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allowed) => {
    const res = await request(method, path, method === 'PUT' ? {} : undefined);
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')?.split(', ')).toContain(allowed);
  });

  it('names each missing or wrong field of a request body', async () => {
    const res = await request('POST', '/api/v1/setup', { token: 7, username: '', role: 'admin' });
    expectProblem(res, 400, 'validation_failed');
    const fields = (res.json.issues as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['token', 'username', 'email', 'password']));
    expect(res.json.issues).toContainEqual({ field: 'email', message: 'is required' });
    expect(res.json.issues).toContainEqual({ field: 'token', message: 'must be text' });
    expect(JSON.stringify(res.json.issues)).toContain('role');
    expect(res.json.detail).toMatch(/email/);
  });
});
describe('headers on every answer', () => {
  it.each([
    ['GET', '/nowhere'],
    ['GET', '/account'],
    ['GET', '/api/docs'],
  ])('%s %s (a page) carries the full set of secure headers', async (method, path) => {
    const res = await request(method, path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it.each([
    ['GET', '/healthz'],
    ['DELETE', '/healthz'],
    ['POST', '/api/v1/setup'],
    ['GET', '/api/v1/me'],
  ])('%s %s (data) may not be rendered, framed or sniffed', async (method, path) => {
    const res = await request(method, path, method === 'POST' ? '{' : undefined);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('keeps the route table within Hono’s RegExpRouter (one static route beside a parameter once sent every request to the slower TrieRouter)', async () => {
    await shared.app.request(`${testOrigin}/healthz`);
    expect(shared.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('sends Strict-Transport-Security only when the service is reached over https', async () => {
    expect((await request('GET', '/healthz')).headers.get('strict-transport-security')).toBeNull();
    const https = await testApp({ config: { server: { publicUrl: 'https://concierge.test' } } });
    for (const path of ['/healthz', '/nowhere']) {
      const res = await https.app.request(`https://concierge.test${path}`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
    }
  });

  it('echoes the caller’s request id in the header and in problems', async () => {
    const res = await request('GET', '/nowhere', undefined, { 'x-request-id': 'trace-4711' });
    expect(res.headers.get('x-request-id')).toBe('trace-4711');
    expect(res.json.requestId).toBe('trace-4711');
  });

  it.each([
    ['markup', '<script>alert(1)</script>'],
    ['an over-long id', 'r'.repeat(300)],
  ])('replaces a request id carrying %s with its own', async (_what, id) => {
    const res = await request('GET', '/healthz', undefined, { 'x-request-id': id });
    const echoed = res.headers.get('x-request-id');
    expect(echoed).toBeTruthy();
    expect(echoed).not.toBe(id);
  });

  it('makes up a request id when none is sent', async () => {
    const res = await request('GET', '/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
  });
});

describe('cross-site request forgery', () => {
  const cookie = 'concierge_session=abcdefghijklmnopqrstuvwxyz234567';

  it('refuses a cookie-carrying POST from a foreign origin with 403 cross_origin_request', async () => {
    const res = await request('POST', '/api/v1/setup', {}, { cookie, origin: 'https://evil.example' });
    expectProblem(res, 403, 'cross_origin_request');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses it whatever its content type (%s)',
    async (type) => {
      const res = await request('POST', '/api/v1/setup', 'a=1', {
        cookie,
        origin: 'https://evil.example',
        'content-type': type,
      });
      expectProblem(res, 403, 'cross_origin_request');
    },
  );

  it('refuses a cookie-carrying POST that names no origin at all', async () => {
    const res = await raw(shared, '/api/v1/setup', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expectProblem(res, 403, 'cross_origin_request');
  });

  it('lets a cookie-carrying POST from our own origin through', async () => {
    const res = await request('POST', '/api/v1/setup', {}, { cookie });
    expectProblem(res, 400, 'validation_failed');
  });

  it('exempts a request authenticated by an Authorization header (the cookie beside it is not used)', async () => {
    const res = await request(
      'PATCH',
      '/api/v1/me',
      {},
      { cookie, origin: 'https://evil.example', authorization: 'Bearer x' },
    );
    expectProblem(res, 401, 'unauthenticated');
  });

  it('still checks the origin where the cookie authenticates, whatever Authorization header comes along', async () => {
    const res = await request(
      'POST',
      '/api/v1/setup',
      {},
      { cookie, origin: 'https://evil.example', authorization: 'Bearer x' },
    );
    expectProblem(res, 403, 'cross_origin_request');
  });

  it('does not stop a safe GET from another origin', async () => {
    const res = await request('GET', '/healthz', undefined, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(200);
  });
});
