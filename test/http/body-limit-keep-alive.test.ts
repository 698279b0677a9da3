import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { signedInUser } from '../support/signed-in.js';
import { testApp, testOrigin } from '../support/test-app.js';

const MiB = 1024 * 1024;
const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The service's own Node listener, as main.ts serves it, on a real socket; and a keep-alive agent. */
async function served() {
  const app = await testApp();
  const server = createServer(app.listener(getRequestListener(app.app.fetch)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // One socket at most, so a second request goes on the first one's connection whenever it may.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return { app, port: (server.address() as AddressInfo).port, agent };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request through `agent`; `body` is sent with a Content-Length, or chunked when `chunked`. */
function send(
  target: { port: number; agent: Agent },
  method: string,
  path: string,
  options: { body?: Buffer; chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { body, chunked = false } = options;
  const headers: Record<string, string> = { origin: testOrigin, ...options.headers };
  if (body && !chunked) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request({ ...target, host: '127.0.0.1', method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    // Before the answer this fails the test; after it (the server stops reading the refused body
    // while it is still being written) there is nothing left to report.
    req.on('error', reject);
    if (!body) {
      req.end();
      return;
    }
    if (chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const problemOf = (answer: Answer) => ({
  status: answer.status,
  type: answer.headers['content-type'],
  code: (JSON.parse(answer.text) as { code: string }).code,
  connection: answer.headers.connection,
});

describe('a refused body does not break the next request of a keep-alive client', () => {
  it.each([
    ['declared longer than the limit (refused unread)', false],
    ['chunked, found too long while reading', true],
  ])(
    'JSON body %s: 413 problem+json with Connection: close, then the next request works',
    async (_label, chunked) => {
      const target = await served();
      const json = Buffer.from(JSON.stringify({ identifier: 'x', password: 'a'.repeat(3 * MiB) }));
      const refused = await send(target, 'POST', '/api/v1/auth/login', {
        body: json,
        chunked,
        headers: { 'content-type': 'application/json' },
      });
      expect(problemOf(refused)).toEqual({
        status: 413,
        type: 'application/problem+json',
        code: 'body_too_large',
        connection: 'close',
      });
      expect(JSON.parse(refused.text).detail).toBe('The request body is larger than 1 MiB. Send less data.');

      const next = await send(target, 'POST', '/api/v1/auth/login', {
        body: Buffer.from(JSON.stringify({ identifier: 'nobody', password: 'not-a-password' })),
        headers: { 'content-type': 'application/json' },
      });
      expect(next.status).toBe(401);
      // Answers within the limit keep the connection.
      expect(next.headers.connection).toBe('keep-alive');
      expect((await send(target, 'GET', '/healthz')).status).toBe(200);
    },
  );

  it.each([
    ['declared longer than the limit (refused unread)', false],
    ['chunked, found too long while counting', true],
  ])(
    'picture %s: 413 problem+json with Connection: close, then the next request works',
    async (_label, chunked) => {
      const target = await served();
      const { cookie } = await signedInUser(target.app);
      const boundary = 'concierge-test-boundary';
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`;
      const body = Buffer.concat([
        Buffer.from(part),
        Buffer.alloc(11 * MiB, 1),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const refused = await send(target, 'PUT', '/api/v1/me/avatar', {
        body,
        chunked,
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(problemOf(refused)).toEqual({
        status: 413,
        type: 'application/problem+json',
        code: 'image_too_large',
        connection: 'close',
      });

      const me = await send(target, 'GET', '/api/v1/me', { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(me.headers.connection).toBe('keep-alive');
    },
  );
});
